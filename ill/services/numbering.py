"""Numbers per series and year: ILL request references and invoice numbers.

Invoice numbers must have no gaps: a counter row per (series, year) is locked with
SELECT ... FOR UPDATE inside the caller's transaction, so two invoices never get the same
number and a rolled-back invoice gives its number back.

Request references need only be unique. Locking the year's counter row made every
submission wait for the one before it to commit, so on PostgreSQL they come from a
sequence per year (`ill_request_ref_2026`), which hands out numbers without waiting; a
submission that fails leaves a gap. The sequence of a new year is made on first use,
starting after the highest number the year already has (from the counter row that
numbered references before, or from the references themselves), so numbering carries on
across the change. On other databases (SQLite, one writer at a time) references keep the
counter row.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, ProgrammingError, connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models.functions import Length

from ..models import IllRequest, SequenceCounter

ILL_REQUEST_SERIES = "ILL"
INVOICE_SERIES = "INV"
REFERENCE_SEQUENCE_PREFIX = "ill_request_ref_"

# Sequences this process has seen exist, by (database alias, year).
_known_sequences: set[tuple[str, int]] = set()


def next_number(series: str, year: int) -> int:
    """The next gapless number of `series` in `year`, counted in the caller's transaction (RuntimeError outside one)."""
    _require_transaction("next_number")
    counter, _ = SequenceCounter.objects.select_for_update().get_or_create(series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def next_reference(series: str, year: int) -> str:
    """The next gapless reference of `series` in `year`: INV-2026-000045 (see next_number)."""
    return format_reference(series, year, next_number(series, year))


def next_request_reference(year: int) -> str:
    """The next ILL request reference of `year` (ILL-2026-000123), unique but not gapless.

    Runs inside the transaction that stores the request (RuntimeError outside one). On
    PostgreSQL it never waits for another submission's transaction.
    """
    _require_transaction("next_request_reference")
    if connection.vendor != "postgresql":
        return next_reference(ILL_REQUEST_SERIES, year)
    name = reference_sequence_name(year)
    key = (connection.alias, year)
    if key not in _known_sequences:
        _ensure_sequence(connection.alias, name, year)
        _known_sequences.add(key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [name])
        number = cursor.fetchone()[0]
    return format_reference(ILL_REQUEST_SERIES, year, number)


def format_reference(series: str, year: int, number: int) -> str:
    return f"{series}-{year}-{number:06d}"


def reference_sequence_name(year: int) -> str:
    if not 1000 <= year <= 9999:
        raise ValueError(f"not a year: {year!r}")
    return f"{REFERENCE_SEQUENCE_PREFIX}{year}"


def known_reference_sequences() -> set[tuple[str, int]]:
    """The (database alias, year) sequences this process has used."""
    return set(_known_sequences)


def drop_reference_sequences(alias: str = "default") -> None:
    """Drop every year's reference sequence, so numbering starts again from what the tables hold.

    For a database whose requests were emptied (tests, the benchmark's data step); the
    portal itself never drops one. Runs on a connection of its own: call it when no
    transaction of this process has used a sequence.
    """
    if connections[alias].vendor == "postgresql":
        with _own_cursor(alias) as cursor:
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE %s",
                [REFERENCE_SEQUENCE_PREFIX.replace("_", r"\_") + "%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')
    _known_sequences.clear()


def _require_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name}() must run inside the transaction that uses the number")


def _next_free_number(year: int) -> int:
    """One more than the highest number `year` has used, read in the caller's transaction."""
    counted = (
        SequenceCounter.objects.filter(series=ILL_REQUEST_SERIES, year=year)
        .values_list("last_number", flat=True)
        .first()
    ) or 0
    prefix = f"{ILL_REQUEST_SERIES}-{year}-"
    # Longest first: ILL-2026-1000000 comes after ILL-2026-999999.
    highest = (
        IllRequest.objects.filter(reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    used = int(highest[len(prefix):]) if highest and re.fullmatch(r"\d+", highest[len(prefix):]) else 0
    return max(counted, used) + 1


def _ensure_sequence(alias: str, name: str, year: int) -> None:
    """Make `year`'s sequence unless it exists, on a connection of its own, committed at once.

    The caller's transaction must not look the name up itself before the sequence is made:
    PostgreSQL would remember within that transaction that no such relation exists. And
    the connection of its own touches no table, since the caller's transaction may hold
    locks a query there would wait for: the starting number is read in the caller's
    transaction. Two processes making the same sequence at once: one makes it, the other
    finds it made.
    """
    with _own_cursor(alias) as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return
        start = _next_free_number(year)
        try:
            # The name comes from reference_sequence_name (digits only); start is an int.
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {int(start)}")
        except (IntegrityError, ProgrammingError):
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
            if not cursor.fetchone()[0]:
                raise


@contextmanager
def _own_cursor(alias: str) -> Iterator[CursorWrapper]:
    """A cursor on a connection of its own to `alias`, each statement committed at once, closed afterwards."""
    own = connections.create_connection(alias)
    try:
        own.set_autocommit(True)
        with own.cursor() as cursor:
            yield cursor
    finally:
        own.close()
