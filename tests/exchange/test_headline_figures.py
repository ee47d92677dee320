"""Headline figures: from the records when they are complete, else as published."""

from datetime import date

import pytest
from django.utils import translation

from exchange.models import (
    ExchangeAgreement,
    FigureKey,
    KoreanStudiesSupply,
    PartnershipCohort,
    PartnershipParticipant,
    PublishedFigure,
)
from exchange.selectors.headlines import headline
from partners.models import Institution
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_the_published_figure_stands_until_the_records_count_as_many_libraries():
    PublishedFigure.objects.create(key=FigureKey.EXCHANGE_PARTNERS, count=3, countries=2)
    for country in ["FR", "DE"]:
        ExchangeAgreement.objects.create(institution=InstitutionFactory(country=country), kind="ordinary")

    shown = headline(FigureKey.EXCHANGE_PARTNERS)
    assert (shown.count, shown.countries, shown.from_records) == (3, 2, False)

    ExchangeAgreement.objects.create(institution=InstitutionFactory(country="JP"), kind="ordinary")

    shown = headline(FigureKey.EXCHANGE_PARTNERS)
    assert (shown.count, shown.countries, shown.from_records) == (3, 3, True)


def test_an_ended_agreement_does_not_count_as_a_partner():
    PublishedFigure.objects.create(key=FigureKey.EXCHANGE_PARTNERS, count=1, countries=1)
    ExchangeAgreement.objects.create(institution=InstitutionFactory(), kind="ordinary", status="ended")

    assert headline(FigureKey.EXCHANGE_PARTNERS).from_records is False


def test_a_library_supplied_in_several_years_counts_once():
    library = InstitutionFactory(country="PL")
    for year in [2023, 2024]:
        KoreanStudiesSupply.objects.create(institution=library, year=year, items=40)

    shown = headline(FigureKey.KOREAN_STUDIES_SUPPLY)

    assert (shown.count, shown.countries) == (1, 1)


def test_the_cultural_partnership_counts_the_rows_with_a_year_as_the_library_does(reference_data):
    shown = headline(FigureKey.CULTURAL_PARTNERSHIP)

    # The library: 51 persons from 23 countries for 2006-2018; its two rows without a year are apart.
    assert (shown.count, shown.countries, shown.from_records) == (51, 23, True)
    assert shown.text == "51 persons from 23 countries"


def test_a_year_staff_add_to_the_cultural_partnership_counts_and_a_row_without_one_does_not(reference_data):
    nepal = Institution.objects.get(key="national-library-of-nepal")
    PartnershipParticipant.objects.create(
        cohort=PartnershipCohort.objects.create(position=16, year=2019), institution=nepal, country="NP"
    )
    PartnershipParticipant.objects.create(
        cohort=PartnershipCohort.objects.create(position=17), institution=nepal, country="NP"
    )

    assert headline(FigureKey.CULTURAL_PARTNERSHIP).text == "52 persons from 23 countries"


def test_a_figure_staff_brought_up_to_date_keeps_its_date(reference_data):
    PublishedFigure.objects.filter(key=FigureKey.EXCHANGE_PARTNERS).update(
        count=262, countries=92, source="staff_count", as_of=date(2025, 12, 31)
    )

    shown = headline(FigureKey.EXCHANGE_PARTNERS)

    assert shown.text == "262 libraries from 92 countries"
    assert shown.as_of == date(2025, 12, 31)
    with translation.override("ko"):
        assert shown.text == "92개국 262개 기관"


def test_there_is_no_figure_without_a_record_or_a_published_number():
    assert headline(FigureKey.KOREAN_STUDIES_SUPPLY) is None
