"""The manager reports as CSV (streamed), XLSX and PDF (WeasyPrint), written with nlk_portal.core.exports.

The ILL CSV lists one request per row and streams, so a million requests
export at constant memory and the download starts at once.
"""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nlk_portal.core.exports.downloads import file_response, streaming_csv, xlsx_response
from nlk_portal.core.exports.listings import listing_rows
from nlk_portal.core.exports.writers import csv_value
from nlk_portal.core.printing import write_pdf

from . import figures, rows, tables

STYLESHEET = "exchange/reports/report.css"
FEES_NOTE = gettext_lazy(
    "Requests: the fee columns give what was invoiced or charged at settlement; an estimate only for a request "
    "still open; nothing for one never supplied. The last column says which."
)


def filename(report_key, filters, fmt):
    return f"nlk-{report_key}-report_{filters.slug()}.{fmt}"


def preamble(title, filters):
    """The rows that open the XLSX: what the report is and what it was filtered by. A CSV has them in its name."""
    return [
        [str(title)],
        [f"{label}: {value}" for label, value in filters.description()],
        [_("Produced on %(date)s") % {"date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")}],
        [],
    ]


def table_rows(table):
    yield [str(table.title)]
    yield [str(column) for column in table.columns]
    for row in table.rows:
        yield [csv_value(value) for value in row]
    if table.note:
        yield [str(table.note)]
    yield []


def report_csv_rows(report, listing):
    """The listing, its header the first row, so that a spreadsheet or a program reads it as a table; what the
    report is and its filters are in the file's name.

    The ILL CSV leaves its figures to the XLSX and PDF: its rows start before any figure is computed. The
    exchange CSV has its tables after the listing, each under its title.
    """
    yield from listing_rows(listing)
    if report.key != "ill":
        yield []
        for table in report.tables:
            yield from table_rows(table)


def report_sheets(report, listing):
    """The XLSX's sheets: what the report is, a sheet per table under its short name, then the listing,
    every cell of its type."""
    about = preamble(report.title, report.filters)
    if report.key == "ill":
        about.append([str(FEES_NOTE)])
    yield _("About this report"), about
    for table in report.tables:
        sheet = [[str(c) for c in table.columns], *table.rows]
        if table.note:
            sheet += [[], [str(table.note)]]
        yield table.sheet_name, sheet
    yield listing.name, listing_rows(listing, typed_cells=True)


def render_pdf(report):
    """The report as PDF bytes, with the same SVG charts as the page."""
    html = render_to_string(
        "exchange/reports/pdf.html", {"report": report, "produced_at": timezone.localtime()}
    )
    return write_pdf(html, STYLESHEET)


def pdf_response(report, name):
    return file_response(io.BytesIO(render_pdf(report)), name, "pdf")


def download(report_key, filters, fmt):
    """The response for a report ("ill" or "exchange") in `fmt` ("csv", "xlsx" or "pdf")."""
    listing = rows.for_report(report_key, filters)
    if fmt == "csv" and report_key == "ill":
        # The ILL CSV lists the requests only: its first rows go out before any figure is computed.
        report = tables.title_only(report_key, filters)
    else:
        report = figures.build(report_key, filters)
    name = filename(report_key, filters, fmt)
    if fmt == "csv":
        return streaming_csv(report_csv_rows(report, listing), name)
    if fmt == "xlsx":
        return xlsx_response(report_sheets(report, listing), name)
    return pdf_response(report, name)
