"""A message the peer refuses holds every later message about the same request, so that the peer never sees
the request's status go backwards or skip one; staff send it again, or drop it and let the next one go."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ill.iso18626.messages import ErrorData
from ill.iso18626.vocabulary import ErrorType
from ill.models import IllRequest, Iso18626Message
from ill.services import peer_messages

from .partner import change_url
from .test_supplying import act

pytestmark = pytest.mark.django_db
State = Iso18626Message.State
UNKNOWN = ErrorData(error_type=ErrorType.UNRECOGNISED_DATA_VALUE, error_value="Unknown request <b>id</b>")


def work_the_copy(kim_client, ill_request, capture):
    """Accept, will supply, copy completed: three messages to the peer, in that order."""
    with capture(execute=True):
        act(kim_client, ill_request, "accept")
        act(kim_client, ill_request, "will_supply", **{f"total_pages_{ill_request.pk}": "300"})
        act(kim_client, ill_request, "copy_completed", **{f"pages_copied_{ill_request.pk}": "19"})


def answer_refused(client, ill_request, message, choice):
    url = reverse("admin:ill_illrequest_iso18626_refused", args=[ill_request.pk])
    return client.post(url, {"message": message.pk, "choice": choice})


def outgoing():
    return list(Iso18626Message.objects.filter(incoming=False).order_by("id"))


def test_a_refused_message_holds_the_later_ones_until_staff_send_it_again(
    kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    iso18626_peer.refuse_next(UNKNOWN)
    work_the_copy(kim_client, from_peer, django_capture_on_commit_callbacks)

    # The peer saw the first message only, refused; the later two wait, even for beat's sweep.
    assert [post.confirmation.is_ok for post in iso18626_peer.posts] == [False]
    refused, *later = outgoing()
    assert refused.state == State.REFUSED and [row.state for row in later] == [State.WAITING] * 2
    with django_capture_on_commit_callbacks(execute=True):
        assert peer_messages.send_due_messages(now=timezone.now() + timedelta(hours=2)) == 0
    assert len(iso18626_peer.posts) == 1

    page = kim_client.get(change_url(from_peer)).content.decode()
    assert "The peer refused NLK's ISO 18626 message RequestResponse (ExpectToSupply)." in page
    assert "Unknown request &lt;b&gt;id&lt;/b&gt;" in page and "<b>id</b>" not in page
    assert "2 later messages wait for it" in page
    assert 'value="send_again"' in page and 'value="drop"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = answer_refused(kim_client, from_peer, refused, "send_again")
    assert response.status_code == 302

    statuses = [post.message.status_info.status for post in iso18626_peer.wait_for_posts(4)]
    assert statuses == ["ExpectToSupply", "ExpectToSupply", "WillSupply", "CopyCompleted"]
    assert [row.state for row in outgoing()] == [State.CONFIRMED] * 3
    assert "The peer refused" not in kim_client.get(change_url(from_peer)).content.decode()


def test_staff_drop_a_refused_message_and_the_next_one_goes(
    kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    iso18626_peer.refuse_next(UNKNOWN)
    work_the_copy(kim_client, from_peer, django_capture_on_commit_callbacks)
    refused = outgoing()[0]

    with django_capture_on_commit_callbacks(execute=True):
        answer_refused(kim_client, from_peer, refused, "drop")

    posts = iso18626_peer.wait_for_posts(3)
    assert [post.message.status_info.status for post in posts] == ["ExpectToSupply", "WillSupply", "CopyCompleted"]
    assert [post.confirmation.is_ok for post in posts] == [False, True, True]
    assert [row.state for row in outgoing()] == [State.DROPPED, State.CONFIRMED, State.CONFIRMED]
    # A dropped message is never sent again, by staff's retry or by beat.
    with django_capture_on_commit_callbacks(execute=True):
        assert peer_messages.send_again([refused]) == 0
        peer_messages.send_due_messages(now=timezone.now() + timedelta(hours=2))
    assert len(iso18626_peer.posts) == 3
    page = kim_client.get(change_url(from_peer)).content.decode()
    assert "The peer refused" not in page and "Dropped by staff: not sent" in page
    assert IllRequest.objects.get(pk=from_peer.pk).status == "CopyCompleted"


def test_the_message_list_drops_a_refused_message_too(
    kim_client, from_peer, iso18626_peer, django_capture_on_commit_callbacks
):
    iso18626_peer.refuse_next(UNKNOWN)
    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, from_peer, "accept")
        act(kim_client, from_peer, "will_supply", **{f"total_pages_{from_peer.pk}": "300"})
    with django_capture_on_commit_callbacks(execute=True):
        response = kim_client.post(
            reverse("admin:ill_iso18626message_changelist"),
            {"action": "drop", "_selected_action": [outgoing()[0].pk], "index": "0"},
        )
    assert response.status_code == 302, response.content.decode()[:3000]

    assert [row.state for row in outgoing()] == [State.DROPPED, State.CONFIRMED]
    assert [m.status_info.status for m in iso18626_peer.messages] == ["WillSupply"]
