"""Listings written as CSV (streamed) and XLSX (openpyxl's write-only mode), and the admin actions that
download a list's selection.

The CSV is written as rows arrive from a server-side cursor, a few thousand
at a time, so a million rows export at constant memory and the download
starts at once. Whatever a person typed is written so that a spreadsheet
shows it rather than evaluates it (CSV injection).
"""

import csv
import io
import tempfile
from dataclasses import dataclass

from django.contrib import admin
from django.db import connections, transaction
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from .calendar import library_today

# Rows fetched from the database at a time, and written out per chunk of the response.
FETCH_ROWS = 5000
CHUNK_ROWS = 2000
# What a worksheet holds, less its header row.
XLSX_MAX_ROWS = 1_048_575
# Sent among the rows to have what is written so far go out at once (the download starts).
FLUSH = object()
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# What makes a spreadsheet read a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Who may download: the managers' permission, as for the reports.
EXPORT_PERMISSION = "exchange.export_reports"
FORMATS = {"csv": _("Download the selected rows as CSV"), "xlsx": _("Download the selected rows as XLSX")}


@dataclass
class Listing:
    name: str
    headers: list
    rows: QuerySet  # a values_list query


def text(expression):
    return Cast(expression, CharField())


def typed(field):
    """A column people typed, with a leading apostrophe where a spreadsheet would take it for a formula."""
    looks_like_formula = Q()
    for start in FORMULA_STARTS:
        looks_like_formula |= Q(**{f"{field}__startswith": start})
    return Case(
        When(looks_like_formula, then=Concat(Value("'"), F(field))),
        default=F(field),
        output_field=CharField(),
    )


def defused(value):
    """A value a spreadsheet shows as typed rather than evaluates (FORMULA_STARTS)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def listing_download(listing, fmt, name):
    """A listing as CSV or XLSX, under `name` with the format's extension."""
    if fmt == "csv":
        return streaming_csv(listing_rows(listing), f"{name}.csv")
    return xlsx_response([(listing.name, listing_rows(listing))], f"{name}.xlsx")


class ExportPermission:
    """Mixed into a ModelAdmin whose list offers the export actions."""

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)


def export_actions(listing, name):
    """The CSV and XLSX actions for a list whose rows `listing(queryset)` gives."""

    def action(fmt):
        def export(model_admin, request, queryset):
            return listing_download(listing(queryset), fmt, f"{name}_{library_today()}")

        export.__name__ = f"export_{fmt}"
        return admin.action(description=FORMATS[fmt], permissions=["export"])(export)

    return [action(fmt) for fmt in FORMATS]
