"""The settlement: what the user paid in advance, less the lender's fees, shipping and bank fees."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ill.models import RefundPayout
from ill.rules.settlement import MixedCurrencies, settle
from ill.selectors.reporting import refunds_paid
from nlk_portal.core.money import Money


def krw(amount):
    return Money(Decimal(amount), "KRW")


def test_a_prepayment_that_exactly_covers_the_fees_leaves_nothing_to_refund_or_owe():
    result = settle(krw("50000"), copying_fee=krw("20000"), loan_fee=None, shipping_fee=krw("25000"),
                    bank_fee=krw("5000"))

    assert result.charges == krw("50000")
    assert result.difference == krw("0")
    assert result.refund == krw("0") and result.balance_due == krw("0")
    assert result.outcome == "settled_exactly"


def test_what_the_fees_do_not_use_of_the_prepayment_is_refunded():
    result = settle(krw("60000"), copying_fee=krw("20000"), loan_fee=None, shipping_fee=krw("15000"),
                    bank_fee=krw("3000"))

    assert result.refund == krw("22000")
    assert result.balance_due == krw("0")
    assert result.outcome == "refund"


def test_fees_above_the_prepayment_leave_a_balance_the_user_owes():
    result = settle(krw("30000"), copying_fee=None, loan_fee=krw("25000"), shipping_fee=krw("15000"),
                    bank_fee=krw("2500"))

    assert result.difference == krw("-12500")
    assert result.balance_due == krw("12500")
    assert result.refund == krw("0")
    assert result.outcome == "balance_due"


def test_with_no_fees_at_all_the_whole_prepayment_is_refunded():
    result = settle(krw("40000"), copying_fee=krw("0"), loan_fee=None, shipping_fee=None, bank_fee=krw("0"))

    assert result.charges == krw("0")
    assert result.refund == krw("40000")


def test_one_won_either_side_of_the_prepayment():
    fees = {"copying_fee": krw("10000.00"), "loan_fee": None, "shipping_fee": None}

    assert settle(krw("10000.01"), bank_fee=None, **fees).refund == krw("0.01")
    assert settle(krw("9999.99"), bank_fee=None, **fees).balance_due == krw("0.01")


def test_fees_in_another_currency_than_the_prepayment_are_refused_with_a_clear_error():
    with pytest.raises(MixedCurrencies) as refused:
        settle(krw("60000"), copying_fee=Money(Decimal("12.00"), "EUR"), loan_fee=None, shipping_fee=None,
               bank_fee=None)

    assert "EUR" in refused.value.messages[0] and "KRW" in refused.value.messages[0]


def test_money_is_decimal_never_float():
    with pytest.raises(TypeError):
        Money(12.5, "KRW")


def test_a_negative_fee_is_refused():
    with pytest.raises(ValidationError):
        settle(krw("100"), copying_fee=krw("-1"), loan_fee=None, shipping_fee=None, bank_fee=None)


@pytest.mark.django_db
def test_refunds_paid_out_are_summed_per_currency_for_the_reports(jiwoo, lender):
    from .steps import borrow

    today = timezone.localdate()
    for amount, currency in [("22000", "KRW"), ("8000", "KRW"), ("15.50", "USD")]:
        ill_request = borrow(jiwoo, lender)
        RefundPayout.objects.create(borrowing=ill_request.borrowing, amount=Decimal(amount), currency=currency,
                                    paid_on=today)

    totals = refunds_paid()

    assert totals == {"totals": {"KRW": Decimal("30000"), "USD": Decimal("15.50")}, "count": 3}
    assert refunds_paid(country="JP") == {"totals": {}, "count": 0}
