"""What requesters and managers see in a real browser: plain statuses, how to prepay, the monthly chart's legend."""

import importlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from ill.models import CopyPolicy, FeeSchedule, PaymentInstruction
from ill.services import borrowing
from ill.services.workflow import do_transition
from ill.status import Status
from tests.factories import InstitutionFactory, library_user, submit_ill_request
from tests.ill.borrowing.steps import borrow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE
SIZES = [("en-US", 1280), ("en-US", 320), ("ko-KR", 1280), ("ko-KR", 320)]
ACCOUNT = "우리은행 1005-123-456789 (예금주: 국립중앙도서관)"


def browser_page(chromium, live_server, locale, width, user=None):
    context = chromium.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def inside_the_window(page, locator):
    box = locator.bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


@pytest.mark.parametrize("locale, width", SIZES)
def test_the_tracking_page_says_we_need_something_from_you(chromium, live_server, tmp_path, locale, width):
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    ill_request = submit_ill_request(requesting_library=InstitutionFactory(name_en="SOAS Library", country="GB"))
    do_transition(ill_request, Status.RETRY_POSSIBLE, note="Please send the exact page numbers.")
    page = browser_page(chromium, live_server, locale, width)

    page.goto(f"/ill/track/{ill_request.tracking_token}/")

    expected = "We need something from you" if locale == "en-US" else "귀하의 회신이 필요합니다"
    expect(page.locator(".current-status")).to_have_text(expected)
    expect(page.locator(".status-timeline")).to_contain_text(expected)
    expect(page.locator("main")).not_to_contain_text("Retry possible")
    assert inside_the_window(page, page.locator(".status-timeline"))
    page.screenshot(path=tmp_path / f"tracking-{locale}-{width}.png", full_page=True)


@pytest.mark.parametrize("locale, width", SIZES)
def test_a_user_in_korea_sees_how_much_to_prepay_and_how(chromium, live_server, tmp_path, locale, width):
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    PaymentInstruction.objects.create(
        method=PaymentInstruction.Method.BANK_TRANSFER, details_ko=ACCOUNT,
        details_en="Woori Bank 1005-123-456789 (account holder: National Library of Korea)", currency="KRW",
    )
    CopyPolicy.objects.create(country="DE", deposit_amount=Decimal("30000"), deposit_currency="KRW")
    user = library_user()
    ill_request = borrow(user, InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE"))
    borrowing.ask_for_prepayment(ill_request, amount=Decimal("45000"), currency="KRW")
    page = browser_page(chromium, live_server, locale, width, user=user)
    if locale == "en-US":
        # The page opens in Korean unless the reader chose English with the site's switcher.
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])

    page.goto(f"/ill/borrow/requests/{ill_request.reference}/")

    section = page.locator("section.prepayment")
    expect(section).to_contain_text("KRW 45,000")
    if locale == "en-US":
        expect(section).to_contain_text("Bank transfer")
        expect(section).to_contain_text("Woori Bank 1005-123-456789")
    else:
        expect(section).to_contain_text("계좌 이체")
        expect(section).to_contain_text(ACCOUNT)
    assert inside_the_window(page, section)
    page.screenshot(path=tmp_path / f"prepayment-{locale}-{width}.png", full_page=True)


def test_the_monthly_chart_has_a_legend_for_each_direction(chromium, live_server, manager, ill_year, tmp_path):
    page = browser_page(chromium, live_server, "en-US", 1280, user=manager)

    page.goto("/reports/ill/?year=2025")

    chart = page.get_by_role("img", name="ILL requests by month")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("NLK supplies")
    expect(chart).to_contain_text("NLK borrows")
    page.locator("section", has=chart).screenshot(path=tmp_path / "requests-by-month.png")
