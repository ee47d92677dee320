"""NLK supplies a partner system's request: staff work it in the admin, and the peer (a real HTTP server on
127.0.0.1) hears of every change by ISO 18626, valid against the schema, with the right status and costs;
it can ask for the status, ask to cancel, renew, and say what it received and sent back."""

import dataclasses
import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ill.iso18626.messages import ErrorData, ServiceInfo, SupplyingAgencyMessage
from ill.iso18626.vocabulary import Action, ErrorType, MessageStatus, ReasonForMessage, ServiceType
from ill.models import IllRequest, InternalNote, Iso18626Message
from ill.services import peer_messages
from ill.services.workflow import do_transition
from ill.status import Status
from nlk_portal.core.calendar import LIBRARY_TIME_ZONE, library_today
from nlk_portal.core.money import Money
from nlk_portal.outbox.models import OutboxEntry
from partners.models import Iso18626Peer
from tests.factories import submit_ill_request

from .examples import make_request
from .partner import action_body, answer, change_url, post, request_body

pytestmark = pytest.mark.django_db
State = Iso18626Message.State


def act(client, ill_request, action, **data):
    """Press an action's button on the request's page as it was shown, confirming what it asks."""
    shown = IllRequest.objects.get(pk=ill_request.pk).version
    url = reverse("admin:ill_illrequest_staff_action", args=[ill_request.pk, action])
    response = client.post(url, {f"version_{ill_request.pk}": shown, "confirm": "1", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def lend(client, ill_request, due=None):
    """Mark the loan sent, due back on `due` (by default in four weeks)."""
    due = due or library_today() + timedelta(weeks=4)
    return act(client, ill_request, "loaned", **{f"loan_due_date_{ill_request.pk}": due.isoformat()})


def answer_cancel(client, ill_request, yes, note=""):
    url = reverse("admin:ill_illrequest_iso18626_cancel", args=[ill_request.pk])
    shown = IllRequest.objects.get(pk=ill_request.pk).version
    return client.post(url, {"answer": "yes" if yes else "no", "note": note, "version": shown})


def sent(peer, count):
    """The supplyingAgencyMessages the peer received, once there are `count`; each valid against the schema."""
    posts = peer.wait_for_posts(count)
    assert len(posts) == count, [each.message for each in posts]
    for each in posts:
        assert each.is_valid, each.schema_errors
        assert each.confirmation.is_ok
        assert isinstance(each.message, SupplyingAgencyMessage)
    return [each.message for each in posts]


@pytest.fixture
def loan_from_peer(client, royal_library, django_capture_on_commit_callbacks):
    """The Royal Danish Library asks to borrow a book."""
    message = make_request()
    body = request_body(
        "DK-LOAN-1",
        bibliographic_info=dataclasses.replace(message.bibliographic_info, pages_requested=None),
        service_info=ServiceInfo(service_type=ServiceType.LOAN),
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, body))
    return IllRequest.objects.get()


def test_staff_work_a_peers_request_and_the_peer_hears_of_each_change_with_its_costs(
    kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, from_peer, "accept")
        act(kim_client, from_peer, "will_supply", **{f"total_pages_{from_peer.pk}": "300"})
        act(kim_client, from_peer, "copy_completed", **{f"pages_copied_{from_peer.pk}": "19"})

    first, second, third = sent(iso18626_peer, 3)
    for message in (first, second, third):
        assert (message.header.supplying_agency_id.value, message.header.requesting_agency_id.value) == (
            "KR-SeNL", "DK-710100"
        )
        assert message.header.requesting_agency_request_id == "DK-2026-0042"
        assert message.header.supplying_agency_request_id == from_peer.reference
    assert (first.message_info.reason_for_message, first.status_info.status) == ("RequestResponse", "ExpectToSupply")
    # The estimate with the first answer; what is charged, from the fee schedule, when the copy is sent.
    assert first.message_info.offered_costs == Money(amount=Decimal("9.00"), currency="USD")
    assert (second.message_info.reason_for_message, second.status_info.status) == ("StatusChange", "WillSupply")
    assert (third.message_info.reason_for_message, third.status_info.status) == ("StatusChange", "CopyCompleted")
    assert third.delivery_info.delivery_costs == Money(amount=Decimal("9.00"), currency="USD")
    rows = list(Iso18626Message.objects.filter(incoming=False).order_by("id"))
    assert [row.state for row in rows] == [State.CONFIRMED] * 3
    assert all("<messageStatus>OK</messageStatus>" in row.confirmation and row.attempts == 1 for row in rows)

    page = kim_client.get(change_url(from_peer)).content.decode()
    assert "Exchanged by ISO 18626" in page and "iso18626_messages-group" in page
    assert "DK-710100" in page and "P-99812" in page
    assert page.count("RequestResponse") >= 1 and "CopyCompleted" in page


def test_a_loan_is_sent_with_its_shipping_and_completed_when_it_is_back(
    client, kim_client, loan_from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    assert (loan_from_peer.service, loan_from_peer.delivery) == ("loan", "post")
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, loan_from_peer, "will_supply")
        lend(kim_client, loan_from_peer)
        answer(post(client, action_body(Action.RECEIVED, "DK-LOAN-1")))
        answer(post(client, action_body(Action.SHIPPED_RETURN, "DK-LOAN-1", note="Sent back by DHL.")))

    link = IllRequest.objects.get(pk=loan_from_peer.pk).iso18626
    assert link.requester_received_at and link.return_shipped_at
    # Shipped back is not yet back: staff mark it returned when it arrives.
    assert IllRequest.objects.get(pk=loan_from_peer.pk).status == Status.LOANED
    notes = [note.shown_text for note in InternalNote.objects.filter(request=loan_from_peer)]
    assert any("shipped the loan back" in text for text in notes)
    assert any("Sent back by DHL." in text for text in notes)
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, loan_from_peer, "returned")

    messages = sent(iso18626_peer, 3)
    assert [m.status_info.status for m in messages] == ["WillSupply", "Loaned", "LoanCompleted"]
    assert messages[1].delivery_info.delivery_costs == Money(amount=Decimal("3.00"), currency="USD")


