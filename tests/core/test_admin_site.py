"""The admin refuses the query strings Django's admin views would answer with a server error."""

import pytest
from django.contrib import admin

from nlk_portal.core.admin_site import PortalAdminSite
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_is_the_portal_s_site():
    assert isinstance(admin.site, PortalAdminSite)


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_an_empty_to_field_is_a_bad_request(staff_client, view):
    institution = InstitutionFactory()

    response = staff_client.get(f"/admin/partners/institution/{institution.pk}/{view}/?_to_field=")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "issued_on__year=9999",
        "issued_on__year=9999&issued_on__month=12",
        "issued_on__year=9999&issued_on__month=12&issued_on__day=31",
        "issued_on__year=1",
        "issued_on__year=99999999999999999999",
        "issued_on__year=2026&issued_on__month=0",
        "issued_on__year=٢٠٢٦",
    ],
)
def test_a_date_drill_down_out_of_range_is_a_bad_request(staff_client, query):
    assert staff_client.get(f"/admin/ill/invoice/?{query}").status_code == 400


def test_a_date_drill_down_in_range_lists(staff_client):
    assert staff_client.get("/admin/ill/invoice/?issued_on__year=2026&issued_on__month=2").status_code == 200
    assert staff_client.get("/admin/outbox/outboxentry/?created_at__year=2026&created_at__month=12&created_at__day=31").status_code == 200


@pytest.mark.parametrize("selected", ["abc", "1.5", "", "99999999999999999999999"])
def test_a_list_action_on_rows_that_are_no_ids_is_a_bad_request(staff_client, selected):
    institution = InstitutionFactory(is_verified=False)

    response = staff_client.post(
        "/admin/partners/institution/",
        {"action": "mark_verified", "index": "0", "_selected_action": [str(institution.pk), selected]},
    )

    assert response.status_code == 400
    institution.refresh_from_db()
    assert not institution.is_verified


def test_a_list_action_on_ids_is_taken(staff_client):
    institution = InstitutionFactory(is_verified=False)

    response = staff_client.post(
        "/admin/partners/institution/",
        {"action": "mark_verified", "index": "0", "_selected_action": [str(institution.pk)]},
    )

    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.is_verified
