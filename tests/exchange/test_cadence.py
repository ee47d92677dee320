"""When staff should expect the next business-exchange meeting."""

from datetime import date

import pytest

from exchange.models import BusinessExchange, Cadence
from exchange.selectors.cadence import next_expected_meeting


def exchange(cadence, since):
    return BusinessExchange(cadence=cadence, since=since)


def test_an_annual_exchange_is_due_this_year_until_this_years_meeting_is_recorded():
    diet = exchange(Cadence.ANNUAL, 1997)

    assert next_expected_meeting(diet, latest_meeting_year=None, today=date(2025, 3, 1)) == 2025
    assert next_expected_meeting(diet, latest_meeting_year=2024, today=date(2025, 3, 1)) == 2025
    assert next_expected_meeting(diet, latest_meeting_year=2025, today=date(2025, 11, 1)) == 2026


def test_a_biennial_exchange_keeps_to_the_years_counted_from_2007():
    russian_state_library = exchange(Cadence.BIENNIAL, 2007)

    assert next_expected_meeting(russian_state_library, None, date(2025, 1, 1)) == 2025
    assert next_expected_meeting(russian_state_library, None, date(2026, 1, 1)) == 2027
    assert next_expected_meeting(russian_state_library, 2025, date(2025, 12, 1)) == 2027
    assert next_expected_meeting(russian_state_library, 2009, date(2010, 6, 1)) == 2011


def test_a_meeting_already_recorded_for_a_later_year_moves_the_next_one_on():
    assert next_expected_meeting(exchange(Cadence.ANNUAL, 1997), 2027, date(2025, 1, 1)) == 2028


def test_an_exchange_agreed_to_start_later_is_first_due_in_its_first_year():
    assert next_expected_meeting(exchange(Cadence.BIENNIAL, 2028), None, date(2025, 1, 1)) == 2028


def test_an_occasional_exchange_has_no_expected_meeting():
    tunisia = exchange(Cadence.OCCASIONAL, None)

    assert next_expected_meeting(tunisia, 2010, date(2025, 1, 1)) is None


@pytest.mark.django_db
def test_a_regular_exchange_needs_the_year_it_started():
    from django.core.exceptions import ValidationError

    from tests.factories import InstitutionFactory

    with pytest.raises(ValidationError, match="year it started"):
        BusinessExchange(institution=InstitutionFactory(), cadence=Cadence.BIENNIAL, since=None).full_clean()
