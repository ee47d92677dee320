import http.server
import threading
import urllib.request

import pytest

from ill.iso18626.client import BadAnswer, ConfirmationError, TransportError, send
from ill.iso18626.encode import build_message
from ill.iso18626.errors import InvalidMessage
from ill.iso18626.inbound import parse_message
from ill.iso18626.messages import ErrorData, make_confirmation
from ill.iso18626.vocabulary import ErrorType, MessageStatus, MessageType

from .examples import make_request, make_requesting_agency_message, make_supplying_agency_message


@pytest.fixture
def canned():
    """A server answering every POST with `canned.answer` (status, content type, body): an odd peer."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            server.posts += 1
            status, content_type, body = server.answer
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if status in (301, 302, 303, 307, 308):
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.posts = 0
    server.url = f"http://127.0.0.1:{server.server_address[1]}/iso18626/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "message",
    [make_request(), make_supplying_agency_message(), make_requesting_agency_message()],
    ids=lambda message: message.message_type,
)
def test_a_message_sent_to_a_peer_arrives_valid_and_is_confirmed_ok(iso18626_peer, message):
    confirmation = send(iso18626_peer.url, build_message(message), timeout=5)

    assert confirmation.is_ok
    assert confirmation.confirms == message.message_type
    assert confirmation.header.requesting_agency_request_id == message.header.requesting_agency_request_id
    [post] = iso18626_peer.posts
    assert post.is_valid
    assert post.content_type == "application/xml; charset=utf-8"
    assert iso18626_peer.messages == [message]


def test_a_peer_that_answers_error_raises_a_confirmation_error(iso18626_peer):
    iso18626_peer.error = ErrorData(
        error_type=ErrorType.UNRECOGNISED_DATA_VALUE, error_value="requestingAgencyId: unknown"
    )

    with pytest.raises(ConfirmationError) as refused:
        send(iso18626_peer.url, build_message(make_request()), timeout=5)

    assert refused.value.error_type == ErrorType.UNRECOGNISED_DATA_VALUE
    assert refused.value.error_value == "requestingAgencyId: unknown"
    assert refused.value.confirmation.header.message_status == MessageStatus.ERROR
    assert iso18626_peer.messages == []


def test_a_peer_that_is_down_raises_a_transport_error_and_gets_the_message_when_it_is_back(iso18626_peer):
    body = build_message(make_supplying_agency_message())
    iso18626_peer.go_down()

    with pytest.raises(TransportError) as failed:
        send(iso18626_peer.url, body, timeout=5)
    assert failed.value.status is None
    assert "refused" in str(failed.value).lower()

    iso18626_peer.come_up()
    assert send(iso18626_peer.url, body, timeout=5).is_ok
    assert len(iso18626_peer.posts) == 1


def test_a_peer_answering_503_raises_a_transport_error_with_the_status(iso18626_peer):
    iso18626_peer.fail_next(2)
    body = build_message(make_requesting_agency_message())

    for _ in range(2):
        with pytest.raises(TransportError) as failed:
            send(iso18626_peer.url, body, timeout=5)
        assert failed.value.status == 503

    assert send(iso18626_peer.url, body, timeout=5).is_ok
    assert [post.status for post in iso18626_peer.posts] == [503, 503, 200]
    assert len(iso18626_peer.messages) == 1


def test_a_slow_peer_raises_a_transport_error_after_the_timeout(iso18626_peer):
    iso18626_peer.delay = 3

    with pytest.raises(TransportError, match="timed out"):
        send(iso18626_peer.url, build_message(make_request()), timeout=0.2)


def test_the_peer_answers_a_bad_post_with_an_error_confirmation(iso18626_peer):
    post = urllib.request.Request(
        iso18626_peer.url, data=b"<ISO18626Message", headers={"Content-Type": "text/xml"}, method="POST"
    )

    with urllib.request.urlopen(post, timeout=5) as answer:
        confirmation = parse_message(answer.read())

    assert confirmation.confirms == MessageType.REQUEST
    assert confirmation.error_data.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert not iso18626_peer.posts[0].is_valid


def test_an_error_confirmation_with_http_400_is_a_confirmation_error(canned):
    # Koha answers a refused message with HTTP 400 and the ERROR confirmation.
    message = make_requesting_agency_message()
    error = ErrorData(error_type=ErrorType.UNSUPPORTED_ACTION_TYPE, error_value="action: Cancel")
    canned.answer = (400, "application/xml", build_message(make_confirmation(message, error=error)))

    with pytest.raises(ConfirmationError) as refused:
        send(canned.url, build_message(message), timeout=5)

    assert refused.value.error_type == ErrorType.UNSUPPORTED_ACTION_TYPE


def test_an_http_error_without_a_confirmation_is_a_transport_error(canned):
    canned.answer = (500, "text/plain", b"Internal Server Error")

    with pytest.raises(TransportError) as failed:
        send(canned.url, build_message(make_request()), timeout=5)

    assert failed.value.status == 500


@pytest.mark.parametrize(
    "answer",
    [
        b"OK",
        b"<html><body>Welcome</body></html>",
        build_message(make_confirmation(make_request())),
    ],
    ids=["text", "html", "the confirmation of another message type"],
)
def test_an_answer_that_is_not_the_confirmation_of_the_message_is_a_bad_answer(canned, answer):
    canned.answer = (200, "application/xml", answer)

    with pytest.raises(BadAnswer):
        send(canned.url, build_message(make_supplying_agency_message()), timeout=5)


def test_a_redirect_is_not_followed(canned):
    canned.answer = (302, "text/plain", b"")

    with pytest.raises(TransportError) as failed:
        send(canned.url, build_message(make_request()), timeout=5)

    assert failed.value.status == 302
    assert canned.posts == 1


def test_an_answer_over_the_limit_is_a_bad_answer(canned):
    message = make_request()
    canned.answer = (200, "application/xml", build_message(make_confirmation(message)))

    with pytest.raises(BadAnswer, match="larger than 100 bytes"):
        send(canned.url, build_message(message), timeout=5, max_bytes=100)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/iso18626", "127.0.0.1:8000/iso18626/"]
)
def test_only_http_and_https_urls_are_posted_to(url):
    with pytest.raises(TransportError, match="not an http or https URL"):
        send(url, build_message(make_request()), timeout=5)


def test_only_a_message_is_sent():
    with pytest.raises(InvalidMessage):
        send("http://127.0.0.1:9/iso18626/", b"<not-a-message/>", timeout=5)
    with pytest.raises(InvalidMessage):
        send("http://127.0.0.1:9/iso18626/", build_message(make_confirmation(make_request())), timeout=5)
