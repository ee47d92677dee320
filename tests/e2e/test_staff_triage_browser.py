import importlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from ill.models import FeeSchedule, IllRequest
from nlk_portal.core.roles import ILL_STAFF
from tests.factories import InstitutionFactory, UserFactory, submit_ill_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE
STAFF_GROUPS = importlib.import_module("ill.migrations.0004_staff_groups")


@pytest.fixture
def kim(db):
    STAFF_GROUPS.give_staff_groups_their_permissions(Group.objects, Permission.objects)
    user = UserFactory(username="kim", first_name="Min-ji", last_name="Kim", is_staff=True)
    user.groups.add(Group.objects.get(name=ILL_STAFF))
    return user


@pytest.fixture
def morning(live_server, settings):
    """One request received forty days ago, now overdue, and one that came in yesterday."""
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    settings.PORTAL_URL = live_server.url
    berlin = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    late = submit_ill_request(
        requesting_library=berlin, title="조선왕조실록 연구", received_at=timezone.now() - timedelta(days=40)
    )
    fresh = submit_ill_request(requesting_library=berlin, received_at=timezone.now() - timedelta(days=1))
    return late, fresh


def test_a_staff_member_filters_to_overdue_opens_a_request_accepts_it_and_sees_the_history(page, kim, morning):
    late, fresh = morning
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto("/admin/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="ILL requests").click()

    page.locator("#changelist-filter details", has_text="By due date").get_by_role("link", name="Overdue").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(late.reference)
    expect(rows.first.locator(".ill-due-overdue")).to_contain_text("days overdue")
    expect(page.locator("#result_list")).not_to_contain_text(fresh.reference)

    page.get_by_role("link", name=late.reference).click()
    expect(page.locator(".ill-current-status")).to_have_text("Request received")
    page.get_by_role("button", name="Accept (expect to supply)").click()

    expect(page.locator(".messagelist")).to_contain_text(f"1 request is now “Expect to supply”: {late.reference}.")
    expect(page.locator(".ill-current-status")).to_have_text("Expect to supply")
    history = page.locator("#history-group tbody tr.has_original")
    expect(history).to_have_count(2)
    expect(history.last).to_contain_text("Request received")
    expect(history.last).to_contain_text("Expect to supply")
    expect(history.last).to_contain_text("Min-ji Kim")
    assert IllRequest.objects.get(pk=late.pk).status == "ExpectToSupply"
    page.screenshot(path="/tmp/triage_e2e.png", full_page=True)
    assert blocked == []
