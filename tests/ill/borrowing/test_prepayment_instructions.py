"""A user in Korea is told how much to prepay and how, as staff keep it; and sees when it was received."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from ill.choices import BorrowingStep
from ill.models import CopyPolicy, IllRequest, MoneyChange, PaymentInstruction, SentEmail
from ill.services import borrowing
from nlk_portal.core import calendar
from nlk_portal.core.roles import ILL_STAFF, MANAGERS

from .steps import borrow

pytestmark = pytest.mark.django_db
MIGRATION = __import__("importlib").import_module("ill.migrations.0017_prepayment_instructions")
ACCOUNT = "우리은행 1005-123-456789 (예금주: 국립중앙도서관)"


@pytest.fixture
def groups(borrowing_groups):
    MIGRATION.give_groups_payment_instruction_permissions(Group.objects, Permission.objects)


@pytest.fixture
def transfer(db):
    return PaymentInstruction.objects.create(
        method=PaymentInstruction.Method.BANK_TRANSFER, details_ko=ACCOUNT,
        details_en="Woori Bank 1005-123-456789 (account holder: National Library of Korea)", currency="KRW",
    )


def page_of(client, user, ill_request, language="ko"):
    """The request's page, which opens in Korean unless the reader picks English."""
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client.get(reverse("ill:borrowing_request", args=[ill_request.reference])).content.decode()


