"""What borrowing from abroad reads: a user's own requests, the countries whose law forbids copying, and what
a user is asked to pay in advance and how."""

from dataclasses import dataclass
from decimal import Decimal

from ..choices import Direction
from ..models import Borrowing, CopyPolicy, IllRequest, PaymentInstruction


def copying_permitted(country):
    """False where staff have recorded that the country's law does not permit copying."""
    return not CopyPolicy.objects.filter(country=country, copying_permitted=False).exists()


def no_copy_policies():
    return CopyPolicy.objects.filter(copying_permitted=False)


def requests_of(user):
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
        return PrepaymentDue(policy.deposit_amount, policy.deposit_currency, False)
    return None


def payment_instructions():
    """How users pay in advance, as staff keep it; empty until they record one."""
    return PaymentInstruction.objects.filter(is_active=True)
