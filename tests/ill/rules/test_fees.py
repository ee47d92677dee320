from datetime import date
from decimal import Decimal

import pytest

from ill.models import FeeSchedule
from ill.selectors import fees

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def test_a_freshly_migrated_database_quotes_the_fees_the_library_publishes():
    schedule = fees.schedule_in_force(TODAY)

    assert (schedule.currency, schedule.copying_base_fee, schedule.copying_base_pages) == (
        "USD",
        Decimal("5.00"),
        10,
    )
    assert (schedule.copying_step_fee, schedule.copying_step_pages, schedule.shipping_fee) == (
        Decimal("4.00"),
        10,
        Decimal("3.00"),
    )


@pytest.mark.parametrize(
    "pages, copying",
    [(1, "5.00"), (10, "5.00"), (11, "9.00"), (20, "9.00"), (21, "13.00"), (100, "41.00")],
)
def test_copying_costs_five_dollars_up_to_ten_pages_and_four_for_each_further_ten_or_part(
    source_fee_schedule, pages, copying
):
    quote = fees.quote_on(TODAY, service="copy", delivery="electronic", pages=pages)

    assert quote.copying_fee == Decimal(copying)
    assert quote.currency == "USD"


def test_a_copy_sent_by_post_adds_the_three_dollar_international_shipping(source_fee_schedule):
    by_post = fees.quote_on(TODAY, service="copy", delivery="post", pages=11)
    electronic = fees.quote_on(TODAY, service="copy", delivery="electronic", pages=11)

    assert (by_post.copying_fee, by_post.shipping_fee, by_post.total) == (
        Decimal("9.00"),
        Decimal("3.00"),
        Decimal("12.00"),
    )
    assert (electronic.shipping_fee, electronic.total) == (Decimal("0.00"), Decimal("9.00"))


def test_a_loan_pays_shipping_only(source_fee_schedule):
    quote = fees.quote_on(TODAY, service="loan", delivery="post", pages=None)

    assert (quote.copying_fee, quote.shipping_fee) == (Decimal("0.00"), Decimal("3.00"))


def test_amounts_are_decimals_never_floats(source_fee_schedule):
    quote = fees.quote_on(TODAY, service="copy", delivery="post", pages=21)

    assert all(isinstance(amount, Decimal) for amount in (quote.copying_fee, quote.shipping_fee, quote.total))


def test_a_new_schedule_applies_from_its_effective_date_and_not_before(source_fee_schedule):
    FeeSchedule.objects.create(
        effective_from=date(2027, 3, 1),
        currency="USD",
        copying_base_fee=Decimal("6.00"),
        copying_base_pages=10,
        copying_step_fee=Decimal("5.00"),
        copying_step_pages=10,
        shipping_fee=Decimal("4.00"),
    )

    before = fees.quote_on(date(2027, 2, 28), service="copy", delivery="post", pages=11)
    from_then = fees.quote_on(date(2027, 3, 1), service="copy", delivery="post", pages=11)

    assert before.total == Decimal("12.00")
    assert from_then.total == Decimal("15.00")
    assert "2027-03-01" in str(from_then.schedule)


def test_no_fee_can_be_quoted_before_any_schedule_was_in_force(source_fee_schedule):
    with pytest.raises(fees.NoFeeSchedule):
        fees.schedule_in_force(date(2025, 12, 31))


def test_staff_edit_the_fee_schedule_in_the_admin(admin_client, source_fee_schedule):
    response = admin_client.get(f"/admin/ill/feeschedule/{source_fee_schedule.pk}/change/")

    assert response.status_code == 200
    assert b"copying_base_fee" in response.content
