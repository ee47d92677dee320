"""The requester hears of every status change that concerns them, once, in their language."""

import pytest
from django.core import mail
from django.db import transaction

from ill import tasks
from ill.models import SentEmail
from ill.services.status_emails import EXPLANATIONS
from ill.services.workflow import do_transition
from ill.status import Status, UnfilledReason
from tests.factories import submit_ill_request

pytestmark = pytest.mark.django_db

@pytest.fixture
def ill_request(source_fee_schedule, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ill_request = submit_ill_request(contact_name="Marie Dupont")
    mail.outbox.clear()
    return ill_request


def move(ill_request, to_status, capture, **given):
    with capture(execute=True):
        return do_transition(ill_request, to_status, **given)


def test_every_status_but_the_first_is_explained_to_the_requester():
    assert set(EXPLANATIONS) == set(Status) - {Status.REQUEST_RECEIVED}


def test_accepting_a_request_emails_the_requester_what_it_means_with_the_tracking_link(
    ill_request, django_capture_on_commit_callbacks
):
    change = move(ill_request, Status.EXPECT_TO_SUPPLY, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    body = message.body
    assert message.to == ["ill@bibliotheque.example.org"]
    assert message.subject == f"ILL request {ill_request.reference}: Accepted, being located"
    assert body.startswith("Dear Marie Dupont,")
    assert f"Your request {ill_request.reference} (한국 근대 문학사) is now “Accepted, being located”." in body
    assert "has accepted your request and expects to supply it" in body
    assert "We are locating the material." in body
    assert f"/ill/track/{ill_request.tracking_token}/" in body
    record = SentEmail.objects.get(key=f"status:{change.pk}")
    assert (record.kind, record.status, record.subject) == ("status", "sent", message.subject)


def test_asking_the_requester_sends_the_staff_message(ill_request, django_capture_on_commit_callbacks):
    move(
        ill_request,
        Status.RETRY_POSSIBLE,
        django_capture_on_commit_callbacks,
        note="Please confirm the edition: 1994 or 2001?",
    )

    body = mail.outbox[0].body
    assert "We need something from you" in body
    assert "Our message:\nPlease confirm the edition: 1994 or 2001?" in body
    html = mail.outbox[0].alternatives[0][0]
    assert "Please confirm the edition: 1994 or 2001?" in html


def test_an_unfilled_request_is_explained_with_the_reason_in_words(ill_request, django_capture_on_commit_callbacks):
    move(ill_request, Status.UNFILLED, django_capture_on_commit_callbacks, reason=UnfilledReason.AVAILABLE_ELSEWHERE)

    assert "cannot supply this request" in mail.outbox[0].body
    assert "Reason: Available elsewhere" in mail.outbox[0].body


def test_a_completed_copy_names_the_pages_copied(ill_request, django_capture_on_commit_callbacks):
    move(ill_request, Status.WILL_SUPPLY, django_capture_on_commit_callbacks)
    move(ill_request, Status.COPY_COMPLETED, django_capture_on_commit_callbacks, pages_copied=18)

    # The invoice follows the completed copy in an email of its own.
    status_emails = [m for m in mail.outbox if not m.attachments]
    assert [m.subject.split(": ")[1] for m in status_emails] == ["Being copied or prepared", "Copy sent"]
    assert "Pages copied: 18" in status_emails[1].body
    assert [m.attachments[0][2] for m in mail.outbox if m.attachments] == ["application/pdf"]


def test_a_korean_requester_reads_it_in_korean(source_fee_schedule, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ill_request = submit_ill_request(language="ko")
    mail.outbox.clear()

    move(ill_request, Status.CANCELLED, django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    assert message.subject == f"상호대차 신청 {ill_request.reference}: 취소됨"
    assert "신청이 취소되었습니다" in message.body


def test_a_status_email_is_sent_once_however_often_the_task_runs(ill_request, django_capture_on_commit_callbacks):
    change = move(ill_request, Status.EXPECT_TO_SUPPLY, django_capture_on_commit_callbacks)

    tasks.send_status_email.delay(change.pk)
    tasks.send_status_email.delay(change.pk)

    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(kind="status").count() == 1


def test_a_change_that_is_rolled_back_sends_nothing(ill_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            do_transition(ill_request, Status.EXPECT_TO_SUPPLY)
            raise RuntimeError("the staff member's browser went away")

    assert callbacks == []
    assert mail.outbox == []
