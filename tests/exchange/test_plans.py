"""The Window on Korea supply plan (1,500–2,000 volumes the first year, then 200 a
year for five years) against the volumes recorded as delivered to a site."""

from datetime import date

import pytest

from exchange.models import WindowOnKoreaSite
from exchange.selectors.plans import PlanStatus, expected_volumes, later_years_total, progress, with_delivered

from .factories import SupplyPlanFactory, VolumeDeliveryFactory, WindowOnKoreaSiteFactory

pytestmark = pytest.mark.django_db

SPRING_2025 = date(2025, 4, 15)


def progress_of(site, today=SPRING_2025):
    site = with_delivered(WindowOnKoreaSite.objects.filter(pk=site.pk)).get()
    return progress(site, site.delivered, today)


def test_a_site_that_had_its_first_year_and_each_yearly_supply_is_on_plan():
    site = WindowOnKoreaSiteFactory(established_year=2022)
    VolumeDeliveryFactory(site=site, year=2022, volumes=1600)
    VolumeDeliveryFactory(site=site, year=2023, volumes=200)
    VolumeDeliveryFactory(site=site, year=2024, volumes=200)

    result = progress_of(site)

    assert result.status == PlanStatus.ON_PLAN
    assert (result.delivered, result.expected_min, result.expected_max) == (2000, 1900, 2400)


def test_a_site_that_missed_a_yearly_supply_is_behind_by_the_volumes_it_lacks():
    site = WindowOnKoreaSiteFactory(established_year=2022)
    VolumeDeliveryFactory(site=site, year=2022, volumes=1600)
    VolumeDeliveryFactory(site=site, year=2023, volumes=200)

    result = progress_of(site)

    assert result.status == PlanStatus.BEHIND
    assert result.shortfall == 100


def test_a_site_with_no_delivery_recorded_is_behind_once_its_first_year_is_over():
    site = WindowOnKoreaSiteFactory(established_year=2024)

    assert progress_of(site).status == PlanStatus.BEHIND
    assert progress_of(site).shortfall == 1500


def test_the_year_under_way_is_not_yet_due():
    site = WindowOnKoreaSiteFactory(established_year=2025)

    result = progress_of(site)

    assert result.status == PlanStatus.ON_PLAN
    assert (result.expected_min, result.expected_max) == (0, 0)


def test_after_the_five_later_years_the_plan_asks_for_no_more():
    plan = SupplyPlanFactory()

    assert expected_volumes(plan, years_completed=6) == (2500, 3000)
    assert expected_volumes(plan, years_completed=18) == (2500, 3000)
    assert later_years_total(plan) == 1000


def test_a_site_whose_year_established_is_unknown_cannot_be_assessed():
    site = WindowOnKoreaSiteFactory(established_year=None)
    VolumeDeliveryFactory(site=site, volumes=300)

    result = progress_of(site)

    assert result.status == PlanStatus.YEAR_UNKNOWN
    assert result.expected_min is None
    assert result.shortfall == 0
    assert result.delivered == 300


def test_a_site_whose_operation_ended_is_not_held_to_the_plan():
    site = WindowOnKoreaSiteFactory(number=None, established_year=2008, ended=True)

    assert progress_of(site).status == PlanStatus.ENDED


def test_a_plan_edited_by_staff_changes_what_is_due():
    site = WindowOnKoreaSiteFactory(established_year=2023)
    VolumeDeliveryFactory(site=site, year=2023, volumes=1500)
    VolumeDeliveryFactory(site=site, year=2024, volumes=100)
    assert progress_of(site).status == PlanStatus.BEHIND

    site.plan.yearly_volumes = 100
    site.plan.save()

    assert progress_of(site).status == PlanStatus.ON_PLAN
