"""In a real browser: a way to pay that staff add reaches the page of a user in Korea who was asked to prepay,
and a library's tracking page gives what was paid of an invoice and what is left, in English and Korean."""

import importlib
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from ill.models import CopyPolicy, FeeSchedule, Invoice
from ill.services import invoices
from nlk_portal.core import calendar
from nlk_portal.core.roles import ILL_STAFF
from tests.factories import InstitutionFactory, UserFactory, library_user
from tests.ill.borrowing.steps import borrow
from tests.ill.supply import supply_copy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE
STAFF_GROUPS = importlib.import_module("ill.migrations.0004_staff_groups")
BORROWING = importlib.import_module("ill.migrations.0009_borrowing")
PAYMENT_INSTRUCTIONS = importlib.import_module("ill.migrations.0017_prepayment_instructions")
ACCOUNT_KO = "우리은행 1005-123-456789 (예금주: 국립중앙도서관)"
ACCOUNT_EN = "Woori Bank 1005-123-456789 (account holder: National Library of Korea)"


@pytest.fixture
def ill_staff(db):
    STAFF_GROUPS.give_staff_groups_their_permissions(Group.objects, Permission.objects)
    BORROWING.give_groups_borrowing_permissions(Group.objects, Permission.objects)
    PAYMENT_INSTRUCTIONS.give_groups_payment_instruction_permissions(Group.objects, Permission.objects)
    kim = UserFactory(username="kim", first_name="Min-ji", last_name="Kim", is_staff=True, email="kim@nl.go.kr")
    kim.groups.add(Group.objects.get(name=ILL_STAFF))
    return kim


def test_a_way_to_pay_staff_add_appears_on_the_page_of_a_user_asked_to_prepay(open_as, ill_staff, tmp_path, settings,
                                                                              live_server):
    settings.PORTAL_URL = live_server.url
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    # Requests to libraries in Germany carry a deposit, asked for from the moment the request is made.
    CopyPolicy.objects.create(country="DE", deposit_amount=Decimal("30000"), deposit_currency="KRW")
    user = library_user()
    ill_request = borrow(user, InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE"))
    page_url = f"/ill/borrow/requests/{ill_request.reference}/"

    before = open_as(user, "ko")
    before.goto(page_url)
    expect(before.locator("section.prepayment")).to_contain_text("KRW 30,000")
    expect(before.locator("section.prepayment")).to_contain_text("납부 방법은 담당 직원이 알려 드립니다.")

    # Staff are told on the request's page that asking would be refused, and follow the link to add a way.
    desk = open_as(ill_staff, "en")
    desk.goto(f"/admin/ill/illrequest/{ill_request.pk}/change/")
    notice = desk.locator("#ill-ask-prepayment-notice")
    expect(notice).to_contain_text("Users are shown no way to pay in KRW yet")
    notice.get_by_role("link", name="Add a way to pay in KRW").click()
    expect(desk.get_by_label("Currency taken:")).to_have_value("KRW")
    desk.get_by_label("Payment method:").select_option("bank_transfer")
    desk.get_by_label("Account or desk (Korean):").fill(ACCOUNT_KO)
    desk.get_by_label("Account or desk (English):").fill(ACCOUNT_EN)
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text(
        f"1 user asked to prepay is being emailed how to pay: {ill_request.reference}."
    )

    for language, method, account in [("ko", "계좌 이체", ACCOUNT_KO), ("en", "Bank transfer", ACCOUNT_EN)]:
        page = open_as(user, language)
        page.goto(page_url)
        section = page.locator("section.prepayment")
        expect(section).to_contain_text("KRW 30,000")
        expect(section.locator(".payment-instructions")).to_contain_text(method)
        expect(section.locator(".payment-instructions")).to_contain_text(account)
        page.screenshot(path=str(tmp_path / f"borrowing-page-{language}.png"), full_page=True)
    [email] = [m for m in mail.outbox if m.to == [user.email] and "선납 방법 안내" in m.subject]
    assert "KRW 30,000" in email.body and ACCOUNT_KO in email.body


@pytest.mark.parametrize("language, expected", [
    ("en", {"Total": "USD 20.00", "Paid": "USD 15.00", "Balance due": "USD 5.00"}),
    ("ko", {"합계": "USD 20.00", "납부액": "USD 15.00", "미납액": "USD 5.00"}),
])
def test_the_tracking_page_after_a_part_payment_gives_what_was_paid_and_what_is_left(
    open_as, settings, tmp_path, live_server, language, expected
):
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    settings.PORTAL_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    # 33 pages copied and sent by post: USD 5.00 + 3 × 4.00 + 3.00 = USD 20.00.
    invoice = Invoice.objects.get(request=supply_copy(pages_copied=33))
    invoices.record_payment(
        invoice, amount=Decimal("15.00"), received_on=calendar.library_date(timezone.now()), receipt_number="R-15"
    )
    assert invoice.total == Decimal("20.00")

    page = open_as(None, language, width=390)
    page.goto(f"/ill/track/{invoice.request.tracking_token}/")

    figures = page.locator(".invoices .invoice-figures")
    for label, amount in expected.items():
        row = figures.locator("dt", has_text=label)
        expect(row).to_be_visible()
        expect(figures.locator(f"dt:text-is('{label}') + dd")).to_have_text(amount)
    page.screenshot(path=str(tmp_path / f"tracking-{language}.png"), full_page=True)
