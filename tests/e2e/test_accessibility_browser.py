"""Every public page and the main admin pages pass axe-core's WCAG 2.1 A and AA rules, in English and Korean,
and every control shows a focus ring of at least 3:1."""

import importlib
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from ill.models import FeeSchedule
from ill.services import borrowing
from tests.factories import submit_ill_request
from tests.ill.borrowing.steps import borrow, work_to_delivered

from .accessibility import axe_violations, focus_ring_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE
SEND = "main form[method=post] button[type=submit]"


@pytest.fixture
def portal(live_server, settings, reference_data, people):
    """The portal with a request from the librarian's library and a settled borrowing of the user in Korea."""
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    settings.PORTAL_URL = live_server.url
    cache.clear()
    librarian = people["partner librarian"].librarian
    supplied = submit_ill_request(requesting_library=librarian.institution, submitted_by=people["partner librarian"])
    lender = supplied.requesting_library.__class__.objects.get(key="free-university-of-berlin")
    borrowed = work_to_delivered(borrow(people["user in Korea"], lender))
    borrowing.settle(borrowed, bank_fee=Decimal(5000))
    return {"supplied": supplied, "borrowed": borrowed}


def report(found):
    return "\n".join(f"{path}:\n  " + "\n  ".join(problems) for path, problems in found.items())


def visit(page, path, *, send_empty=False):
    page.goto(path)
    if send_empty:
        page.locator(SEND).last.click()
        page.wait_for_load_state()
        expect(page.locator("#error-summary")).to_be_focused()


def violations_on(page, paths):
    found = {}
    for path in paths:
        send_empty = path.startswith("POST ")
        path = path.removeprefix("POST ")
        visit(page, path, send_empty=send_empty)
        if problems := axe_violations(page):
            found[("sent empty: " if send_empty else "") + path] = problems
    return found


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_public_pages_pass_axe(open_as, people, portal, language):
    supplied = portal["supplied"]
    page = open_as(None, language)

    found = violations_on(page, [
        "/",
        "/partners/",
        "/partners/?q=Mongolia",
        "/partners/?q=no+such+library",
        "/cooperation/",
        "/ill/",
        "/ill/request/",
        "POST /ill/request/",
        f"/ill/submitted/{supplied.tracking_token}/",
        f"/ill/track/{supplied.tracking_token}/",
        "/accounts/login/",
        "POST /accounts/login/",
        "/accounts/register/",
        "POST /accounts/register/",
        "/accounts/register/korea/",
        "POST /accounts/register/korea/",
        "/accounts/confirm/MQ/not-a-token/",
        "/accounts/confirm/again/",
        "POST /accounts/confirm/again/",
        "/accounts/password/reset/",
        "POST /accounts/password/reset/",
        "/accounts/password/reset/MQ/not-a-token/",
        "/accounts/password/reset/done/",
        "/privacy/",
        "/no-such-page/",
    ])

    assert not found, report(found)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_pages_after_a_form_is_filled_in_pass_axe(open_as, people, portal, language):
    page = open_as(None, language)
    found = {}

    page.goto("/ill/request/")
    page.locator("#id_requesting_library").select_option(str(people["partner librarian"].librarian.institution_id))
    page.locator("#id_contact_name").fill("Marie Dupont")
    page.locator("#id_email").fill("ill@bnf.example.org")
    page.locator("#id_postal_address").fill("Quai François Mauriac\n75013 Paris")
    page.locator("#id_item_type_0").check()
    page.locator("#id_title").fill("한국 근대 문학사")
    page.locator("#id_pages_wanted").fill("12-30")
    page.locator("#id_confirms_published_in_korea").check()
    page.locator("#id_confirms_not_available_elsewhere").check()
    page.locator(SEND).last.click()
    expect(page.locator("form button[value=submit]")).to_be_visible()
    if problems := axe_violations(page):
        found["the request's review"] = problems

    page.goto("/accounts/register/")
    page.locator("#id_full_name").fill("Marie Dupont")
    page.locator("#id_email").fill(f"marie.{language}@bnf.example.org")
    page.locator("#id_library_named").fill("Bibliothèque nationale de France")
    page.locator("#id_password1").fill("correct horse battery staple")
    page.locator("#id_password2").fill("correct horse battery staple")
    page.locator(SEND).last.click()
    expect(page.get_by_role("status")).to_contain_text(f"marie.{language}@bnf.example.org")
    if problems := axe_violations(page):
        found["registered"] = problems

    page.goto("/accounts/password/reset/")
    page.locator("#id_email").fill(people["partner librarian"].email)
    page.locator(SEND).last.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if problems := axe_violations(page):
        found["password link sent"] = problems
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)
    page.locator(SEND).last.click()
    expect(page.locator("#error-summary")).to_be_focused()
    if problems := axe_violations(page):
        found["new password sent empty"] = problems

    assert not found, report(found)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_pages_of_librarians_and_users_in_korea_pass_axe(open_as, people, portal, language):
    supplied, borrowed = portal["supplied"], portal["borrowed"]
    librarian = open_as(people["partner librarian"], language)
    korea = open_as(people["user in Korea"], language)

    found = violations_on(librarian, [
        "/ill/my-library/",
        f"/ill/my-library/{supplied.reference}/",
        "/ill/borrow/",
    ]) | violations_on(korea, [
        "/ill/borrow/",
        "POST /ill/borrow/",
        "/ill/borrow/requests/",
        f"/ill/borrow/requests/{borrowed.reference}/",
    ])

    assert not found, report(found)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_staff_pages_pass_axe(open_as, people, portal, language):
    supplied, borrowed = portal["supplied"], portal["borrowed"]
    page = open_as(people["staff"], language)

    found = violations_on(page, [
        "/admin/",
        "/admin/ill/illrequest/",
        f"/admin/ill/illrequest/{supplied.pk}/change/",
        f"/admin/ill/illrequest/{borrowed.pk}/change/",
        "/reports/",
    ])

    assert not found, report(found)


