"""ILL staff run a borrowing from the request's page in the admin; managers only look."""

from decimal import Decimal

import pytest
from django.contrib.admin import site
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from ill.admin import IllRequestAdmin
from ill.choices import BorrowingStep
from ill.models import CopyPolicy, IllRequest, MoneyChange, RefundPayout
from ill.services import borrowing
from ill.status import Status
from nlk_portal.core import calendar
from nlk_portal.core.roles import ILL_STAFF, MANAGERS
from tests.factories import submit_ill_request

from .steps import borrow

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def step_url(ill_request, step):
    return reverse("admin:ill_illrequest_borrowing_step", args=[ill_request.pk, step])


def change_url(ill_request):
    return reverse("admin:ill_illrequest_change", args=[ill_request.pk])


@pytest.fixture
def request_in_korea(source_fee_schedule, jiwoo, lender, borrowing_groups):
    return borrow(jiwoo, lender)


def test_the_groups_are_given_the_borrowing_permissions(borrowing_groups):
    staff = set(Group.objects.get(name=ILL_STAFF).permissions.values_list("codename", flat=True))
    managers = set(Group.objects.get(name=MANAGERS).permissions.values_list("codename", flat=True))

    assert {"change_borrowing", "add_copypolicy", "change_copypolicy", "add_refundpayout",
            "view_libraryuser"} <= staff
    assert {"view_borrowing", "view_copypolicy", "view_refundpayout", "view_libraryuser"} <= managers
    # Managers change nothing; the one permission beyond viewing is downloading the reports.
    assert {p for p in managers if not p.startswith("view_")} <= {"export_reports"}


def test_staff_record_each_step_and_see_the_settlement_on_the_request_page(request_in_korea, kim):
    client = logged_in(kim)
    today = calendar.library_today().isoformat()
    page = client.get(change_url(request_in_korea)).content.decode()
    assert "Record the prepayment" in page and "borrowing from abroad" in page.lower()
    assert "Accept (expect to supply)" not in page

    steps = [
        (BorrowingStep.PREPAYMENT, {"amount": "60000", "currency": "KRW", "paid_on": today, "receipt_number": "2026-0042"}),
        (BorrowingStep.SEND, {"note": ""}),
        (BorrowingStep.ANSWER, {"available": "yes", "answered_on": today, "fees_currency": "KRW", "copying_fee": "20000",
                    "shipping_fee": "15000"}),
        (BorrowingStep.ARRIVAL, {"arrived_on": today}),
        (BorrowingStep.DELIVER, {"delivered_on": today}),
        (BorrowingStep.SETTLE, {"bank_fee": "3000"}),
    ]
    for step, data in steps:
        response = client.post(step_url(request_in_korea, step), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])

    request_in_korea.refresh_from_db()
    assert request_in_korea.status == Status.COPY_COMPLETED
    page = client.get(change_url(request_in_korea)).content.decode()
    assert "Refund to the user" in page and "KRW 22,000" in page
    assert "Record the refund as paid" in page

    client.post(step_url(request_in_korea, BorrowingStep.REFUND), {"paid_on": today})
    assert RefundPayout.objects.get().amount == Decimal("22000.00")


def test_a_step_refused_by_the_rules_says_why_and_changes_nothing(request_in_korea, kim):
    response = logged_in(kim).post(step_url(request_in_korea, BorrowingStep.SEND), {"note": ""})

    assert response.status_code == 200
    assert "paid in advance first" in response.content.decode()
    request_in_korea.refresh_from_db()
    assert request_in_korea.status == Status.REQUEST_RECEIVED


def test_a_manager_sees_the_borrowing_but_cannot_record_a_step(request_in_korea, manager):
    client = logged_in(manager)

    page = client.get(change_url(request_in_korea)).content.decode()
    assert "Staatsbibliothek zu Berlin" in page
    assert "Record the prepayment" not in page
    assert client.post(step_url(request_in_korea, BorrowingStep.PREPAYMENT), {}).status_code == 403
    assert client.get(reverse("admin:ill_copypolicy_add")).status_code == 403
    assert client.get(reverse("admin:ill_copypolicy_changelist")).status_code == 200


def test_staff_keep_the_copying_rules_by_country(kim, borrowing_groups):
    client = logged_in(kim)

    response = client.post(reverse("admin:ill_copypolicy_add"), {
        "country": "FR", "copying_permitted": "", "note_en": "No copies.", "note_ko": "복사 불가.",
    })

    assert response.status_code == 302
    assert CopyPolicy.objects.get().copying_permitted is False


def test_a_request_nlk_supplies_has_no_borrowing_steps(kim, borrowing_groups, source_fee_schedule):
    supplied = submit_ill_request()
    client = logged_in(kim)

    assert "Record the prepayment" not in client.get(change_url(supplied)).content.decode()
    assert client.get(step_url(supplied, BorrowingStep.PREPAYMENT)).status_code == 404


def test_saving_a_borrowed_copy_in_the_admin_asks_for_no_one_third_check(request_in_korea, kim):
    admin_request = RequestFactory().post("/")
    admin_request.user = kim
    model_admin = IllRequestAdmin(IllRequest, site)
    form = type("Form", (), {"changed_data": ["notes"]})()
    model_admin.save_model(admin_request, request_in_korea, form, change=True)

    request_in_korea.refresh_from_db()
    assert request_in_korea.copyright_check_needed is False


