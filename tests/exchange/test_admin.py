"""Exchange staff keep every cooperation record in the admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from exchange.models import Shipment, VolumeDelivery, WindowOnKoreaSite
from partners.models import Institution
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The manager reports' permission holder and their monthly record are not cooperation records.
EXCHANGE_MODELS = [
    model
    for model in apps.get_app_config("exchange").get_models()
    if model._meta.model_name not in ("reportpermission", "monthlyreport")
]
REGISTERED = [model for model in EXCHANGE_MODELS if admin.site.is_registered(model)]


@pytest.fixture
def exchange_staff(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Exchange staff"))
    return user


@pytest.fixture
def staff_client(client, exchange_staff):
    client.force_login(exchange_staff)
    return client


def test_exchange_staff_may_keep_every_exchange_record_and_only_read_the_directory(exchange_staff):
    for model in EXCHANGE_MODELS:
        for action in ["add", "change", "delete", "view"]:
            assert exchange_staff.has_perm(f"exchange.{action}_{model._meta.model_name}"), (action, model)
    assert exchange_staff.has_perm("partners.view_institution")
    assert not exchange_staff.has_perm("partners.change_institution")


def test_every_exchange_record_is_kept_in_the_admin_on_its_own_or_within_its_parent():
    inlined = {inline.model for model in REGISTERED for inline in admin.site.get_model_admin(model).inlines}

    assert set(REGISTERED) | inlined == set(EXCHANGE_MODELS)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_exchange_staff_open_the_list_and_the_add_form_of_every_record(staff_client, reference_data, model):
    for view in ["changelist", "add"]:
        url = reverse(f"admin:exchange_{model._meta.model_name}_{view}")
        assert staff_client.get(url).status_code == 200, url


def test_exchange_staff_find_the_partner_by_name_and_record_a_shipment(staff_client, reference_data):
    found = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "exchange", "model_name": "shipment", "field_name": "institution", "term": "Congress"},
    ).json()
    congress = Institution.objects.get(name_en="Library of Congress")
    assert [r["id"] for r in found["results"]] == [str(congress.pk)]

    response = staff_client.post(
        reverse("admin:exchange_shipment_add"),
        {
            "date": "2025-03-04",
            "institution": congress.pk,
            "direction": "sent",
            "category": "government_publications",
            "items": "42",
            "notes": "",
        },
    )

    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.institution, shipment.items, str(shipment.date)) == (congress, 42, "2025-03-04")


def test_the_site_list_shows_which_sites_are_behind_plan_and_which_cannot_be_assessed(
    staff_client, reference_data
):
    # Far beyond what the plan ever asks for, whatever the year now.
    VolumeDelivery.objects.create(site=WindowOnKoreaSite.objects.get(number=24), year=2022, volumes=3000)
    url = reverse("admin:exchange_windowonkoreasite_changelist")

    behind = staff_client.get(url, {"plan_status": "behind"})
    unknown = staff_client.get(url, {"plan_status": "year_unknown"})

    behind_numbers = {site.number for site in behind.context["cl"].result_list}
    assert 1 in behind_numbers
    assert behind_numbers.isdisjoint({21, 22, 23, 24, None})
    assert "Behind plan: 0 delivered, 2,500–3,000 due by now" in behind.content.decode()
    assert {site.number for site in unknown.context["cl"].result_list} == {21, 22, 23}
    assert "Cannot be assessed: year established not known" in unknown.content.decode()


def test_the_business_exchange_list_gives_the_next_expected_meeting(staff_client, reference_data):
    response = staff_client.get(reverse("admin:exchange_businessexchange_changelist"))

    html = response.content.decode()
    assert "No fixed cadence" in html  # Tunisia
    rows = {str(e.institution): e.latest_meeting_year for e in response.context["cl"].result_list}
    assert rows["National Library of Tunisia"] == 2010
    assert rows["National Diet Library"] is None


def test_exchange_staff_record_the_volumes_delivered_to_a_site_on_its_page(staff_client, reference_data):
    site = WindowOnKoreaSite.objects.get(number=24)
    url = reverse("admin:exchange_windowonkoreasite_change", args=[site.pk])
    management = {"INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}

    response = staff_client.post(
        url,
        {
            "number": "24",
            "institution": site.institution_id,
            "country": "BD",
            "established_year": "2022",
            "plan": site.plan_id,
            "notes": "",
            "deliveries-TOTAL_FORMS": "1",
            **{f"deliveries-{key}": value for key, value in management.items()},
            "deliveries-0-year": "2022",
            "deliveries-0-volumes": "1800",
            "equipment-TOTAL_FORMS": "1",
            **{f"equipment-{key}": value for key, value in management.items()},
            "equipment-0-item": "sign_board",
            "equipment-0-year": "2022",
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    assert list(site.deliveries.values_list("year", "volumes")) == [(2022, 1800)]
    assert list(site.equipment.values_list("item", flat=True)) == ["sign_board"]
    assert "1,800 delivered" in staff_client.get(url).content.decode()


def test_a_search_that_matches_several_spellings_counts_each_delivery_once(staff_client, reference_data):
    site = WindowOnKoreaSite.objects.get(number=11)  # Rizal Library, known by three spellings
    VolumeDelivery.objects.create(site=site, year=2012, volumes=1500)

    response = staff_client.get(reverse("admin:exchange_windowonkoreasite_changelist"), {"q": "Rizal"})

    assert [(s.number, s.delivered) for s in response.context["cl"].result_list] == [(11, 1500)]
