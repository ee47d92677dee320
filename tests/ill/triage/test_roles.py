"""ILL staff, exchange staff and managers each see and do only what their group allows."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from ill.admin import actions as admin_actions
from ill.models import IllRequest
from nlk_portal.core.roles import EXCHANGE_STAFF, ILL_STAFF, MANAGERS
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
ILL_LIST = reverse("admin:ill_illrequest_changelist")
EXCHANGE_LIST = reverse("admin:exchange_shipment_changelist")
EXCHANGE_ADD = reverse("admin:exchange_shipment_add")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def codenames(group):
    return set(Group.objects.get(name=group).permissions.values_list("content_type__app_label", "codename"))


def status_of(ill_request):
    return IllRequest.objects.get(pk=ill_request.pk).status


def accept_url(ill_request):
    return reverse("admin:ill_illrequest_staff_action", args=[ill_request.pk, "accept"])


# The manager reports (exchange.reports) have permissions of their own: every staff group may view them.
REPORTS = {("exchange", "view_reports"), ("exchange", "export_reports")}
REPORT_MODELS = ["reportpermission", "monthlyreport"]


def test_the_migration_creates_the_three_groups_and_keeps_the_exchange_staffs_permissions():
    exchange = codenames(EXCHANGE_STAFF)
    assert {p for p in exchange if p[0] == "exchange"} - REPORTS == set(
        Permission.objects.filter(content_type__app_label="exchange")
        .exclude(content_type__model__in=REPORT_MODELS)
        .values_list("content_type__app_label", "codename")
    )
    ill = codenames(ILL_STAFF)
    assert {("ill", "change_illrequest"), ("ill", "add_internalnote"), ("partners", "change_institution")} <= ill
    assert not any(app == "exchange" for app, _ in ill - REPORTS)
    assert ("ill", "delete_illrequest") not in ill
    managers = codenames(MANAGERS)
    assert {("ill", "view_illrequest"), ("exchange", "view_shipment"), ("partners", "view_institution")} <= managers
    assert all(codename.startswith("view_") for _, codename in managers - REPORTS)


def test_ill_staff_work_requests_but_not_the_exchange_records(kim, copy_request):
    client = logged_in(kim)

    assert client.get(ILL_LIST).status_code == 200
    assert client.get(EXCHANGE_LIST).status_code == 403
    assert client.get(EXCHANGE_ADD).status_code == 403
    assert client.post(accept_url(copy_request), {}).status_code == 302
    assert status_of(copy_request) == "ExpectToSupply"


def test_exchange_staff_cannot_open_or_work_ill_requests(exchange_clerk, copy_request):
    client = logged_in(exchange_clerk)

    assert client.get(EXCHANGE_LIST).status_code == 200
    assert client.get(ILL_LIST).status_code == 403
    assert client.get(reverse("admin:ill_illrequest_change", args=[copy_request.pk])).status_code == 403
    assert client.post(accept_url(copy_request), {}).status_code == 403
    bulk = client.post(ILL_LIST, {"action": "accept", "index": "0", "_selected_action": [copy_request.pk]})
    assert bulk.status_code == 403
    assert status_of(copy_request) == "RequestReceived"


def test_managers_see_everything_and_change_nothing(manager, copy_request):
    client = logged_in(manager)
    page = reverse("admin:ill_illrequest_change", args=[copy_request.pk])

    assert client.get(ILL_LIST).status_code == 200
    assert client.get(EXCHANGE_LIST).status_code == 200
    html = client.get(page).content.decode()
    assert copy_request.reference in html
    assert "ill-workflow-actions" not in html and 'name="_save"' not in html
    assert client.get(EXCHANGE_ADD).status_code == 403
    assert client.post(accept_url(copy_request), {}).status_code == 403
    assert client.post(page, {"contact_name": "Someone else"}).status_code == 403

    listing = client.get(ILL_LIST).content.decode()
    # No bulk workflow actions offered; only the download of the list.
    assert not any(f'value="{action.name}"' in listing for action in admin_actions.ACTIONS)
    assert 'value="export_csv"' in listing
    client.post(ILL_LIST, {"action": "accept", "index": "0", "_selected_action": [copy_request.pk]})
    assert status_of(copy_request) == "RequestReceived"


def test_marking_libraries_verified_needs_the_right_to_change_them(kim, manager):
    unverified = InstitutionFactory(name_en="Typed-in Library", is_verified=False, is_active=False)
    changelist = reverse("admin:partners_institution_changelist")
    action = {"action": "mark_verified", "_selected_action": [unverified.pk]}

    refused = logged_in(manager).post(changelist, action)
    unverified.refresh_from_db()
    assert not unverified.is_verified
    assert b"mark_verified" not in logged_in(manager).get(changelist).content
    assert refused.status_code in (200, 302)

    logged_in(kim).post(changelist, action)
    unverified.refresh_from_db()
    assert unverified.is_verified and unverified.is_active
