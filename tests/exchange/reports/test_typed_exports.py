"""Managers' exports: borrowings with their lender and its fees, typed XLSX cells, whole sheet names, and PDF
tables that go on over pages with their header and without a split row."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from exchange.models import Shipment
from exchange.reports import exports, figures
from exchange.reports.filters import Filters
from ill.services import borrowing
from nlk_portal.core import calendar
from nlk_portal.core.exports.writers import sheet_title
from tests.factories import InstitutionFactory, library_user
from tests.ill.borrowing.steps import borrow, work_to_delivered

from .test_admin_exports import csv_rows, export
from .test_downloads import body, download

TODAY = date(2026, 1, 15)


@pytest.fixture
def borrowed(source_fee_schedule):
    """Two borrowings this year: from Berlin (settled: fees, shipping and bank fees in KRW), and from a library
    the user typed in, still waiting for its answer."""
    berlin = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    settled = work_to_delivered(
        borrow(library_user(email="a@example.kr"), berlin), prepaid="60000", fees=("20000", None, "15000")
    )
    borrowing.settle(settled, bank_fee=Decimal("3000"))
    waiting = borrow(
        library_user(email="b@example.kr"), None, lender_name="Biblioteca Nacional de Chile", lender_country="CL"
    )
    return {"settled": settled, "waiting": waiting}


def this_year():
    year = calendar.library_today().year
    return {"year": year}


def test_the_ill_export_lists_a_borrowing_under_its_lender_with_the_lenders_fees(client, manager, borrowed):
    client.force_login(manager)

    rows = csv_rows(download(client, "ill", "csv", **this_year()))

    header = next(i for i, row in enumerate(rows) if row[:1] == ["Reference"])
    listed = {row[0]: row for row in rows[header + 1 :]}
    settled = listed[borrowed["settled"].reference]
    assert settled[1] == "NLK borrows from abroad"
    assert settled[5:7] == ["Staatsbibliothek zu Berlin", "DE"]
    fees = [Decimal(value) if value else None for value in settled[11:15]]
    assert fees == [Decimal("20000"), None, Decimal("15000"), Decimal("3000")] and settled[15] == "KRW"
    assert settled[16] == "Charged at settlement"
    waiting = listed[borrowed["waiting"].reference]
    assert waiting[5:7] == ["Biblioteca Nacional de Chile", "CL"]
    assert waiting[11:16] == ["", "", "", "", ""]
    assert "National Library of Korea" not in {row[5] for row in listed.values()}


@pytest.fixture
def supplied(ill_money):
    return ill_money


def test_the_xlsx_cells_are_numbers_money_and_dates(client, manager, borrowed, ill_year):
    client.force_login(manager)
    workbook = load_workbook(io.BytesIO(body(download(client, "ill", "xlsx"))))

    requests = workbook["Requests"]
    header = [cell.value for cell in requests[1]]
    by_reference = {row[0].value: row for row in requests.iter_rows(min_row=2)}
    settled = by_reference[borrowed["settled"].reference]
    copying, shipping, bank = (settled[header.index(name)] for name in
                               ("Copying fee", "International shipping", "Bank fees"))
    assert (copying.value, shipping.value, bank.value) == (20000, 15000, 3000)
    assert copying.number_format == '"KRW" #,##0'
    received = settled[header.index("Received on")]
    assert isinstance(received.value, datetime) and received.value.date() == calendar.library_today()
    assert received.is_date
    still_open = by_reference[ill_year["fr_jun_1_open"].reference]
    assert still_open[header.index("Copying fee")].value == 9  # the estimate for 20 pages
    assert still_open[header.index("Copying fee")].number_format == '"USD" #,##0.00'
    supplied = by_reference[ill_year["fr_mar_1"].reference]
    assert supplied[header.index("Turnaround (days)")].value == 2
    assert supplied[header.index("Completed on")].value == datetime(2025, 3, 3)
    assert supplied[header.index("Loan fee")].value is None


def test_the_report_sheets_are_numbers_in_their_formats(client, manager, ill_money):
    client.force_login(manager)
    workbook = load_workbook(io.BytesIO(body(download(client, "ill", "xlsx", year=2025))))

    fill_rate = workbook["Fill rate"]
    assert fill_rate["D2"].value == pytest.approx(5 / 6) and fill_rate["D2"].number_format == "0.0%"
    fees = workbook["Fees invoiced and collected"]
    assert [cell.value for cell in fees[2]] == ["USD", 26, 9, 17]
    assert fees["B2"].number_format == '"USD" #,##0.00'
    by_month = workbook["Requests by month"]
    assert [cell.value for cell in by_month[2]] == ["2025-03", 2, 0]


def test_the_admin_download_of_requests_is_typed_too(client, manager, ill_year):
    client.force_login(manager)

    response = export(client, "admin:ill_illrequest_changelist", "export_xlsx", "?status=all")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Requests"]
    row = {r[0].value: r for r in sheet.iter_rows(min_row=2)}[ill_year["fr_mar_1"].reference]
    assert row[7].is_date and row[10].value == 2


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_sheet_name_fits_whole_in_both_languages(db, language):
    filters = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))
    every = []
    with translation.override(language):
        for key in ("ill", "exchange"):
            report = figures.build(key, filters, TODAY)
            names = [str(name) for name, _rows in exports.report_sheets(report, _EmptyListing())]
            for name in names:
                assert len(name) <= 31, name
                assert sheet_title(name, set()) == name, name
            assert len(set(names)) == len(names)
            every += names
    assert {"Turnaround": "en", "처리 기간": "ko"}.keys() & set(every)


class _EmptyListing:
    name = "Requests"


def test_a_long_pdf_table_repeats_its_header_and_never_splits_a_row(db):
    # Names long enough to take two lines in the table's first column.
    for n in range(1, 91):
        partner = InstitutionFactory(
            name_en=f"Library number {n:03d} of the Department of Korean Language and Literature, "
                    f"Faculty of Humanities, row-{n:03d}-end",
            country="FR",
        )
        Shipment.objects.create(date=date(2025, 3, 1), institution=partner, direction="sent",
                                category="korea_related", items=n)
    report = figures.build("exchange", Filters(start=date(2025, 1, 1), end=date(2025, 12, 31)), TODAY)

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(exports.render_pdf(report))).pages]

    table_pages = [text for text in pages if "row-" in text]
    assert len(table_pages) >= 3
    for text in table_pages:
        # The header row comes before the first row of the page.
        assert "Partner Country Shipments" in text
        assert text.index("Partner Country Shipments") < text.index("Library number")
    for n in range(1, 91):
        # The row's cells: its name over two lines, and its country and figures (n items sent).
        cells = [f"Library number {n:03d} ", f"row-{n:03d}-end", f"France 1 {n} 0 0"]
        holding = {i for i, text in enumerate(pages) for cell in cells if cell in text}
        assert len(holding) == 1, f"row {n} is split over pages {sorted(holding)}"
