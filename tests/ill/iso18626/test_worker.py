"""With a real Celery worker on Redis, as in production: a peer's request in, staff's changes out, and a
peer that was down gets its message once when it is back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ill.models import IllRequest, Iso18626Message
from ill.services import peer_messages
from tests.ill.worker_helpers import wait_for

from .partner import answer, post, request_body

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
State = Iso18626Message.State


def accept(client, ill_request, action="accept", **data):
    shown = IllRequest.objects.get(pk=ill_request.pk).version
    url = reverse("admin:ill_illrequest_staff_action", args=[ill_request.pk, action])
    assert client.post(url, {f"version_{ill_request.pk}": shown, "confirm": "1", **data}).status_code == 302


def states():
    return list(Iso18626Message.objects.filter(incoming=False).order_by("id").values_list("state", flat=True))


def test_the_worker_delivers_each_change_to_the_peer_once_even_after_it_was_down(
    client, kim_client, celery_worker, royal_library, iso18626_peer
):
    assert answer(post(client, request_body())).is_ok
    ill_request = IllRequest.objects.get()

    accept(kim_client, ill_request)
    wait_for(lambda: states() == [State.CONFIRMED], what="the first message confirmed")

    iso18626_peer.go_down()
    accept(kim_client, ill_request, "will_supply", **{f"total_pages_{ill_request.pk}": "300"})
    wait_for(lambda: states() == [State.CONFIRMED, State.RETRYING], what="the second message to wait")

    iso18626_peer.come_up()
    peer_messages.send_due_messages(now=timezone.now() + timedelta(minutes=2))
    wait_for(lambda: states() == [State.CONFIRMED, State.CONFIRMED], what="the second message confirmed")

    posts = iso18626_peer.wait_for_posts(2)
    assert [p.message.status_info.status for p in posts] == ["ExpectToSupply", "WillSupply"]
    assert all(p.is_valid and p.confirmation.is_ok for p in posts)
    assert peer_messages.send_due_messages(now=timezone.now() + timedelta(days=1)) == 0
    assert len(iso18626_peer.posts) == 2