def test_a_loan_sent_tells_the_peer_when_it_is_due_back_and_a_renewal_moves_the_date_on(
    client, kim_client, loan_from_peer, iso18626_peer, settings, django_capture_on_commit_callbacks
):
    settings.ILL_LOAN_DAYS, settings.ILL_ISO18626_RENEWALS = 30, True
    due = library_today() + timedelta(days=40)
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, loan_from_peer, "will_supply")
        lend(kim_client, loan_from_peer, due)
        answer(post(client, action_body(Action.RENEW, "DK-LOAN-1")))

    _will_supply, loaned, renewed = sent(iso18626_peer, 3)
    assert loaned.status_info.status == "Loaned"
    assert loaned.status_info.due_date.astimezone(LIBRARY_TIME_ZONE).date() == due
    assert (renewed.message_info.reason_for_message, renewed.message_info.answer_yes_no) == ("RenewResponse", True)
    assert renewed.status_info.due_date.astimezone(LIBRARY_TIME_ZONE).date() == due + timedelta(days=30)
    assert IllRequest.objects.get(pk=loan_from_peer.pk).loan_due_date == due + timedelta(days=30)


def test_unfilled_carries_its_reason_and_a_retry_its_question(
    kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, from_peer, "ask_requester", note="Which volume: 59 or 60?")
        act(kim_client, from_peer, "unfilled", reason="not_held", note="Not in our stacks.")

    retry, unfilled = sent(iso18626_peer, 2)
    assert retry.status_info.status == "RetryPossible"
    assert retry.message_info.reason_retry == "Which volume: 59 or 60?"
    assert (unfilled.status_info.status, unfilled.message_info.reason_unfilled) == ("Unfilled", "NotHeld")
    assert unfilled.message_info.note == "Not held by the National Library of Korea. Not in our stacks."


def test_a_status_request_is_confirmed_then_answered_with_the_status_now(
    client, kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, from_peer, "accept")
        confirmation = answer(post(client, action_body(Action.STATUS_REQUEST)))

    assert confirmation.is_ok and confirmation.action == Action.STATUS_REQUEST
    response = sent(iso18626_peer, 2)[1]
    assert response.message_info.reason_for_message == ReasonForMessage.STATUS_REQUEST_RESPONSE
    assert response.status_info.status == "ExpectToSupply"
    reply = Iso18626Message.objects.get(reason=ReasonForMessage.STATUS_REQUEST_RESPONSE)
    assert reply.in_reply_to.reason == Action.STATUS_REQUEST and reply.state == State.CONFIRMED