def test_with_nothing_recorded_the_user_is_told_staff_will_say_how_much_and_how(
    client, jiwoo, lender, source_fee_schedule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ill_request = borrow(jiwoo, lender)

    html = page_of(client, jiwoo, ill_request, "en")
    [email] = mail.outbox

    assert "We will tell you the amount to pay in advance once the lending institution" in html
    assert "Staff will tell you how to pay." in html
    assert "Collection Management &amp; Service Division;" not in html
    # The user asked in Korean, so the acknowledgement is in Korean.
    assert "제공 기관의 비용이 확인되면 선납할 금액을 알려 드립니다." in email.body
    assert "납부 방법은 담당 직원이 알려 드립니다." in email.body


def test_the_acknowledgement_and_the_page_give_the_countrys_deposit_and_the_account(
    client, jiwoo, lender, source_fee_schedule, transfer, django_capture_on_commit_callbacks
):
    CopyPolicy.objects.create(country="DE", deposit_amount=Decimal("30000"), deposit_currency="KRW")

    with django_capture_on_commit_callbacks(execute=True):
        ill_request = borrow(jiwoo, lender)

    html = page_of(client, jiwoo, ill_request)
    [email] = mail.outbox
    for text in (html, email.body):
        assert "KRW 30,000" in text
        assert ACCOUNT in text
    assert "계좌 이체" in html and "독일" in html


def test_staff_ask_for_the_prepayment_the_user_is_emailed_once_and_the_history_keeps_it(
    jiwoo, lender, source_fee_schedule, transfer, kim, django_capture_on_commit_callbacks
):
    ill_request = borrow(jiwoo, lender)
    assert borrowing.available_steps(ill_request)[:2] == [BorrowingStep.ASK_PREPAYMENT, BorrowingStep.PREPAYMENT]

    with django_capture_on_commit_callbacks(execute=True):
        borrowing.ask_for_prepayment(ill_request, amount=Decimal("45000"), currency="krw", by=kim)
    with django_capture_on_commit_callbacks(execute=True):
        borrowing.ask_for_prepayment(ill_request, amount=Decimal("45000"), currency="KRW", by=kim)

    ill_request.borrowing.refresh_from_db()
    assert (ill_request.borrowing.prepayment_requested, ill_request.borrowing.prepayment_requested_currency) == (
        Decimal("45000"), "KRW"
    )
    change = MoneyChange.objects.get(request=ill_request)
    assert (change.figure, change.new_amount, change.changed_by) == ("prepayment_requested", Decimal("45000"), kim)
    asked = SentEmail.objects.filter(kind=SentEmail.Kind.PREPAYMENT_REQUEST)
    assert asked.count() == 1
    [email] = [m for m in mail.outbox if "미리" in m.subject or "in advance" in m.subject]
    assert "KRW 45,000" in email.body and ACCOUNT in email.body


def test_the_amount_asked_for_replaces_the_deposit_and_can_be_asked_again_until_paid(
    client, jiwoo, lender, source_fee_schedule, transfer
):
    CopyPolicy.objects.create(country="DE", deposit_amount=Decimal("30000"), deposit_currency="KRW")
    ill_request = borrow(jiwoo, lender)
    borrowing.ask_for_prepayment(ill_request, amount=Decimal("45000"), currency="KRW")
    borrowing.ask_for_prepayment(ill_request, amount=Decimal("52000"), currency="KRW")

    html = page_of(client, jiwoo, ill_request, "en")

    assert "KRW 52,000" in html and "KRW 30,000" not in html
    assert list(MoneyChange.objects.values_list("old_amount", "new_amount")) == [
        (None, Decimal("45000.00")), (Decimal("45000.00"), Decimal("52000.00"))
    ]


def test_once_paid_the_user_sees_when_it_was_received_and_staff_can_no_longer_ask(
    client, jiwoo, lender, source_fee_schedule, transfer
):
    ill_request = borrow(jiwoo, lender)
    borrowing.ask_for_prepayment(ill_request, amount=Decimal("45000"), currency="KRW")
    paid_on = calendar.library_today()
    borrowing.record_prepayment(
        ill_request, amount=Decimal("45000"), currency="KRW", paid_on=paid_on, receipt_number="2026-0042"
    )

    html = page_of(client, jiwoo, ill_request, "en")

    assert f"We received your payment of KRW 45,000 on {paid_on.isoformat()} (receipt 2026-0042)." in html
    assert "How to pay" not in html
    assert BorrowingStep.ASK_PREPAYMENT not in borrowing.available_steps(IllRequest.objects.get(pk=ill_request.pk))
    with pytest.raises(borrowing.StepRefused):
        borrowing.ask_for_prepayment(ill_request, amount=Decimal("1000"), currency="KRW")


@pytest.mark.parametrize("amount, currency", [(Decimal("0"), "KRW"), (None, "KRW"), (Decimal("10"), "WON!")])
def test_a_prepayment_asked_for_needs_an_amount_and_a_currency(jiwoo, lender, source_fee_schedule, amount, currency):
    ill_request = borrow(jiwoo, lender)

    with pytest.raises(borrowing.StepRefused):
        borrowing.ask_for_prepayment(ill_request, amount=amount, currency=currency)


def test_ill_staff_keep_how_to_pay_and_ask_for_the_prepayment_in_the_admin(
    jiwoo, lender, source_fee_schedule, groups, kim, manager, django_capture_on_commit_callbacks
):
    ill_request = borrow(jiwoo, lender)
    staff, managers = Client(), Client()
    staff.force_login(kim)
    managers.force_login(manager)

    added = staff.post(reverse("admin:ill_paymentinstruction_add"), {
        "method": "desk", "details_ko": "본관 2층 자료관리과 (평일 9-18시)", "details_en": "", "currency": "KRW",
        "position": "0", "is_active": "on",
    })
    page = staff.get(reverse("admin:ill_illrequest_change", args=[ill_request.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = staff.post(
            reverse("admin:ill_illrequest_borrowing_step", args=[ill_request.pk, BorrowingStep.ASK_PREPAYMENT]),
            {"amount": "38000", "currency": "KRW"},
        )

    assert added.status_code == 302
    assert "Ask for the prepayment" in page
    assert asked.status_code == 302
    assert "본관 2층 자료관리과" in mail.outbox[-1].body
    assert "KRW 38,000" in staff.get(reverse("admin:ill_illrequest_change", args=[ill_request.pk])).content.decode()
    assert managers.get(reverse("admin:ill_paymentinstruction_changelist")).status_code == 200
    assert managers.get(reverse("admin:ill_paymentinstruction_add")).status_code == 403
    assert {"add_paymentinstruction", "change_paymentinstruction"} <= set(
        Group.objects.get(name=ILL_STAFF).permissions.values_list("codename", flat=True)
    )
    assert "change_paymentinstruction" not in set(
        Group.objects.get(name=MANAGERS).permissions.values_list("codename", flat=True)
    )


def test_an_instruction_needs_its_details_in_one_language_at_least(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentInstruction.objects.create(method="desk", details_ko="", details_en="")
