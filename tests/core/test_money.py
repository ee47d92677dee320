"""Money is written one way in every language: KRW without decimals, USD with two, thousands grouped."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from nlk_portal.core.money import Money, format_amount, format_money


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [
        ("50000.00", "KRW", "KRW 50,000"),
        ("50000", "KRW", "KRW 50,000"),
        ("1200", "JPY", "JPY 1,200"),
        ("5", "USD", "USD 5.00"),
        ("1234.5", "USD", "USD 1,234.50"),
        ("0", "USD", "USD 0.00"),
        ("-15000.00", "KRW", "KRW -15,000"),
        ("1000000.00", "EUR", "EUR 1,000,000.00"),
    ],
)
def test_an_amount_is_written_with_its_currency_s_decimals_and_grouped(amount, currency, written):
    assert format_money(Decimal(amount), currency) == written


def test_an_amount_recorded_with_more_decimals_than_its_currency_has_keeps_them():
    assert format_money(Decimal("50000.50"), "KRW") == "KRW 50,000.50"
    assert format_amount(Decimal("3.125"), "USD") == "3.125"


def test_no_amount_is_written_as_nothing():
    assert format_money(None, "KRW") == ""


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_template_filter_and_a_settlement_s_money_write_it_alike_in_both_languages(language):
    template = Template("{% load ill_tags %}{{ amount|money:'KRW' }}|{{ usd|money }}|{{ settled|money }}|{{ settled }}")
    context = Context({"amount": Decimal("50000.00"), "usd": Decimal("12"), "settled": Money(Decimal("22000"), "KRW")})

    with translation.override(language):
        assert template.render(context) == "KRW 50,000|USD 12.00|KRW 22,000|KRW 22,000"
