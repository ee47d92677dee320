"""A user in Korea is asked to prepay only in a currency they are shown a way to pay in; a way added later
reaches, by email and on their page, every user still to prepay in it, once per request."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from ill.choices import BorrowingStep
from ill.models import Borrowing, CopyPolicy, MoneyChange, PaymentInstruction, SentEmail
from ill.services import borrowing, submission
from nlk_portal.core import calendar
from tests.factories import library_user

from .steps import borrow, borrowing_details

pytestmark = pytest.mark.django_db
MIGRATION = __import__("importlib").import_module("ill.migrations.0017_prepayment_instructions")
ACCOUNT_KO = "우리은행 1005-123-456789 (예금주: 국립중앙도서관)"
ACCOUNT_EN = "Woori Bank 1005-123-456789 (account holder: National Library of Korea)"


@pytest.fixture
def staff(borrowing_groups, kim):
    MIGRATION.give_groups_payment_instruction_permissions(Group.objects, Permission.objects)
    client = Client()
    client.force_login(kim)
    return client


def step_url(ill_request, step=BorrowingStep.ASK_PREPAYMENT):
    return reverse("admin:ill_illrequest_borrowing_step", args=[ill_request.pk, step])


def add_method(staff, **fields):
    """Staff add a way to pay through the admin, as they do."""
    data = {"method": "bank_transfer", "details_ko": ACCOUNT_KO, "details_en": ACCOUNT_EN, "currency": "KRW",
            "position": "0", "is_active": "on", **fields}
    return staff.post(reverse("admin:ill_paymentinstruction_add"), data, follow=True)


def how_to_pay_emails(to=None):
    sent = [m for m in mail.outbox if "how to pay in advance" in m.subject or "선납 방법 안내" in m.subject]
    return [m for m in sent if to is None or m.to == [to]]


def page_of(user, ill_request, language="ko"):
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client.get(reverse("ill:borrowing_request", args=[ill_request.reference])).content.decode()


# Asking is refused while there is no way to pay.


def test_the_service_refuses_to_ask_for_a_prepayment_no_way_to_pay_takes(jiwoo, lender, source_fee_schedule):
    ill_request = borrow(jiwoo, lender)
    PaymentInstruction.objects.create(method="bank_transfer", details_en="Citibank New York", currency="USD")
    PaymentInstruction.objects.create(method="desk", details_ko="본관 2층", currency="KRW", is_active=False)

    with pytest.raises(borrowing.StepRefused) as refused:
        borrowing.ask_for_prepayment(ill_request, amount=Decimal("30000"), currency="krw")

    assert refused.value.code == borrowing.NO_PAYMENT_METHOD
    assert "no way to pay in KRW" in " ".join(refused.value.messages)
    record = Borrowing.objects.get(request=ill_request)
    assert record.prepayment_requested is None and not MoneyChange.objects.exists()
    assert not SentEmail.objects.filter(kind=SentEmail.Kind.PREPAYMENT_REQUEST).exists()
    # USD is taken, so a prepayment in USD may be asked for.
    borrowing.ask_for_prepayment(ill_request, amount=Decimal("25"), currency="USD")


def test_a_way_to_pay_recorded_for_no_currency_takes_any(jiwoo, lender, source_fee_schedule):
    ill_request = borrow(jiwoo, lender)
    PaymentInstruction.objects.create(method="desk", details_ko="본관 2층 자료관리과", currency="")

    borrowing.ask_for_prepayment(ill_request, amount=Decimal("30000"), currency="KRW")

    assert Borrowing.objects.get(request=ill_request).prepayment_requested == Decimal("30000")


@pytest.mark.parametrize("language, message, link", [
    ("en", "Users are shown no way to pay in KRW yet", "Add a way to pay in KRW"),
    ("ko", "이용자에게 안내할 KRW 납부 방법이 아직 없습니다", "KRW 납부 방법 추가"),
])
def test_the_admin_step_says_so_up_front_and_refuses_with_a_link_to_add_a_way(
    staff, jiwoo, lender, source_fee_schedule, language, message, link
):
    ill_request = borrow(jiwoo, lender)
    staff.post(reverse("set_language"), {"language": language, "next": "/"})
    add_url = reverse("admin:ill_paymentinstruction_add") + "?currency=KRW"

    request_page = staff.get(reverse("admin:ill_illrequest_change", args=[ill_request.pk])).content.decode()
    step_page = staff.get(step_url(ill_request)).content.decode()
    refused = staff.post(step_url(ill_request), {"amount": "30000", "currency": "KRW"})

    for html in (request_page, step_page):
        assert message in html and f'href="{add_url}"' in html
    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'class="errornote"' in html and message in html and f'<a href="{add_url}">{link}</a>' in html
    assert Borrowing.objects.get(request=ill_request).prepayment_requested is None
    # The link opens the form with the currency filled in.
    form = staff.get(add_url).content.decode()
    assert 'name="currency" value="KRW"' in form


def test_with_a_way_to_pay_the_step_page_gives_no_warning_and_the_step_is_recorded(
    staff, jiwoo, lender, source_fee_schedule, django_capture_on_commit_callbacks
):
    ill_request = borrow(jiwoo, lender)
    add_method(staff)

    page = staff.get(step_url(ill_request)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = staff.post(step_url(ill_request), {"amount": "30000", "currency": "KRW"})

    assert "no way to pay" not in page
    assert asked.status_code == 302
    [email] = [m for m in mail.outbox if m.to == [jiwoo.email]]
    assert "KRW 30,000" in email.body and ACCOUNT_KO in email.body


# A way added later reaches those still to pay.


def test_a_way_added_later_is_emailed_once_to_each_user_still_to_prepay_in_its_currency(
    staff, lender, source_fee_schedule, django_capture_on_commit_callbacks
):
    """Users asked before any way existed (the country's deposit, or staff before the rule): only those in
    the way's currency who have not paid are emailed, in their own language, once however often ways are saved."""
    CopyPolicy.objects.create(country="DE", deposit_amount=Decimal("30000"), deposit_currency="KRW")
    korean = library_user("minji.kim@example.kr", first_name="Min-ji", last_name="Kim")
    english = library_user("anna@example.kr", first_name="Anna", last_name="Berg")
    paid = library_user("paid@example.kr")
    in_dollars = library_user("usd@example.kr")
    with django_capture_on_commit_callbacks(execute=True):
        asked_ko = borrow(korean, lender)
        asked_en = submission.submit_borrowing(borrowing_details(lender), user=english, language="en")
        done = borrow(paid, lender)
        dollars = borrow(in_dollars, lender)
    # Asked by staff before the rule: the figure is on the record, no way to pay existed.
    Borrowing.objects.filter(request=dollars).update(prepayment_requested=Decimal("25"),
                                                     prepayment_requested_currency="USD")
    PaymentInstruction.objects.create(method="desk", details_ko="임시", currency="KRW")
    borrowing.record_prepayment(done, amount=Decimal("30000"), currency="KRW",
                                paid_on=calendar.library_today(), receipt_number="R-1")
    PaymentInstruction.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        added = add_method(staff)
    with django_capture_on_commit_callbacks(execute=True):
        method = PaymentInstruction.objects.get()
        staff.post(reverse("admin:ill_paymentinstruction_change", args=[method.pk]), {
            "method": "bank_transfer", "details_ko": ACCOUNT_KO + " (평일)", "details_en": ACCOUNT_EN,
            "currency": "KRW", "position": "1", "is_active": "on",
        })
        add_method(staff, method="desk", details_ko="본관 2층 자료관리과", details_en="")

    assert "2 users asked to prepay are being emailed how to pay" in added.content.decode()
    assert sorted(m.to[0] for m in how_to_pay_emails()) == sorted([korean.email, english.email])
    [ko] = how_to_pay_emails(korean.email)
    [en] = how_to_pay_emails(english.email)
    assert ko.subject == f"신청 {asked_ko.reference}: 선납 방법 안내"
    assert "이제 신청" in ko.body and "KRW 30,000" in ko.body and ACCOUNT_KO in ko.body and "계좌 이체" in ko.body
    assert en.subject == f"Request {asked_en.reference}: how to pay in advance"
    assert "You can now pay in advance" in en.body and "KRW 30,000" in en.body and ACCOUNT_EN in en.body
    assert "Staff will tell you how to pay." not in en.body
    html = en.alternatives[0][0]
    assert ACCOUNT_EN in html and "KRW 30,000" in html
    assert SentEmail.objects.filter(kind=SentEmail.Kind.HOW_TO_PAY).count() == 2


def test_a_way_shown_again_reaches_a_user_asked_while_it_was_hidden_and_their_page_shows_it(
    staff, jiwoo, lender, source_fee_schedule, django_capture_on_commit_callbacks
):
    add_method(staff)
    method = PaymentInstruction.objects.get()
    ill_request = borrow(jiwoo, lender)
    borrowing.ask_for_prepayment(ill_request, amount=Decimal("45000"), currency="KRW")
    changelist = reverse("admin:ill_paymentinstruction_changelist")

    def listed(active):
        """The list's own "shown to users" box, as staff tick it and save."""
        form = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(method.pk),
                "form-0-position": "0", "_save": "Save"}
        if active:
            form["form-0-is_active"] = "on"
        return staff.post(changelist, form)

    with django_capture_on_commit_callbacks(execute=True):
        listed(False)
    hidden = page_of(jiwoo, ill_request, "en")
    with django_capture_on_commit_callbacks(execute=True):
        listed(True)
    with django_capture_on_commit_callbacks(execute=True):
        listed(True)
    shown = page_of(jiwoo, ill_request, "en")

    assert ACCOUNT_EN not in hidden and "Staff will tell you how to pay." in hidden
    assert ACCOUNT_EN in shown and "KRW 45,000" in shown
    [email] = how_to_pay_emails(jiwoo.email)
    assert "KRW 45,000" in email.body and ACCOUNT_KO in email.body