def test_a_cancel_waits_for_staff_who_accept_it(
    client, kim_client, kim, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, action_body(Action.CANCEL, note="The patron found it elsewhere.")))

    assert IllRequest.objects.get(pk=from_peer.pk).status == Status.REQUEST_RECEIVED
    assert iso18626_peer.posts == []
    page = kim_client.get(change_url(from_peer)).content.decode()
    assert "The requesting library asks to cancel this request." in page
    assert "The patron found it elsewhere." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = answer_cancel(kim_client, from_peer, yes=True)
    assert response.status_code == 302

    cancelled = IllRequest.objects.get(pk=from_peer.pk)
    assert cancelled.status == Status.CANCELLED and cancelled.history.last().changed_by == kim
    (message,) = sent(iso18626_peer, 1)
    assert message.message_info.reason_for_message == ReasonForMessage.CANCEL_RESPONSE
    assert (message.message_info.answer_yes_no, message.status_info.status) == (True, "Cancelled")
    cancel = Iso18626Message.objects.get(incoming=True, reason=Action.CANCEL)
    assert (cancel.answer_yes_no, cancel.answered_by) == (True, kim)
    assert "The requesting library asks to cancel" not in kim_client.get(change_url(from_peer)).content.decode()


def test_a_cancel_staff_refuse_leaves_the_request_and_says_why(
    client, kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, action_body(Action.CANCEL)))
        answer_cancel(kim_client, from_peer, yes=False, note="The copy is already on its way.")

    assert IllRequest.objects.get(pk=from_peer.pk).status == Status.REQUEST_RECEIVED
    (message,) = sent(iso18626_peer, 1)
    assert message.message_info.reason_for_message == ReasonForMessage.CANCEL_RESPONSE
    assert (message.message_info.answer_yes_no, message.status_info.status) == (False, "RequestReceived")
    assert message.message_info.note == "The copy is already on its way."
    # Nothing is left to answer.
    assert answer_cancel(kim_client, from_peer, yes=True).status_code == 200
    assert IllRequest.objects.get(pk=from_peer.pk).status == Status.REQUEST_RECEIVED


def test_staff_cancelling_the_request_answers_a_waiting_cancel(
    client, kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, action_body(Action.CANCEL)))
        act(kim_client, from_peer, "cancel")

    (message,) = sent(iso18626_peer, 1)
    assert (message.message_info.reason_for_message, message.message_info.answer_yes_no) == ("CancelResponse", True)


def test_a_cancel_that_comes_too_late_is_answered_no_at_once(
    client, kim_client, loan_from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, loan_from_peer, "will_supply")
        lend(kim_client, loan_from_peer)
        answer(post(client, action_body(Action.CANCEL, "DK-LOAN-1")))

    reply = sent(iso18626_peer, 3)[2]
    assert (reply.message_info.reason_for_message, reply.message_info.answer_yes_no) == ("CancelResponse", False)
    assert reply.status_info.status == "Loaned"


def test_renewals_are_refused_unless_the_setting_allows_them(
    client, kim_client, loan_from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, loan_from_peer, "will_supply")
        lend(kim_client, loan_from_peer)
        answer(post(client, action_body(Action.RENEW, "DK-LOAN-1")))
        with override_settings(ILL_ISO18626_RENEWALS=True):
            answer(post(client, action_body(Action.RENEW, "DK-LOAN-1")))

    refused, allowed = sent(iso18626_peer, 4)[2:]
    assert (refused.message_info.reason_for_message, refused.message_info.answer_yes_no) == ("RenewResponse", False)
    assert (allowed.message_info.reason_for_message, allowed.message_info.answer_yes_no) == ("RenewResponse", True)


def test_a_notification_becomes_a_note_for_staff(client, from_peer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, action_body(Action.NOTIFICATION, note="Please send it as a PDF.")))

    (note,) = InternalNote.objects.filter(request=from_peer)
    assert note.shown_text == "From Royal Danish Library (ISO 18626 Notification): Please send it as a PDF."


