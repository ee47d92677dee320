"""A peer that accepts a connection and never answers, or answers a byte at a time, ties up nothing for long:
each post ends by its deadline, at most ILL_ISO18626_PEER_SENDS messages to one peer are in flight at once,
and messages to the other peers go out meanwhile, through the tasks as production runs them."""

import socket
import threading
import types

import pytest
from django.db import connection, transaction

from ill import tasks
from ill.iso18626.client import TransportError, send
from ill.iso18626.encode import build_message
from ill.models import Iso18626Message
from ill.services import peer_messages
from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory, submit_ill_request

from .examples import make_request, make_supplying_agency_message

State = Iso18626Message.State
# Only against hanging forever: every wait below is many times the deadlines the tests set.
GUARD = 60


@pytest.fixture
def silent_peer():
    """A server on 127.0.0.1 that accepts connections and answers nothing, or (with `trickle`) one byte a while."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    state = types.SimpleNamespace(
        url=f"http://127.0.0.1:{server.getsockname()[1]}/iso18626/", accepted=[], trickle=None,
        connected=threading.Event(), cut_off=threading.Event(), stop=threading.Event(),
    )

    def answer(client):
        if state.trickle is None:
            return
        try:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n" + b" " * 1000:
                client.sendall(bytes([byte]))
                if state.stop.wait(state.trickle):
                    return
        except OSError:
            state.cut_off.set()

    def serve():
        while not state.stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            state.accepted.append(client)
            state.connected.set()
            threading.Thread(target=answer, args=(client,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield state
    state.stop.set()
    thread.join(GUARD)
    for client in state.accepted:
        client.close()
    server.close()


def in_thread(target, *args):
    outcome = {}

    def run():
        try:
            outcome["value"] = target(*args)
        except Exception as error:  # examined by the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.outcome = outcome
    return thread


def test_a_peer_that_trickles_its_answer_is_cut_off_at_the_deadline(silent_peer):
    # Each byte comes well within a socket timeout; only a deadline for the whole post ends it.
    silent_peer.trickle = 0.2

    sending = in_thread(lambda: send(silent_peer.url, build_message(make_request()), timeout=1.0))
    sending.join(GUARD)

    assert not sending.is_alive(), "the post went on long past its deadline"
    assert isinstance(sending.outcome.get("error"), TransportError)
    assert "timed out" in str(sending.outcome["error"])
    assert silent_peer.cut_off.wait(GUARD)


@pytest.mark.django_db(transaction=True)
def test_a_hanging_peer_holds_its_own_messages_and_the_others_go_out(
    settings, royal_library, iso18626_peer, silent_peer
):
    settings.ILL_ISO18626_TIMEOUT = 3
    settings.ILL_ISO18626_PEER_SENDS = 1
    hanging = Iso18626Peer.objects.create(
        institution=InstitutionFactory(name_en="Hanging Library"), agency_id_type="ISIL",
        agency_id_value="XX-HANG", endpoint_url=silent_peer.url,
    )
    requests = [submit_ill_request() for _ in range(3)]

    def queue(ill_request, peer):
        # As the services queue a message: stored in a transaction, its task named and run after commit.
        with transaction.atomic():
            return peer_messages.queue(ill_request, peer, make_supplying_agency_message()).pk

    # The first message to the hanging peer is being sent (and hangs) in a worker of its own.
    first_hanging = in_thread(queue, requests[0], hanging)
    assert silent_peer.connected.wait(GUARD)

    # Meanwhile another to it is queued, and one to the healthy peer; and beat's sweep runs.
    second_hanging = queue(requests[1], hanging)
    healthy = queue(requests[2], royal_library)
    tasks.send_due_iso18626_messages.delay()

    assert first_hanging.is_alive()
    assert Iso18626Message.objects.get(pk=healthy).state == State.CONFIRMED
    assert len(iso18626_peer.wait_for_posts(1)) == 1
    # The hanging peer has as many sends in flight as it may: the second waits, never connected.
    assert Iso18626Message.objects.get(pk=second_hanging).state == State.RETRYING
    assert Iso18626Message.objects.get(pk=second_hanging).attempts == 0
    assert len(silent_peer.accepted) == 1

    first_hanging.join(GUARD)
    assert not first_hanging.is_alive(), "the post to the hanging peer went on long past its deadline"
    row = Iso18626Message.objects.get(pk=first_hanging.outcome["value"])
    assert (row.state, row.attempts) == (State.RETRYING, 1)
    assert "timed out" in row.error