def test_the_request_list_names_the_lender_of_a_borrowing_not_nlk(request_in_korea, kim):
    response = logged_in(kim).get(reverse("admin:ill_illrequest_changelist"), {"direction__exact": "borrows"})

    html = response.content.decode()
    assert request_in_korea.reference in html
    assert "lender: Staatsbibliothek zu Berlin" in html and "(Germany)" in html
    assert "National Library of Korea" not in html.split('id="result_list"')[1]


def test_staff_record_the_balance_a_user_paid_from_the_request_page(request_in_korea, kim):
    from .steps import work_to_delivered

    ill_request = work_to_delivered(request_in_korea, by=kim, prepaid="30000", fees=("20000", None, "15000"))
    client = logged_in(kim)
    assert step_url(ill_request, BorrowingStep.BALANCE) not in client.get(change_url(ill_request)).content.decode()
    client.post(step_url(ill_request, BorrowingStep.SETTLE), {"bank_fee": "0"})
    page = client.get(change_url(ill_request)).content.decode()
    assert step_url(ill_request, BorrowingStep.BALANCE) in page

    today = calendar.library_today().isoformat()
    response = client.post(step_url(ill_request, BorrowingStep.BALANCE), {"paid_on": today, "receipt_number": "B-77"})

    assert response.status_code == 302
    page = client.get(change_url(ill_request)).content.decode()
    assert f"on {today}, receipt B-77" in page
    assert step_url(ill_request, BorrowingStep.BALANCE) not in page


def test_a_step_the_page_no_longer_offers_is_refused_when_posted_directly(request_in_korea, kim):
    client = logged_in(kim)
    today = calendar.library_today().isoformat()
    first = {"amount": "60000", "currency": "KRW", "paid_on": today, "receipt_number": "R-100"}
    assert client.post(step_url(request_in_korea, BorrowingStep.PREPAYMENT), first).status_code == 302
    assert step_url(request_in_korea, BorrowingStep.PREPAYMENT) not in client.get(change_url(request_in_korea)).content.decode()

    again = {"amount": "1", "currency": "KRW", "paid_on": today, "receipt_number": "R-101"}
    response = client.post(step_url(request_in_korea, BorrowingStep.PREPAYMENT), again)

    assert response.status_code == 200
    assert "does not apply" in response.content.decode()
    request_in_korea.borrowing.refresh_from_db()
    assert (request_in_korea.borrowing.prepaid_amount, request_in_korea.borrowing.prepayment_receipt) == (
        Decimal("60000.00"), "R-100",
    )


def test_a_corrected_prepayment_is_kept_in_the_history_with_who_when_and_both_figures(request_in_korea, kim):
    client = logged_in(kim)
    today = calendar.library_today().isoformat()
    client.post(step_url(request_in_korea, BorrowingStep.PREPAYMENT),
                {"amount": "60000", "currency": "KRW", "paid_on": today, "receipt_number": "R-200"})
    page = client.get(change_url(request_in_korea)).content.decode()
    assert step_url(request_in_korea, BorrowingStep.CORRECT_PREPAYMENT) in page

    response = client.post(step_url(request_in_korea, BorrowingStep.CORRECT_PREPAYMENT),
                           {"amount": "65000", "currency": "KRW", "paid_on": today, "receipt_number": "R-200"})

    assert response.status_code == 302
    changes = list(MoneyChange.objects.filter(request=request_in_korea, figure="prepayment"))
    assert [(c.old_amount, c.new_amount, c.new_currency, c.changed_by) for c in changes] == [
        (None, Decimal("60000.00"), "KRW", kim),
        (Decimal("60000.00"), Decimal("65000.00"), "KRW", kim),
    ]
    assert all(c.changed_at is not None for c in changes)


def test_a_step_that_does_not_apply_is_refused_by_the_service_itself(request_in_korea, kim):
    today = calendar.library_today()
    borrowing.record_prepayment(request_in_korea, amount=Decimal("60000"), currency="KRW", paid_on=today,
                                receipt_number="R-300", by=kim)
    assert borrowing.available_steps(IllRequest.objects.get(pk=request_in_korea.pk)) == [
        BorrowingStep.CORRECT_PREPAYMENT, BorrowingStep.SEND,
    ]

    with pytest.raises(ValidationError, match="does not apply"):
        borrowing.record_prepayment(request_in_korea, amount=Decimal("5"), currency="KRW", paid_on=today,
                                    receipt_number="R-301", by=kim)
    borrowing.send_to_lender(request_in_korea, by=kim)
    borrowing.record_lender_answer(request_in_korea, available=True, answered_on=today, fees_currency="KRW",
                                   copying_fee=Decimal("20000"), by=kim)
    borrowing.record_arrival(request_in_korea, arrived_on=today, by=kim)
    with pytest.raises(ValidationError, match="does not apply"):
        borrowing.record_arrival(request_in_korea, arrived_on=today, by=kim)
    request_in_korea.borrowing.refresh_from_db()
    assert request_in_korea.borrowing.prepaid_amount == Decimal("60000")


def test_every_step_the_service_knows_has_its_page_and_no_other(request_in_korea):
    from ill.admin.borrowing_steps import STEPS_BY_NAME

    assert set(STEPS_BY_NAME) == set(borrowing.STEPS)


@pytest.mark.parametrize("version", ["²", "٣", "1" * 40, "-1", "abc"])
def test_a_version_that_is_not_a_plain_number_is_not_an_error(request_in_korea, kim, version):
    client = logged_in(kim)

    assert client.get(step_url(request_in_korea, BorrowingStep.SEND), {"version": version}).status_code == 200
    response = client.post(step_url(request_in_korea, BorrowingStep.SEND), {"note": "", "version": version})
    assert response.status_code == 200  # refused for the missing prepayment, not a server error
