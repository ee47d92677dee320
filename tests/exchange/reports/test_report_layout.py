"""The reports laid out to be read: numbers set right under headings set with them, in the PDF as WeasyPrint
lays it out and on the page; XLSX columns wide enough for their Korean headers."""

import io
import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes

from exchange.reports import exports, figures
from exchange.reports.filters import Filters
from nlk_portal.core.exports.writers import MAX_WIDTH, display_width

from .test_downloads import body, download

YEAR_2025 = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31), year=2025)
NUMBER = re.compile(r"^[\d,.]+%?$")


def laid_out_cells(report):
    """(cell box, its first line of text, whether it is the first of its row) of every figures table, as
    WeasyPrint lays the report's PDF out."""
    html = render_to_string("exchange/reports/pdf.html", {"report": report, "produced_at": timezone.localtime()})
    document = HTML(string=html).render(stylesheets=[CSS(filename=finders.find(exports.STYLESHEET))])
    for page in document.pages:
        for table in page._page_box.descendants():
            if not isinstance(table, boxes.TableBox) or "figures" not in (table.element.get("class") or ""):
                continue
            for row in table.descendants():
                if not isinstance(row, boxes.TableRowBox):
                    continue
                for n, cell in enumerate(row.children):
                    texts = [b for b in cell.descendants() if isinstance(b, boxes.TextBox)]
                    if texts:
                        yield cell, texts[0], n == 0


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_pdf_sets_numbers_right_under_their_headings(ill_money, exchange_year, language):
    with translation.override(language):
        cells = [cell for key in ("ill", "exchange") for cell in laid_out_cells(figures.build(key, YEAR_2025))]

    right = left = 0
    for cell, text, first in cells:
        start, end = cell.content_box_x(), cell.content_box_x() + cell.width
        if cell.element.get("class") == "num":
            assert text.position_x + text.width == pytest.approx(end, abs=0.5), text.text
            right += 1
        else:
            assert text.position_x == pytest.approx(start, abs=0.5), text.text
            assert first or not NUMBER.match(text.text.strip()), f"{text.text} is a number set left"
            left += 1
    headings = [text.text for cell, text, _first in cells if cell.element.tag == "th" and cell.element.get("class")]
    assert right > 50 and left > 20
    assert {"en": "Invoiced", "ko": "청구액"}[language] in headings


def test_the_page_sets_the_headings_of_numbers_right_and_text_left(client, manager, ill_money):
    client.force_login(manager)

    html = client.get(reverse("reports:ill"), {"year": 2025}).content.decode()

    assert '<th scope="col" class="text-end">Invoiced</th>' in html
    assert '<th scope="col" class="text-end">Median (days)</th>' in html
    assert '<th scope="col">Target</th>' in html
    assert '<td class="text-end">26.00</td>' in html
    assert "<td>one month</td>" in html


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_xlsx_column_is_as_wide_as_its_header(client, manager, ill_money, exchange_year, language):
    client.force_login(manager)
    client.cookies["django_language"] = language

    for report in ("ill", "exchange"):
        workbook = load_workbook(io.BytesIO(body(download(client, report, "xlsx", year=2025))))
        for sheet in workbook.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            header = rows[0] if len(rows[0]) > 1 else rows[1]
            for cell, value in zip(sheet[1 if header is rows[0] else 2], header, strict=True):
                if value is None:
                    continue
                width = sheet.column_dimensions[cell.column_letter].width
                assert width >= min(MAX_WIDTH, display_width(value)), (sheet.title, value, width)
    requests = load_workbook(io.BytesIO(body(download(client, "ill", "xlsx", year=2025)))).worksheets[-1]
    references = [row[0] for row in requests.iter_rows(min_row=2, values_only=True)]
    assert requests.column_dimensions["A"].width >= max(len(reference) for reference in references)
