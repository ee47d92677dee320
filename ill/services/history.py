"""Keeping a request's money history: each change to a figure money depends on, with who, when, old and new."""

from decimal import Decimal

from django.contrib.auth.models import User

from ..models import IllRequest, MoneyChange
from ..rules.history_words import Phrase

# (amount or None, currency): a figure as it stood, or None where there was none.
Amount = tuple[Decimal | None, str]
NONE: Amount = (None, "")


def record_money_change(
    ill_request: IllRequest,
    figure: MoneyChange.Figure,
    *,
    old: Amount,
    new: Amount,
    by: User | None = None,
    detail: Phrase | None = None,
) -> MoneyChange | None:
    """Add the change of `figure` from `old` to `new` to the request's history, with what it was about
    (`detail`, read in the reader's language), made by `by`. Returns the MoneyChange, or None (and records
    nothing) if the figure did not change."""
    if old == new:
        return None
    (old_amount, old_currency), (new_amount, new_currency) = old, new
    return MoneyChange.objects.create(
        request=ill_request,
        figure=figure,
        old_amount=old_amount,
        old_currency=old_currency if old_amount is not None else "",
        new_amount=new_amount,
        new_currency=new_currency if new_amount is not None else "",
        detail_code=detail.code if detail else "",
        detail_values=detail.values if detail else {},
        changed_by=by,
    )
