"""Rows written as CSV (in chunks, as they arrive) and XLSX (openpyxl's write-only mode).

Whatever a person typed is written so that a spreadsheet shows it rather than evaluates it (CSV
injection). In the XLSX every cell has its type: numbers are numbers, money is a number in its
currency's format, dates are dates, so a spreadsheet sums, sorts and filters them.
"""

import csv
import io
import itertools
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, Final

from ..money import Money
from .cells import FormattedNumber, defused

# Rows written out per chunk of a streamed response.
CHUNK_ROWS = 2000
# What a worksheet holds, less its header row.
XLSX_MAX_ROWS = 1_048_575
# Sent among the rows to have what is written so far go out at once (the download starts). Typed Any so that
# it travels in a stream of rows (Row); csv_chunks, column_widths and write_xlsx look for it and skip it.
FLUSH: Final[Any] = object()
# Column widths in a spreadsheet, in characters: a date (yyyy-mm-dd) fits the narrowest.
MIN_WIDTH, MAX_WIDTH = 12, 50
# The rows of a listing measured for its column widths: its header and its first rows.
WIDTH_SAMPLE = 500

# A row of cells; a stream of them may carry FLUSH.
Row = Sequence[Any]


def csv_value(value: object) -> object:
    """A value as a CSV cell: money as its plain amount, a FormattedNumber as it is shown, text defused."""
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, FormattedNumber):
        return str(value)
    return defused(value)


def csv_chunks(rows: Iterable[Row], chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
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


def sheet_title(title: object, used: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\) and that is not taken."""
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title))[:31].strip() or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def xlsx_cell(sheet: Any, value: object) -> object:
    """What openpyxl writes for `value`: Money and FormattedNumber as numbers in their format, dates as dates (openpyxl
    gives them a date format), numbers as numbers, text defused."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Money):
        cell = WriteOnlyCell(sheet, value=value.amount)
    elif isinstance(value, FormattedNumber):
        cell = WriteOnlyCell(sheet, value=value.value)
    else:
        return defused(value)
    cell.number_format = value.number_format
    return cell


def display_width(value: object) -> int:
    """The characters a value takes in a spreadsheet's column: a Hangul or Hanja character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def column_widths(rows: Iterable[Row]) -> dict[int, int]:
    """{column number from 1: width} that shows every cell of `rows` whole, within MIN_WIDTH and MAX_WIDTH.

    A cell alone in its row (a title, a note) spills over the empty cells beside it and sets no width."""
    widths: dict[int, int] = {}
    for row in rows:
        if row is FLUSH or len(row) < 2:
            continue
        for n, value in enumerate(row, start=1):
            if value is not None:
                widths[n] = max(widths.get(n, 0), display_width(value) + 2)
    return {n: min(MAX_WIDTH, max(MIN_WIDTH, width)) for n, width in widths.items()}


def measured(rows: Iterable[Row]) -> tuple[list[Row], Iterable[Row]]:
    """(the rows whose widths set the columns, every row): all of a list; the first WIDTH_SAMPLE of rows that
    arrive one by one, so that a long listing is not read twice."""
    if isinstance(rows, list):
        return rows, rows
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    return sample, itertools.chain(sample, rows)


def write_xlsx(sheets: Iterable[tuple[object, Iterable[Row]]], file: IO[bytes]) -> None:
    """Write [(title, rows)] to `file` with openpyxl's write-only workbook: rows are not kept in memory. Each
    column is as wide as its widest cell among those measured (column_widths, measured), so that Korean headers
    show whole."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    used: set[str] = set()
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