def test_no_email_goes_to_a_user_who_paid_before_the_email_was_sent(
    jiwoo, lender, source_fee_schedule, django_capture_on_commit_callbacks
):
    CopyPolicy.objects.create(country="DE", deposit_amount=Decimal("30000"), deposit_currency="KRW")
    ill_request = borrow(jiwoo, lender)
    method = PaymentInstruction(method="desk", details_ko="본관 2층 자료관리과", currency="krw")
    waiting = borrowing.save_payment_instruction(method)
    borrowing.record_prepayment(ill_request, amount=Decimal("30000"), currency="KRW",
                                paid_on=calendar.library_today(), receipt_number="R-7")

    assert [r.pk for r in waiting] == [ill_request.pk] and method.currency == "KRW"
    assert borrowing.email_how_to_pay(ill_request.pk) is None
    assert not how_to_pay_emails()


# The page says what is below it.


def test_a_new_requests_page_promises_an_email_when_there_is_nothing_to_pay_yet(client, jiwoo, lender,
                                                                                source_fee_schedule):
    ill_request = borrow(jiwoo, lender)
    client.force_login(jiwoo)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    html = client.get(reverse("ill:borrowing_request", args=[ill_request.reference]) + "?submitted=1")

    assert "as shown below" not in html.content.decode()
    assert "We will email you the amount to pay in advance and how to pay it" in html.content.decode()


