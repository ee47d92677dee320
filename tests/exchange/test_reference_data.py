"""The records `load_reference_data` loads, counted against the library's page."""

import re
from datetime import date

import pytest
from django.core.management import call_command

from exchange.models import (
    BusinessExchange,
    Depositor,
    ExchangeAgreement,
    Meeting,
    PartnershipCohort,
    PartnershipParticipant,
    PublishedFigure,
    WindowOnKoreaSite,
)

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "FAO ADB UN IFAD OECD ILO ICAO WMO APO UNWTO WFP UNEP ICOMOS ITTO IMF WIPO APEC IMO".split()


def source_text(settings):
    source = settings.BASE_DIR.parent / "shared" / "seed" / "nlk-international-cooperation.txt"
    if not source.exists():
        pytest.skip("the library's page is not beside this checkout")
    return source.read_text(encoding="utf-8")


def test_business_exchange_partners_keep_the_cadence_the_page_states(reference_data):
    exchanges = {e.institution.name_en: (e.cadence, e.since) for e in BusinessExchange.objects.all()}

    assert exchanges == {
        "National Diet Library": ("annual", 1997),
        "National Library of China": ("annual", 1997),
        "Russian State Library": ("biennial", 2007),
        "National Library of Tunisia": ("occasional", None),
    }
    assert list(
        BusinessExchange.objects.filter(co_hosted_exhibitions=True).values_list("institution__name_en")
    ) == [("National Library of Tunisia",)]


def test_only_the_meetings_the_page_names_are_recorded_and_their_host_is_left_unknown(reference_data):
    meetings = Meeting.objects.values_list("exchange__institution__name_en", "year", "host")

    assert list(meetings) == [
        ("National Library of Tunisia", 2008, ""),
        ("National Library of Tunisia", 2010, ""),
    ]


def test_the_two_exchange_agreements(reference_data):
    congress = ExchangeAgreement.objects.get(kind="government_publications")
    diet = ExchangeAgreement.objects.get(kind="resource_exchange")

    assert ExchangeAgreement.objects.count() == 2
    assert (congress.institution.name_en, congress.since, congress.bilateral) == (
        "Library of Congress",
        1966,
        True,
    )
    assert congress.nlk_sends == congress.partner_sends == "all government publications"
    assert (diet.institution.name_en, diet.since) == ("National Diet Library", None)
    assert diet.partner_sends == "Korea-related materials published in that country"


def test_the_eighteen_organizations_that_deposit_their_publications(reference_data):
    depositors = Depositor.objects.select_related("institution")

    assert sorted(d.acronym for d in depositors) == sorted(ORGANIZATIONS)
    assert {d.institution.kind for d in depositors} == {"international_org"}


def test_every_row_of_the_cultural_partnership_table_with_unknown_years_kept_unknown(reference_data):
    cohorts = list(PartnershipCohort.objects.all())

    assert [c.year for c in cohorts] == [*range(2006, 2019), None, None]
    assert [c.participants.count() for c in cohorts] == [4] * 9 + [3] + [4] * 5
    assert {c.training_weeks for c in cohorts} == {14}


def test_the_dated_rows_give_the_persons_and_countries_in_the_tables_heading(reference_data):
    published = PublishedFigure.objects.get(key="cultural_partnership_participants")
    dated = PartnershipParticipant.objects.filter(cohort__year__isnull=False)

    assert dated.count() == published.count == 51
    assert dated.values("country").distinct().count() == published.countries == 23


def test_window_on_korea_sites_share_the_year_printed_on_the_first_row_of_each_year(reference_data):
    numbered = WindowOnKoreaSite.objects.filter(number__isnull=False)

    assert dict(numbered.values_list("number", "established_year")) == {
        1: 2007, 2: 2007, 3: 2007, 4: 2008, 5: 2009, 6: 2009, 7: 2010, 8: 2011, 9: 2011, 10: 2011,
        11: 2012, 12: 2012, 13: 2012, 14: 2013, 15: 2014, 16: 2015, 17: 2015, 18: 2016, 19: 2017,
        20: 2018, 21: None, 22: None, 23: None, 24: 2022,
    }  # fmt: skip
    assert not numbered.filter(ended=True).exists()


def test_the_sites_whose_operation_ended_keep_their_year_established(reference_data):
    ended = WindowOnKoreaSite.objects.filter(ended=True)

    assert sorted((s.institution.name_en, s.established_year, s.number) for s in ended) == [
        ("National Library and Archives of Egypt", 2010, None),
        ("National Library of Indonesia", 2009, None),
        ("National Library of Iran", 2020, None),
        ("National Library of Mongolia", 2008, None),
        ("National Library of Thailand", 2007, None),
        ("National Library of UAE", 2014, None),
        ("Shanghai Changning Library", 2008, None),
        ("University of Delhi", 2013, None),
    ]


def test_every_site_follows_the_supply_plan_of_the_page(reference_data):
    plans = {
        (p.first_year_min_volumes, p.first_year_max_volumes, p.yearly_volumes, p.yearly_years)
        for p in (site.plan for site in WindowOnKoreaSite.objects.select_related("plan"))
    }

    assert plans == {(1500, 2000, 200, 5)}


def test_the_published_figures_are_kept_without_an_invented_date(reference_data):
    figures = {
        f.key: (f.count, f.countries, f.since, f.source, f.as_of) for f in PublishedFigure.objects.all()
    }

    assert figures == {
        "exchange_partners": (257, 91, None, "library_page", None),
        "korean_studies_supply": (63, 21, 1995, "library_page", None),
        "cultural_partnership_participants": (51, 23, None, "library_page", None),
    }


def test_the_tables_of_the_page_have_as_many_rows_as_the_records(reference_data, settings):
    text = source_text(settings)
    partnership = text.split("Table about Cultural Partnership Program")[1].split("Window on Korea")[0]
    rows = [line for line in partnership.splitlines()[2:] if line.strip()]
    window = text.split("Table about Window on Korea")[1].split("※ End of WOK operation")[0]
    sites = [line for line in window.splitlines()[2:] if line.strip() and not re.fullmatch(r"\d+ \w+", line)]
    ended = text.split("※ End of WOK operation(established year) :")[1].splitlines()[0]

    assert len(rows) == PartnershipCohort.objects.count() == 15
    assert sum(len(row.split(", ")) for row in rows) == PartnershipParticipant.objects.count() == 59
    assert len(sites) == WindowOnKoreaSite.objects.filter(ended=False).count() == 24
    assert len(ended.split("), ")) == WindowOnKoreaSite.objects.filter(ended=True).count() == 8


def test_a_second_load_creates_nothing_and_keeps_what_staff_changed(capsys):
    call_command("load_reference_data")
    site = WindowOnKoreaSite.objects.get(number=21)
    site.established_year = 2019
    site.save()
    PublishedFigure.objects.filter(key="exchange_partners").update(count=260, as_of=date(2025, 12, 31))
    capsys.readouterr()

    call_command("load_reference_data")

    assert "exchange: 0 rows created or updated" in capsys.readouterr().out
    site.refresh_from_db()
    assert site.established_year == 2019
    assert PublishedFigure.objects.get(key="exchange_partners").count == 260
    assert WindowOnKoreaSite.objects.count() == 32
    assert PartnershipParticipant.objects.count() == 59


def test_load_reports_the_rows_it_created(db):
    from exchange.reference_data import load
    from partners.reference_data import load as load_directory

    load_directory()

    # 4 exchanges + 2 meetings, 2 agreements, 18 depositors, 15 cohorts + 59 participants,
    # 1 plan + 32 sites, 3 published figures
    assert load() == 136
    assert load() == 0
