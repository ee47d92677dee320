"""Requesters read their request's status in plain words in both languages; staff and ISO 18626 keep the codes."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from ill.services import borrowing
from ill.services.workflow import do_transition
from ill.status import BORROWING_REQUESTER_LABELS, REQUESTER_LABELS, Status, requester_label
from nlk_portal.core import calendar
from tests.factories import InstitutionFactory, LibrarianFactory, submit_ill_request
from tests.ill.borrowing.steps import borrow

pytestmark = pytest.mark.django_db
ASK = "Please send the exact page numbers."


@pytest.mark.parametrize("labels", [REQUESTER_LABELS, BORROWING_REQUESTER_LABELS])
def test_every_status_has_a_plain_label_in_english_and_korean(labels):
    assert set(labels) == set(Status)
    for status, label in labels.items():
        with translation.override("ko"):
            korean = str(label)
        with translation.override("en"):
            english = str(label)
        assert korean != english, status


def test_retry_possible_reads_as_a_request_for_something():
    with translation.override("en"):
        assert str(requester_label(Status.RETRY_POSSIBLE)) == "We need something from you"
    with translation.override("ko"):
        assert str(requester_label("RetryPossible", borrowing=True)) == "귀하의 회신이 필요합니다"


@pytest.fixture
def asked(source_fee_schedule, django_capture_on_commit_callbacks):
    library = InstitutionFactory(name_en="SOAS Library", country="GB")
    ill_request = submit_ill_request(requesting_library=library)
    with django_capture_on_commit_callbacks(execute=True):
        do_transition(ill_request, Status.RETRY_POSSIBLE, note=ASK)
    return ill_request


def test_the_tracking_page_says_we_need_something_in_english_and_korean(client, asked):
    url = reverse("ill:track", args=[asked.tracking_token])

    english = client.get(url).content.decode()
    korean = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert '<dd class="col-sm-8 current-status">We need something from you</dd>' in english
    assert "Retry possible" not in english and "RetryPossible" not in english
    assert '<dd class="col-sm-8 current-status">귀하의 회신이 필요합니다</dd>' in korean
    assert ASK in english


def test_the_status_email_says_it_plainly(asked):
    [email] = [m for m in mail.outbox if "acknowledg" not in m.subject.lower() and asked.reference in m.subject][-1:]

    assert email.subject == f"ILL request {asked.reference}: We need something from you"
    assert "is now “We need something from you”" in email.body


def test_the_librarians_list_and_page_say_it_plainly(client, asked):
    client.force_login(LibrarianFactory(institution=asked.requesting_library).user)

    listing = client.get(reverse("ill:library_requests")).content.decode()
    detail = client.get(reverse("ill:library_request", args=[asked.reference])).content.decode()

    assert "We need something from you" in listing and "Retry possible" not in listing
    assert "We need something from you" in detail


def test_staff_keep_the_iso_18626_statuses(client, kim, asked):
    client.force_login(kim)

    page = client.get(reverse("admin:ill_illrequest_change", args=[asked.pk])).content.decode()
    listing = client.get(reverse("admin:ill_illrequest_changelist")).content.decode()

    assert "Retry possible" in page and "Retry possible" in listing
    assert "We need something from you" not in listing


def test_a_user_in_korea_reads_the_lending_librarys_steps(client, jiwoo, lender, source_fee_schedule):
    ill_request = borrow(jiwoo, lender)
    borrowing.record_prepayment(
        ill_request, amount=Decimal("50000"), currency="KRW", paid_on=calendar.library_today(),
        receipt_number="R-1",
    )
    borrowing.send_to_lender(ill_request)
    client.force_login(jiwoo)

    page = client.get(reverse("ill:borrowing_request", args=[ill_request.reference])).content.decode()
    listing = client.get(reverse("ill:borrowing_requests")).content.decode()

    assert "제공 기관에 신청함" in page and "제공 기관에 신청함" in listing
    assert "제공 예정" not in page
