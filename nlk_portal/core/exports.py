"""Listings written as CSV (streamed) and XLSX (openpyxl's write-only mode), and the admin actions that
download a list's selection.

The CSV is written as rows arrive from a server-side cursor, a few thousand
at a time, so a million rows export at constant memory and the download
starts at once. Whatever a person typed is written so that a spreadsheet
shows it rather than evaluates it (CSV injection). In the XLSX every cell has
its type: numbers are numbers, money is a number in its currency's format,
dates are dates, so a spreadsheet sums, sorts and filters them.
"""

import csv
import io
import itertools
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib import admin
from django.db import connections, transaction
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from .calendar import library_today
from .money import Money

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
# Column widths in a spreadsheet, in characters: a date (yyyy-mm-dd) fits the narrowest.
MIN_WIDTH, MAX_WIDTH = 12, 50
# The rows of a listing measured for its column widths: its header and its first rows.
WIDTH_SAMPLE = 500
# What makes a spreadsheet read a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Who may download: the managers' permission, as for the reports.
EXPORT_PERMISSION = "exchange.export_reports"
FORMATS = {"csv": _("Download the selected rows as CSV"), "xlsx": _("Download the selected rows as XLSX")}


@dataclass(frozen=True)
class Figure:
    """A number shown with a format (a share as "80.0%", days as "10.5"); a number in a spreadsheet.

    None is a figure that cannot be given (nothing completed yet): "–" in text, an empty cell.
    """

    value: float | Decimal | None
    text_format: str
    number_format: str

    def __str__(self):
        return "–" if self.value is None else format(self.value, self.text_format)


def share(value):
    """A fraction, shown as a percentage with one decimal."""
    return Figure(value, ".1%", "0.0%")


def days(value):
    """A number of days, to a tenth of a day."""
    return Figure(value, ".1f", "0.0")


# A listing's column read as text (a `text()` column) is typed for a spreadsheet by one of these.
def as_date(value, row):
    return date.fromisoformat(value[:10]) if value else None


def as_number(value, row):
    return Decimal(value) if value not in (None, "") else None


def as_money(currency_column):
    """An amount whose currency is in another column of the row."""

    def convert(value, row):
        return Money(Decimal(value), row[currency_column] or "") if value not in (None, "") else None

    return convert


@dataclass
class Listing:
    name: str
    headers: list
    rows: QuerySet  # a values_list query
    # For each column read as text, how a spreadsheet types it (as_date, as_number, as_money(...)); None: as read.
    kinds: list[Callable | None] = field(default_factory=list)

    def typed_row(self, row):
        if not self.kinds:
            return row
        return [kind(value, row) if kind else value for kind, value in zip(self.kinds, row, strict=False)]


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


def labelled(field, choices):
    """A column of codes written as their labels in the language in force; a code without a label as it is.

    Identifiers a machine reads (references, country and currency codes) stay as they are: only choices are
    labelled."""
    return Case(
        *(When(**{field: value}, then=Value(str(label))) for value, label in choices),
        default=F(field),
        output_field=CharField(),
    )


def defused(value):
    """A value a spreadsheet shows as typed rather than evaluates (FORMULA_STARTS)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_value(value):
    """A value as a CSV cell: money as its plain amount, a Figure as it is shown, text defused."""
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, Figure):
        return str(value)
    return defused(value)


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


def listing_rows(listing, typed_cells=False):
    """The header and the rows; with `typed_cells` (for a spreadsheet) each value of its type (Listing.kinds)."""
    yield [str(header) for header in listing.headers]
    yield FLUSH
    # In a transaction, PostgreSQL's server-side cursor hands rows over as the query finds them;
    # outside one Django declares it WITH HOLD, which runs the whole query before the first row.
    with transaction.atomic(using=listing.rows.db):
        without_jit(listing.rows.db)
        rows = listing.rows.iterator(chunk_size=FETCH_ROWS)
        if typed_cells and listing.kinds:
            rows = map(listing.typed_row, rows)
        yield from rows


def without_jit(alias):
    """PostgreSQL would compile a long listing's query first (JIT), a fixed delay worth nothing to a cursor
    read a few thousand rows at a time; for this transaction only."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def streaming_csv(rows, name):
    response = StreamingHttpResponse(csv_chunks(rows), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(True, name)
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


def xlsx_cell(sheet, value):
    """What openpyxl writes for `value`: Money and Figure as numbers in their format, dates as dates (openpyxl
    gives them a date format), numbers as numbers, text defused."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Money):
        cell = WriteOnlyCell(sheet, value=value.amount)
    elif isinstance(value, Figure):
        cell = WriteOnlyCell(sheet, value=value.value)
    else:
        return defused(value)
    cell.number_format = value.number_format
    return cell


def display_width(value):
    """The characters a value takes in a spreadsheet's column: a Hangul or Hanja character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def column_widths(rows):
    """{column number from 1: width} that shows every cell of `rows` whole, within MIN_WIDTH and MAX_WIDTH.

    A cell alone in its row (a title, a note) spills over the empty cells beside it and sets no width."""
    widths = {}
    for row in rows:
        if row is FLUSH or len(row) < 2:
            continue
        for n, value in enumerate(row, start=1):
            if value is not None:
                widths[n] = max(widths.get(n, 0), display_width(value) + 2)
    return {n: min(MAX_WIDTH, max(MIN_WIDTH, width)) for n, width in widths.items()}


def measured(rows):
    """(the rows whose widths set the columns, every row): all of a list; the first WIDTH_SAMPLE of rows that
    arrive one by one, so that a long listing is not read twice."""
    if isinstance(rows, list):
        return rows, rows
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    return sample, itertools.chain(sample, rows)


def write_xlsx(sheets, file):
    """Write [(title, rows)] to `file` with openpyxl's write-only workbook: rows are not kept in memory. Each
    column is as wide as its widest cell among those measured (column_widths, measured), so that Korean headers
    show whole."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    used = set()
    for title, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(title, used))
        sample, rows = measured(rows)
        # A write-only sheet takes its column widths before its first row.
        for n, width in column_widths(sample).items():
            sheet.column_dimensions[get_column_letter(n)].width = width
        count = 0
        for row in rows:
            if row is FLUSH:
                continue
            if count > XLSX_MAX_ROWS:
                break
            sheet.append([xlsx_cell(sheet, value) for value in row])
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
    return xlsx_response([(listing.name, listing_rows(listing, typed_cells=True))], f"{name}.xlsx")


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
