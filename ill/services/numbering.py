"""Sequential numbers per series and year: ILL references now, invoice numbers later.

A counter row per (series, year) is locked with SELECT ... FOR UPDATE inside
the caller's transaction, so two submissions never get the same number and a
rolled-back request gives its number back (no gaps).
"""

from django.db import transaction

from ..models import SequenceCounter

ILL_REQUEST_SERIES = "ILL"
INVOICE_SERIES = "INV"


def next_number(series: str, year: int) -> int:
    """The next number of `series` in `year`, counted in the caller's transaction (RuntimeError outside one)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that uses the number")
    counter, _ = SequenceCounter.objects.select_for_update().get_or_create(series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def next_reference(series: str, year: int) -> str:
    """The next reference of `series` in `year`: ILL-2026-000123, INV-2026-000045 (see next_number)."""
    return f"{series}-{year}-{next_number(series, year):06d}"