def test_a_peer_that_is_down_for_a_while_gets_each_message_once_and_in_order(
    kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    iso18626_peer.go_down()
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, from_peer, "accept")
        act(kim_client, from_peer, "will_supply", **{f"total_pages_{from_peer.pk}": "300"})

    first, second = Iso18626Message.objects.filter(incoming=False).order_by("id")
    assert (first.state, first.attempts, second.state) == (State.RETRYING, 1, State.WAITING)
    assert "Connection refused" in first.error or "refused" in first.error.lower()
    assert first.next_attempt_at > timezone.now()
    page = kim_client.get(change_url(from_peer)).content.decode()
    assert "Not delivered: will be tried again" in page and "Waiting for an earlier message" in page

    # Beat's sweep before the pause is over sends nothing; after it, while the peer is still down, it tries again.
    with django_capture_on_commit_callbacks(execute=True):
        assert peer_messages.send_due_messages() == 0
        assert peer_messages.send_due_messages(now=timezone.now() + timedelta(minutes=2)) == 1
    first.refresh_from_db()
    assert (first.state, first.attempts) == (State.RETRYING, 2)
    assert first.next_attempt_at - timezone.now() > timedelta(minutes=1, seconds=50)

    iso18626_peer.come_up()
    with django_capture_on_commit_callbacks(execute=True):
        peer_messages.send_due_messages(now=timezone.now() + timedelta(minutes=5))
        peer_messages.send_due_messages(now=timezone.now() + timedelta(hours=2))

    messages = sent(iso18626_peer, 2)
    assert [m.status_info.status for m in messages] == ["ExpectToSupply", "WillSupply"]
    assert list(Iso18626Message.objects.filter(incoming=False).values_list("state", flat=True)) == [State.CONFIRMED] * 2
    # A task handed the same message again (a redelivered task) sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        for row in Iso18626Message.objects.filter(incoming=False):
            peer_messages.post_message(row.pk)
        peer_messages.send_due_messages(now=timezone.now() + timedelta(days=1))
    assert len(iso18626_peer.posts) == 2


def test_a_message_the_peer_refuses_is_shown_and_can_be_sent_again(
    kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    iso18626_peer.error = ErrorData(error_type=ErrorType.UNRECOGNISED_DATA_VALUE, error_value="Unknown request")
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, from_peer, "accept")

    row = Iso18626Message.objects.get(incoming=False)
    assert row.state == State.REFUSED and "Unknown request" in row.error
    assert "<messageStatus>ERROR</messageStatus>" in row.confirmation

    iso18626_peer.error = None
    with django_capture_on_commit_callbacks(execute=True):
        response = kim_client.post(
            reverse("admin:ill_iso18626message_changelist"),
            {"action": "send_again", "_selected_action": [row.pk], "index": "0"},
        )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == State.CONFIRMED and row.attempts == 2
    assert [post.confirmation.is_ok for post in iso18626_peer.posts] == [False, True]


def test_messages_to_a_peer_that_is_off_are_held_until_it_is_on(
    kim_client, from_peer, royal_library, iso18626_peer, django_capture_on_commit_callbacks
):
    Iso18626Peer.objects.filter(pk=royal_library.pk).update(messages_on=False)
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, from_peer, "accept")
        peer_messages.send_due_messages()

    assert Iso18626Message.objects.get(incoming=False).state == State.HELD
    assert iso18626_peer.posts == []

    Iso18626Peer.objects.filter(pk=royal_library.pk).update(messages_on=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert peer_messages.send_due_messages() == 1

    assert [m.status_info.status for m in sent(iso18626_peer, 1)] == ["ExpectToSupply"]


def test_a_request_made_through_the_form_sends_no_message(
    kim_client, royal_library, iso18626_peer, django_capture_on_commit_callbacks
):
    ill_request = submit_ill_request(requesting_library=royal_library.institution)
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, ill_request, "accept")

    assert not Iso18626Message.objects.exists() and iso18626_peer.posts == []
    page = kim_client.get(change_url(ill_request)).content.decode()
    assert "Exchanged by ISO 18626" not in page and "iso18626_messages-group" not in page


