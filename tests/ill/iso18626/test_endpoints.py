"""In production NLK posts to a peer only over https and only to public addresses (or a network listed in
ILL_ISO18626_ALLOWED_NETWORKS), checked on every address the host name resolves to, and connects to the
address it checked. The tests run with debug on, so each turns the production rule on itself."""

import socket
import threading
import types

import pytest
from django.db import transaction

from ill.iso18626.client import TransportError, send
from ill.iso18626.encode import build_message
from ill.models import Iso18626Message
from ill.services import peer_messages
from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory, submit_ill_request

from .examples import make_request, make_supplying_agency_message
from .peer import Peer
from .tls import make_certificate, server_context


@pytest.fixture
def public_only(settings):
    settings.ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS = True
    settings.ILL_ISO18626_ALLOWED_NETWORKS = []
    return settings


@pytest.fixture
def listener():
    """A TCP port on 127.0.0.1 that notes each connection made to it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    accepted, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield types.SimpleNamespace(port=server.getsockname()[1], accepted=accepted)
    stop.set()
    thread.join(5)
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture
def tls_peer(tmp_path, monkeypatch):
    """A peer serving https as `localhost`, with a certificate NLK trusts (through SSL_CERT_FILE)."""
    cert_path, key_path = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    names = []
    with Peer(tls=server_context(cert_path, key_path, names), host="localhost") as peer:
        peer.server_names = names
        yield peer


def test_a_peer_on_plain_http_is_refused_in_production(public_only, iso18626_peer):
    with pytest.raises(TransportError, match="not an https URL"):
        send(iso18626_peer.url, build_message(make_request()), timeout=5)

    assert iso18626_peer.posts == []


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "0x7f.1", "017700000001", "127.1", "[::ffff:127.0.0.1]"],
)
def test_a_loopback_address_however_written_is_never_connected_to(public_only, listener, host):
    with pytest.raises(TransportError) as refused:
        send(f"https://{host}:{listener.port}/iso18626/", build_message(make_request()), timeout=5)

    assert "is not allowed for a peer" in str(refused.value)
    assert str(listener.port) not in str(refused.value)
    assert listener.accepted == []


@pytest.mark.parametrize(
    "host",
    [
        "0.0.0.0", "[::]", "[::1]", "169.254.169.254", "10.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1",
        "224.0.0.1", "255.255.255.255", "240.0.0.1", "[fe80::1]", "[fc00::1]", "[ff02::1]",
        "[2002:7f00:1::1]", "[64:ff9b::a9fe:a9fe]", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]",
    ],
)
def test_private_local_and_reserved_addresses_are_refused_before_connecting(public_only, host):
    with pytest.raises(TransportError, match="is not allowed for a peer"):
        send(f"https://{host}:6379/iso18626/", build_message(make_request()), timeout=5)


def test_the_message_log_says_the_same_of_a_closed_and_an_open_internal_port(
    public_only, listener, db, django_capture_on_commit_callbacks, nlk_agency
):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    errors = []
    for port in (listener.port, closed_port):
        peer = Iso18626Peer.objects.create(
            institution=InstitutionFactory(), agency_id_type="ISIL", agency_id_value=f"XX-{port}",
            endpoint_url=f"https://127.0.0.1:{port}/iso18626/",
        )
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            row = peer_messages.queue(submit_ill_request(), peer, make_supplying_agency_message())
        row.refresh_from_db()
        assert row.state == Iso18626Message.State.RETRYING
        errors.append(row.error)

    assert errors == ["The address of 127.0.0.1 is not allowed for a peer."] * 2
    assert listener.accepted == []


def test_a_peer_on_a_listed_network_is_posted_to_over_https_by_its_name(public_only, tls_peer):
    public_only.ILL_ISO18626_ALLOWED_NETWORKS = ["10.0.0.0/8", "127.0.0.0/8"]

    confirmation = send(tls_peer.url, build_message(make_request()), timeout=5)

    assert confirmation.is_ok
    [post] = tls_peer.posts
    assert post.host == f"localhost:{tls_peer.port}" and tls_peer.server_names == ["localhost"]


def test_a_peer_on_a_network_not_listed_is_refused_however_good_its_certificate(public_only, tls_peer):
    public_only.ILL_ISO18626_ALLOWED_NETWORKS = ["10.0.0.0/8"]

    with pytest.raises(TransportError, match="is not allowed for a peer"):
        send(tls_peer.url, build_message(make_request()), timeout=5)

    assert tls_peer.posts == [] and tls_peer.server_names == []


def test_the_certificate_is_checked_for_the_peer_s_name(settings, tls_peer):
    # Debug on, no rule: the certificate is still verified, for the name the URL gives.
    url = tls_peer.url.replace("://localhost:", "://127.0.0.1:")

    with pytest.raises(TransportError, match="certificate"):
        send(url, build_message(make_request()), timeout=5)
