"""Reports and listings as CSV (streamed), XLSX (openpyxl's write-only mode) and PDF (WeasyPrint).

The CSV is written as rows arrive from a server-side cursor, a few thousand
at a time, so a million requests export at constant memory and the download
starts at once. The admin's export actions use the same writers.
"""

import csv
import io
import tempfile

from django.db import connections, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from nlk_portal.printing import write_pdf

from .rows import FORMULA_STARTS

# Rows fetched from the database at a time, and written out per chunk of the response.
FETCH_ROWS = 5000
CHUNK_ROWS = 2000
# What a worksheet holds, less its header row.
XLSX_MAX_ROWS = 1_048_575
STYLESHEET = "exchange/reports/report.css"
# Sent among the rows to have what is written so far go out at once (the download starts).
FLUSH = object()
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def filename(report_key, filters, fmt):
    return f"nlk-{report_key}-report_{filters.slug()}.{fmt}"


def preamble(title, filters):
    """The rows that open a CSV or the first sheet: what the report is and what it was filtered by."""
    return [
        [str(title)],
        [f"{label}: {value}" for label, value in filters.description()],
        [_("Produced on %(date)s") % {"date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")}],
        [],
    ]


def csv_chunks(rows, chunk_rows=CHUNK_ROWS):
    """CSV text in chunks of `chunk_rows` rows, starting with a byte-order mark so spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    pending = 0
    for row in rows:
        if row is FLUSH:
            pending = chunk_rows
        else:
            writer.writerow(row)
            pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode()


def listing_rows(listing):
    yield [str(header) for header in listing.headers]
    yield FLUSH
    # In a transaction, PostgreSQL's server-side cursor hands rows over as the query finds them;
    # outside one Django declares it WITH HOLD, which runs the whole query before the first row.
    with transaction.atomic(using=listing.rows.db):
        without_jit(listing.rows.db)
        yield from listing.rows.iterator(chunk_size=FETCH_ROWS)


def without_jit(alias):
    """PostgreSQL would compile a long listing's query first (JIT), a fixed delay worth nothing to a cursor
    read a few thousand rows at a time; for this transaction only."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def defused(value):
    """A value a spreadsheet shows as typed rather than evaluates (rows.FORMULA_STARTS)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_rows(table):
    yield [str(table.title)]
    yield [str(column) for column in table.columns]
    for row in table.rows:
        yield [defused(value) for value in row]
    if table.note:
        yield [str(table.note)]
    yield []


def report_csv_rows(report, listing):
    """The opening rows, the report's tables, then the listing.

    The ILL CSV leaves its figures to the XLSX and PDF: its rows start before any figure is computed.
    """
    yield from preamble(report.title, report.filters)
    if report.key != "ill":
        for table in report.tables:
            yield from table_rows(table)
    yield from listing_rows(listing)


def listing_csv_rows(listing):
    yield from listing_rows(listing)


def streaming_csv(rows, name):
    response = StreamingHttpResponse(csv_chunks(rows), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    # Proxies such as nginx would otherwise hold the stream back until it ends.
    response["X-Accel-Buffering"] = "no"
    return response


def sheet_title(title, used):
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\) and that is not taken."""
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title))[:31].strip() or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def write_xlsx(sheets, file):
    """Write [(title, rows)] to `file` with openpyxl's write-only workbook: rows are not kept in memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used = set()
    for title, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(title, used))
        count = 0
        for row in rows:
            if row is FLUSH:
                continue
            if count > XLSX_MAX_ROWS:
                break
            sheet.append([defused(value) for value in row])
            count += 1
    workbook.save(file)


def report_sheets(report, listing):
    yield _("About this report"), preamble(report.title, report.filters)
    for table in report.tables:
        rows = [[str(c) for c in table.columns], *table.rows]
        if table.note:
            rows += [[], [str(table.note)]]
        yield table.title, rows
    yield listing.name, listing_rows(listing)


def file_response(file, name, fmt):
    file.seek(0)
    response = FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(sheets, name):
    # On disk rather than in memory: a workbook of a million rows is tens of megabytes.
    file = tempfile.TemporaryFile()
    write_xlsx(sheets, file)
    return file_response(file, name, "xlsx")


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
    from . import figures, rows

    listing = rows.for_report(report_key, filters)
    if fmt == "csv" and report_key == "ill":
        # The ILL CSV lists the requests only: its first rows go out before any figure is computed.
        report = figures.title_only(report_key, filters)
    else:
        report = figures.build(report_key, filters)
    name = filename(report_key, filters, fmt)
    if fmt == "csv":
        return streaming_csv(report_csv_rows(report, listing), name)
    if fmt == "xlsx":
        return xlsx_response(report_sheets(report, listing), name)
    return pdf_response(report, name)


def listing_download(listing, fmt, name):
    """An admin list's selection as CSV or XLSX."""
    if fmt == "csv":
        return streaming_csv(listing_csv_rows(listing), f"{name}.csv")
    return xlsx_response([(listing.name, listing_rows(listing))], f"{name}.xlsx")