def test_the_command_sends_what_is_due_as_beat_does(
    kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    iso18626_peer.go_down()
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, from_peer, "accept")
    Iso18626Message.objects.filter(incoming=False).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    iso18626_peer.come_up()
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_iso18626_messages", stdout=out)

    assert out.getvalue().strip() == "1 message(s) handed over to be sent."
    assert [m.status_info.status for m in sent(iso18626_peer, 1)] == ["ExpectToSupply"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_handed_the_same_message_at_once_send_it_once(client, royal_library, iso18626_peer):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks and serialises writers itself; CI runs this on PostgreSQL")
    answer(post(client, request_body()))
    ill_request = IllRequest.objects.get()
    # Held at first (messages off), so that no worker sends it before the two below are handed it at once.
    Iso18626Peer.objects.filter(pk=royal_library.pk).update(messages_on=False)
    with transaction.atomic():
        change = do_transition(ill_request, Status.EXPECT_TO_SUPPLY)
    row = Iso18626Message.objects.get(key=f"change:{change.pk}")
    assert row.state == State.HELD
    Iso18626Peer.objects.filter(pk=royal_library.pk).update(messages_on=True)
    Iso18626Message.objects.filter(pk=row.pk).update(state=State.PENDING)
    iso18626_peer.delay = 0.5
    start, states, errors = threading.Barrier(2), [], []

    def work():
        try:
            start.wait()
            states.append(peer_messages.post_message(row.pk))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The second finds it confirmed, or still being sent by the first.
    assert errors == [] and State.CONFIRMED in states and set(states) <= {State.CONFIRMED, State.SENDING}
    assert len(iso18626_peer.posts) == 1
    assert Iso18626Message.objects.get(pk=row.pk).attempts == 1


def test_the_same_request_sent_again_is_answered_with_the_same_ok_and_makes_nothing(
    client, royal_library, iso18626_peer, mailoutbox, django_capture_on_commit_callbacks
):
    body = request_body("DK-2026-0042")  # a peer that did not read NLK's answer sends the very same message
    with django_capture_on_commit_callbacks(execute=True):
        first = answer(post(client, body))
    ill_request = IllRequest.objects.get()
    assert Iso18626Message.objects.filter(incoming=True).count() == 1
    made = {
        "history": list(ill_request.history.values_list("pk", flat=True)),
        "sent": list(Iso18626Message.objects.filter(incoming=False).values_list("pk", flat=True)),
        "outbox": list(OutboxEntry.objects.values_list("pk", flat=True)),
        "emails": len(mailoutbox),
        "version": ill_request.version,
    }

    with django_capture_on_commit_callbacks(execute=True):
        again = answer(post(client, body))

    assert again.header.message_status == MessageStatus.OK and again.error_data is None
    assert dataclasses.replace(again.header, timestamp=first.header.timestamp) == first.header
    assert (again.confirms, again.header.requesting_agency_request_id) == ("request", "DK-2026-0042")
    assert IllRequest.objects.get().pk == ill_request.pk
    assert {
        "history": list(ill_request.history.values_list("pk", flat=True)),
        "sent": list(Iso18626Message.objects.filter(incoming=False).values_list("pk", flat=True)),
        "outbox": list(OutboxEntry.objects.values_list("pk", flat=True)),
        "emails": len(mailoutbox),
        "version": IllRequest.objects.get().version,
    } == made
    # The message is kept once on the one request, counted as sent again, for staff to see the peer sent it twice.
    (kept,) = Iso18626Message.objects.filter(incoming=True)
    assert (kept.request_id, kept.resends) == (ill_request.pk, 1)


def test_a_request_id_sent_again_for_another_item_is_answered_error_and_makes_nothing(
    client, royal_library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, request_body("DK-2026-0042")))
    rows = Iso18626Message.objects.count()
    other = dataclasses.replace(make_request().bibliographic_info, title_of_component="Another article")

    refused = answer(post(client, request_body("DK-2026-0042", bibliographic_info=other)))

    assert refused.header.message_status == MessageStatus.ERROR
    assert refused.header.requesting_agency_request_id == "DK-2026-0042"
    assert refused.error_data.error_type == ErrorType.UNRECOGNISED_DATA_VALUE
    assert "DK-2026-0042 was sent before with other details" in refused.error_data.error_value
    assert IllRequest.objects.count() == 1 and Iso18626Message.objects.count() == rows
    assert IllRequest.objects.get().article_title == make_request().bibliographic_info.title_of_component