def test_every_control_shows_a_focus_ring_of_at_least_3_to_1(open_as, people, portal):
    visitor = open_as(None)
    korea = open_as(people["user in Korea"])
    staff = open_as(people["staff"])
    problems = {}
    for page, path in [
        (visitor, "/"),
        (visitor, "/partners/"),
        (visitor, "/ill/request/"),
        (visitor, "/cooperation/"),
        (korea, "/ill/borrow/"),
        (staff, "/admin/"),
        (staff, "/admin/ill/illrequest/"),
        (staff, f"/admin/ill/illrequest/{portal['supplied'].pk}/change/"),
    ]:
        page.goto(path)
        if found := focus_ring_problems(page):
            problems[path] = found

    assert not problems, report(problems)


def test_the_internal_note_of_a_request_has_a_label(open_as, people, portal):
    page = open_as(people["staff"])
    page.goto(f"/admin/ill/illrequest/{portal['supplied'].pk}/change/")

    note = page.get_by_role("textbox", name="Note", exact=True)
    expect(note).to_have_count(1)
    expect(note).to_have_attribute("id", "id_internal_notes-0-text")


@pytest.mark.parametrize(
    ("role", "path", "language", "title"),
    [
        ("user in Korea", "/ill/borrow/", "ko", "오류: 해외 자료 신청"),
        ("user in Korea", "/ill/borrow/", "en", "Error: Request material from abroad"),
        ("visitor", "/accounts/register/", "en", "Error: Register as a partner librarian"),
        ("visitor", "/accounts/register/korea/", "ko", "오류: 해외 자료 신청을 위한 가입"),
    ],
)
def test_the_borrowing_and_registration_forms_open_on_their_errors(open_as, people, role, path, language, title):
    page = open_as(people[role], language)
    page.goto(path)
    page.locator(SEND).last.click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^" + re.escape(title)))
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")
    first.click()
    expect(page.locator(target)).to_be_focused()
