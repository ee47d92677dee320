"""The report exports as a spreadsheet or a program reads them: the header first, the title and period in the
file's name, labels in the manager's language, and fee columns that hold what was charged, an estimate only
for a request still open, nothing for one never supplied."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ill.services.workflow import do_transition
from ill.status import Status, UnfilledReason
from nlk_portal.core import calendar
from tests.factories import InstitutionFactory, submit_ill_request
from tests.ill.supply import supply_copy

from .test_downloads import body

# Staff work the requests through the workflow: the invoice of a supplied copy is issued after the commit.
pytestmark = pytest.mark.django_db(transaction=True)

# The codes whose labels differ from them in English too ("Unfilled" and "Cancelled" are both).
CODES = {"supplies", "borrows", "CopyCompleted", "RequestReceived", "copy", "monograph"}
FEES = slice(11, 17)  # copying, loan, shipping, bank, currency, what the fees are


@pytest.fixture
def worked(source_fee_schedule):
    """Four requests from a French library, each asking for 20 pages by post (estimate USD 9.00 + 3.00):
    one copied (23 pages: invoiced USD 13.00 + 3.00), one unfilled, one cancelled, one still open."""
    library = InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")
    supplied = supply_copy(pages_copied=23, requesting_library=library)
    unfilled = submit_ill_request(requesting_library=library)
    do_transition(unfilled, Status.UNFILLED, reason=UnfilledReason.NOT_HELD)
    cancelled = submit_ill_request(requesting_library=library)
    do_transition(cancelled, Status.CANCELLED)
    still_open = submit_ill_request(requesting_library=library)
    for ill_request in (unfilled, cancelled, still_open):
        ill_request.refresh_from_db()
        assert (ill_request.copying_fee, ill_request.shipping_fee) == (Decimal("9.00"), Decimal("3.00"))
    return {"supplied": supplied, "unfilled": unfilled, "cancelled": cancelled, "open": still_open}


def this_year():
    year = calendar.library_today().year
    return {"start": f"{year}-01-01", "end": f"{year}-12-31"}


def download(client, report, fmt, language):
    client.cookies["django_language"] = language
    return client.get(reverse("reports:download", kwargs={"report": report, "fmt": fmt}), this_year())


def csv_rows(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def test_the_csv_starts_with_its_header_and_is_named_for_the_report_and_its_period(manager_client, worked):
    year = calendar.library_today().year
    for language in ("en", "ko"):
        response = download(manager_client, "ill", "csv", language)

        rows = csv_rows(response)
        assert rows[0][0] == {"en": "Reference", "ko": "신청 번호"}[language]
        assert len(rows[0]) == 17 and all(rows[0])
        assert sorted(row[0] for row in rows[1:]) == sorted(r.reference for r in worked.values())
        # The same plain name in either language, which every browser and system keeps as it is.
        name = f"nlk-ill-report_{year}-01-01_{year}-12-31.csv"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert name.isascii() and "/" not in name and " " not in name


def test_unfilled_and_cancelled_requests_carry_no_estimate_and_the_fees_count_what_was_invoiced(
    manager_client, worked
):
    rows = {row[0]: row for row in csv_rows(download(manager_client, "ill", "csv", "en"))[1:]}

    def fees(key):
        # Amounts as numbers: the database writes 13 or 13.00 depending on its kind.
        return [Decimal(v) if v and v[0].isdigit() else v for v in rows[worked[key].reference][FEES]]

    assert fees("supplied") == [Decimal("13"), "", Decimal("3"), "", "USD", "Invoiced"]
    assert fees("open") == [Decimal("9"), "", Decimal("3"), "", "USD", "Estimate: the request is still open"]
    for ended in ("unfilled", "cancelled"):
        assert fees(ended) == ["", "", "", "", "", "Not supplied: nothing charged"]
    copying = sum(Decimal(row[11]) for row in rows.values() if row[11])
    assert copying == Decimal("13.00") + Decimal("9.00")

    workbook = load_workbook(io.BytesIO(body(download(manager_client, "ill", "xlsx", "en"))))
    # The report's own total: what was invoiced, no estimate of any request.
    assert [cell.value for cell in workbook["Fees invoiced and collected"][2]] == ["USD", 16, 0, 16]
    sheet = workbook["Requests"]
    header = [cell.value for cell in sheet[1]]
    by_reference = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for ended in ("unfilled", "cancelled"):
        row = by_reference[worked[ended].reference]
        for column in ("Copying fee", "Loan fee", "International shipping", "Bank fees"):
            assert row[header.index(column)].value is None
    supplied = by_reference[worked["supplied"].reference]
    assert supplied[header.index("Copying fee")].value == 13
    assert supplied[header.index("Copying fee")].number_format == '"USD" #,##0.00'
    about = [row[0] for row in workbook["About this report"].iter_rows(values_only=True)]
    assert any(line and "an estimate only for a request still open" in line for line in about)


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["NLK supplies an overseas library", "Copy completed", "Copy (document delivery)",
                "Monograph (book)", "FR", "Invoiced"]),
        ("ko", ["국외 제공 (국립중앙도서관 → 해외 도서관)", "복사 완료", "복사(원문 제공)", "단행본(도서)", "FR",
                "청구서 금액"]),
    ],
)
def test_the_exports_write_labels_in_the_managers_language_and_keep_identifiers(
    manager_client, worked, language, labels
):
    reference = worked["supplied"].reference
    rows = {row[0]: row for row in csv_rows(download(manager_client, "ill", "csv", language))[1:]}
    workbook = load_workbook(io.BytesIO(body(download(manager_client, "ill", "xlsx", language))))
    sheet = workbook.worksheets[-1]
    xlsx = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}

    for row in (rows[reference], [str(v) if v is not None else "" for v in xlsx[reference]]):
        assert [row[1], row[2], row[3], row[4], row[6], row[16]] == labels
        assert row[15] == "USD"
    for row in [*rows.values(), *xlsx.values()]:
        assert CODES.isdisjoint(row)
    unfilled = rows[worked["unfilled"].reference]
    assert unfilled[2] == {"en": "Unfilled", "ko": "제공 불가"}[language]
    assert rows[worked["cancelled"].reference][2] == {"en": "Cancelled", "ko": "취소됨"}[language]


def test_the_exchange_csv_writes_shipments_in_korean(manager_client, exchange_year):
    manager_client.cookies["django_language"] = "ko"
    response = manager_client.get(reverse("reports:download", kwargs={"report": "exchange", "fmt": "csv"}),
                                  {"year": 2025})

    rows = csv_rows(response)
    assert rows[0] == ["날짜", "구분", "자료 유형", "협력 기관", "국가", "자료 수", "비고"]
    assert rows[1][:3] == ["2025-02-01", "발송", "정부간행물"]
    assert rows[2][1:3] == ["수령", "학술·연구기관 연속간행물"]
    assert rows[1][4] == "FR"
