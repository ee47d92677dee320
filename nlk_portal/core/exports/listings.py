"""Listings: ORM queries whose every column the database computes, read row by row for an export.

Rows come from a server-side cursor, a few thousand at a time, so a million rows export at constant
memory. A column people typed is defused in SQL (`typed`); a column read as text is typed back for a
spreadsheet by its kind (`as_date`, `as_number`, `as_money`).
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.db import connections, transaction
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Concat

from ..money import Money
from .cells import FORMULA_STARTS
from .writers import FLUSH, Row

# Rows fetched from the database at a time.
FETCH_ROWS = 5000

# How a column read as text is typed for a spreadsheet: (the value as read, its row) -> the typed value.
Kind = Callable[[Any, Row], object]


@dataclass
class Listing:
    name: str
    headers: Sequence[object]
    rows: QuerySet[Any, Any]  # a values_list query
    # For each column read as text, how a spreadsheet types it (as_date, as_number, as_money(...)); None: as read.
    kinds: Sequence[Kind | None] = field(default_factory=list)

    def typed_row(self, row: Row) -> Row:
        if not self.kinds:
            return row
        return [kind(value, row) if kind else value for kind, value in zip(self.kinds, row, strict=False)]


# A listing's column read as text (a `text()` column) is typed for a spreadsheet by one of these.
def as_date(value: str | None, row: Row) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def as_number(value: str | None, row: Row) -> Decimal | None:
    return Decimal(cast(str, value)) if value not in (None, "") else None


def as_money(currency_column: int) -> Callable[[str | None, Row], Money | None]:
    """An amount whose currency is in another column of the row."""

    def convert(value: str | None, row: Row) -> Money | None:
        return Money(Decimal(cast(str, value)), row[currency_column] or "") if value not in (None, "") else None

    return convert


def text(expression: str | Combinable) -> Cast:
    return Cast(expression, CharField())


def typed(field: str) -> Case:
    """A column people typed, with a leading apostrophe where a spreadsheet would take it for a formula."""
    looks_like_formula = Q()
    for start in FORMULA_STARTS:
        looks_like_formula |= Q(**{f"{field}__startswith": start})
    return Case(
        When(looks_like_formula, then=Concat(Value("'"), F(field))),
        default=F(field),
        output_field=CharField(),
    )


def labelled(field: str, choices: Iterable[tuple[object, object]]) -> Case:
    """A column of codes written as their labels in the language in force; a code without a label as it is.

    Identifiers a machine reads (references, country and currency codes) stay as they are: only choices are
    labelled."""
    return Case(
        *(When(**{field: value}, then=Value(str(label))) for value, label in choices),
        default=F(field),
        output_field=CharField(),
    )


def listing_rows(listing: Listing, typed_cells: bool = False) -> Iterator[Row]:
    """The header and the rows; with `typed_cells` (for a spreadsheet) each value of its type (Listing.kinds)."""
    yield [str(header) for header in listing.headers]
    yield FLUSH
    # In a transaction, PostgreSQL's server-side cursor hands rows over as the query finds them;
    # outside one Django declares it WITH HOLD, which runs the whole query before the first row.
    with transaction.atomic(using=listing.rows.db):
        without_jit(listing.rows.db)
        rows: Iterator[Row] = listing.rows.iterator(chunk_size=FETCH_ROWS)
        if typed_cells and listing.kinds:
            rows = map(listing.typed_row, rows)
        yield from rows


def without_jit(alias: str) -> None:
    """PostgreSQL would compile a long listing's query first (JIT), a fixed delay worth nothing to a cursor
    read a few thousand rows at a time; for this transaction only."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
