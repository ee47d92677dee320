"""The settlement of a borrowing from abroad: what the user paid in advance against what it cost.

The library's page: fees are paid in advance when the request is made, and
after processing the difference is refunded, less the lending institution's
copying and loan fees, international shipping and bank fees. So

    difference = amount prepaid - (copying fee + loan fee + shipping + bank fees)

A positive difference is refunded to the user; a negative one is a balance the
user still owes. Every figure carries its currency, and figures in different
currencies are never added: staff convert them first.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nlk_portal.core.money import Money


class RecordedFigures(Protocol):
    """The figures a borrowing (ill.models.Borrowing) records for its settlement."""

    @property
    def prepaid_amount(self) -> Decimal | None: ...
    @property
    def prepaid_currency(self) -> str: ...
    @property
    def fees_currency(self) -> str: ...
    @property
    def lender_copying_fee(self) -> Decimal | None: ...
    @property
    def lender_loan_fee(self) -> Decimal | None: ...
    @property
    def shipping_fee(self) -> Decimal | None: ...
    @property
    def bank_fee(self) -> Decimal | None: ...


class MixedCurrencies(ValidationError):
    pass


class SettlementOutcome(StrEnum):
    """Which way the difference goes: to the user, from the user, or neither."""

    REFUND = "refund"
    BALANCE_DUE = "balance_due"
    SETTLED_EXACTLY = "settled_exactly"


@dataclass(frozen=True)
class Settlement:
    prepaid: Money
    copying_fee: Money
    loan_fee: Money
    shipping_fee: Money
    bank_fee: Money

    @property
    def currency(self) -> str:
        return self.prepaid.currency

    @property
    def charges(self) -> Money:
        return Money(
            self.copying_fee.amount + self.loan_fee.amount + self.shipping_fee.amount + self.bank_fee.amount,
            self.currency,
        )

    @property
    def difference(self) -> Money:
        """Positive: owed to the user; negative: owed by the user."""
        return Money(self.prepaid.amount - self.charges.amount, self.currency)

    @property
    def refund(self) -> Money:
        return Money(max(self.difference.amount, Decimal(0)), self.currency)

    @property
    def balance_due(self) -> Money:
        return Money(max(-self.difference.amount, Decimal(0)), self.currency)

    @property
    def outcome(self) -> "SettlementOutcome":
        """The SettlementOutcome the difference gives."""
        if self.difference.amount > 0:
            return SettlementOutcome.REFUND
        if self.difference.amount < 0:
            return SettlementOutcome.BALANCE_DUE
        return SettlementOutcome.SETTLED_EXACTLY

    @property
    def is_refund(self) -> bool:
        return self.outcome == SettlementOutcome.REFUND

    @property
    def is_balance_due(self) -> bool:
        return self.outcome == SettlementOutcome.BALANCE_DUE


def settle(
    prepaid: Money,
    *,
    copying_fee: Money | None,
    loan_fee: Money | None,
    shipping_fee: Money | None,
    bank_fee: Money | None,
) -> Settlement:
    """The settlement of `prepaid` (Money) against the four charges (Money, or None for nothing charged)."""
    charges = {
        "copying_fee": copying_fee,
        "loan_fee": loan_fee,
        "shipping_fee": shipping_fee,
        "bank_fee": bank_fee,
    }
    figures: dict[str, Money] = {}
    for name, money in charges.items():
        money = money or Money(Decimal(0), prepaid.currency)
        if money.currency != prepaid.currency:
            raise MixedCurrencies(
                _("The %(charge)s is in %(fee_currency)s but the user paid in %(paid_currency)s: "
                  "convert it to %(paid_currency)s before settling.")
                % {
                    "charge": CHARGE_NAMES[name],
                    "fee_currency": money.currency,
                    "paid_currency": prepaid.currency,
                }
            )
        if money.amount < 0:
            raise ValidationError(_("A fee cannot be negative."))
        figures[name] = money
    if prepaid.amount < 0:
        raise ValidationError(_("The amount paid in advance cannot be negative."))
    return Settlement(prepaid=prepaid, **figures)


CHARGE_NAMES = {
    "copying_fee": gettext_lazy("copying fee"),
    "loan_fee": gettext_lazy("loan fee"),
    "shipping_fee": gettext_lazy("international shipping"),
    "bank_fee": gettext_lazy("bank fees"),
}


def _money(amount: Decimal | None, currency: str) -> Money | None:
    return None if amount is None else Money(amount, currency)


def for_borrowing(borrowing: RecordedFigures) -> Settlement:
    """The settlement the borrowing's recorded figures give; ValidationError if the prepayment is missing."""
    if borrowing.prepaid_amount is None or not borrowing.prepaid_currency:
        raise ValidationError(_("Record the amount the user paid in advance first."))
    currency = borrowing.fees_currency or borrowing.prepaid_currency
    return settle(
        Money(borrowing.prepaid_amount, borrowing.prepaid_currency),
        copying_fee=_money(borrowing.lender_copying_fee, currency),
        loan_fee=_money(borrowing.lender_loan_fee, currency),
        shipping_fee=_money(borrowing.shipping_fee, currency),
        bank_fee=_money(borrowing.bank_fee, currency),
    )