def test_a_new_requests_page_says_pay_as_below_when_the_deposit_and_a_way_are_below(
    client, jiwoo, lender, source_fee_schedule
):
    CopyPolicy.objects.create(country="DE", deposit_amount=Decimal("30000"), deposit_currency="KRW")
    PaymentInstruction.objects.create(method="desk", details_ko="본관 2층 자료관리과", currency="KRW")
    ill_request = borrow(jiwoo, lender)
    client.force_login(jiwoo)

    html = client.get(reverse("ill:borrowing_request", args=[ill_request.reference]) + "?submitted=1")

    assert "아래 안내에 따라" in html.content.decode() and "본관 2층 자료관리과" in html.content.decode()


@pytest.mark.parametrize("language, labels", [
    ("en", ["Asked for", "Paid", "Still to pay"]), ("ko", ["선납할 금액", "납부액", "추가 납부액"]),
])
def test_after_paying_part_of_the_prepayment_the_user_sees_what_is_left(
    jiwoo, lender, source_fee_schedule, language, labels
):
    PaymentInstruction.objects.create(method="desk", details_ko="본관 2층 자료관리과", currency="KRW")
    ill_request = borrow(jiwoo, lender)
    borrowing.ask_for_prepayment(ill_request, amount=Decimal("45000"), currency="KRW")
    borrowing.record_prepayment(ill_request, amount=Decimal("30000"), currency="KRW",
                                paid_on=calendar.library_today(), receipt_number="R-9")

    html = page_of(jiwoo, ill_request, language)

    section = html[html.index("prepayment-balance"):]
    section = section[: section.index("</dl>")]
    for label, amount in zip(labels, ["KRW 45,000", "KRW 30,000", "KRW 15,000"], strict=True):
        assert label in section and amount in section
    assert section.index(labels[2]) < section.index("KRW 15,000")
