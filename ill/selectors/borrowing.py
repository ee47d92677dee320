"""What borrowing from abroad reads: a user's own requests, the countries whose law forbids copying, and what
a user is asked to pay in advance and how."""

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from ..choices import Direction
from ..models import Borrowing, CopyPolicy, IllRequest, PaymentInstruction
from ..status import CLOSED


def copying_permitted(country: str) -> bool:
    """False where staff have recorded that the country's law does not permit copying."""
    return not CopyPolicy.objects.filter(country=country, copying_permitted=False).exists()


def no_copy_policies() -> QuerySet[CopyPolicy]:
    return CopyPolicy.objects.filter(copying_permitted=False)


def requests_of(user: User | AnonymousUser) -> QuerySet[IllRequest]:
    """The user's own borrowing requests: nobody sees another's."""
    if not user.is_authenticated:
        return IllRequest.objects.none()
    mine = IllRequest.objects.filter(direction=Direction.NLK_BORROWS, submitted_by=user)
    return mine.select_related("borrowing")


@dataclass(frozen=True)
class PrepaymentDue:
    """What a user is asked to pay in advance: the amount staff asked for, or the country's deposit."""

    amount: Decimal
    currency: str
    asked_by_staff: bool  # False: the deposit the lending institution's country has (CopyPolicy)


def prepayment_due(record: Borrowing) -> PrepaymentDue | None:
    """The amount to prepay, or None until staff ask for one (and the country has no deposit)."""
    if record.prepayment_requested is not None:
        return PrepaymentDue(record.prepayment_requested, record.prepayment_requested_currency, True)
    policy = CopyPolicy.objects.filter(country=record.lender_country, deposit_amount__isnull=False).first()
    if policy is not None:
        return PrepaymentDue(cast(Decimal, policy.deposit_amount), policy.deposit_currency, False)
    return None


def payment_instructions(currency: str | None = None) -> QuerySet[PaymentInstruction]:
    """How users pay in advance, as staff keep it; empty until they record one.

    With `currency`, only the ways that take it: those recorded for that currency and those recorded for none.
    """
    active = PaymentInstruction.objects.filter(is_active=True)
    if currency:
        active = active.filter(Q(currency__iexact=currency) | Q(currency=""))
    return active


def awaiting_prepayment(currency: str = "") -> QuerySet[Borrowing]:
    """The open borrowings whose user was asked to prepay in `currency` (by staff, or by the country's deposit)
    and has not paid yet; with no currency, those asked in any."""
    asked = Q(prepayment_requested__isnull=False)
    deposits = CopyPolicy.objects.filter(deposit_amount__isnull=False)
    if currency:
        asked &= Q(prepayment_requested_currency__iexact=currency)
        deposits = deposits.filter(deposit_currency__iexact=currency)
    by_deposit = Q(prepayment_requested__isnull=True, lender_country__in=deposits.values("country"))
    return (
        Borrowing.objects.filter(asked | by_deposit, prepaid_amount__isnull=True, settled_at__isnull=True)
        .exclude(request__status__in=CLOSED)
        .select_related("request")
    )
