"""A partner ILL system for tests: an HTTP server on 127.0.0.1 keeping and confirming what is posted to it."""

import http.server
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Self

from lxml import etree

from ill.iso18626.encode import build_message
from ill.iso18626.inbound import admit_message
from ill.iso18626.messages import Confirmation, ErrorData, Message, Rejection, make_confirmation
from ill.iso18626.parsing import SCHEMA_PATH

PATH = "/iso18626/"


@dataclass
class Post:
    """One post the peer received, and what it answered."""

    body: bytes
    content_type: str
    status: int  # the HTTP status answered
    host: str = ""  # the Host header it came with
    schema_errors: list[str] = field(default_factory=list)
    message: Message | None = None  # the message read, when it was one
    confirmation: Confirmation | None = None  # the confirmation answered, when one was

    @property
    def is_valid(self) -> bool:
        return not self.schema_errors


def load_schema() -> etree.XMLSchema:
    """Return the vendored schema, compiled by lxml without the code under test."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def find_schema_errors(schema: etree.XMLSchema, body: bytes) -> list[str]:
    """Return why a body does not validate against the schema; none when it does."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        document = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        return [f"not well-formed: {error}"]
    if schema.validate(document):
        return []
    return [entry.message for entry in schema.error_log]


class Peer:
    """The test peer; use it as a context manager (the `iso18626_peer` fixture does).

    Each post is checked against the vendored schema with lxml directly (not through
    the code under test) and answered, as a peer does, with the matching confirmation:
    OK by default, ERROR when `error` is set, BadlyFormedMessage and the like when the
    post is bad. It can also be slow (`delay`), answer the next posts with an HTTP
    error instead (`fail_next`), or refuse connections altogether (`go_down`/`come_up`).
    """

    def __init__(self, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self.tls, self.host = tls, host  # with `tls`, an https peer, its URL naming `host`
        self.posts: list[Post] = []
        self.error: ErrorData | None = None  # answer ERROR with this instead of OK
        self._refusals: list[ErrorData] = []  # answer the next messages ERROR with these, one each
        self.delay = 0.0  # seconds to wait before answering
        self._failures: list[int] = []  # HTTP statuses to answer the next posts with
        self._lock = threading.Condition()
        self._schema = load_schema()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    def __enter__(self) -> Self:
        self.come_up()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopping.set()
        self.go_down()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}{PATH}"

    @property
    def messages(self) -> list[Message]:
        """The messages received and confirmed OK, in order."""
        with self._lock:
            return [
                post.message
                for post in self.posts
                if post.message is not None and post.confirmation is not None and post.confirmation.is_ok
            ]

    def fail_next(self, count: int = 1, *, status: int = 503) -> None:
        """Answer the next `count` posts with this HTTP status and no confirmation (they are still kept)."""
        with self._lock:
            self._failures.extend([status] * count)

    def refuse_next(self, error: ErrorData, count: int = 1) -> None:
        """Answer the next `count` messages ERROR with `error`, then OK again (or `error` when set)."""
        with self._lock:
            self._refusals.extend([error] * count)

    def go_down(self) -> None:
        """Stop listening: connections are refused until `come_up`."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            self._thread.join()

    def come_up(self) -> None:
        """Listen again, on the same port once one was given."""
        handler = type("Handler", (_Handler,), {"peer": self})
        server = _Server(("127.0.0.1", self.port), handler)
        self.port = server.server_address[1]
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"iso18626-peer-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def wait_for_posts(self, count: int, *, timeout: float = 5.0) -> list[Post]:
        """Return the posts once there are at least `count`; fail the test if they do not come in time."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.posts) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"The peer received {len(self.posts)} posts, not {count}, in {timeout}s."
                    )
                self._lock.wait(remaining)
            return list(self.posts)

    def answer(self, body: bytes, content_type: str, host: str = "") -> tuple[int, bytes]:
        """Keep a post and return the HTTP status and body to answer it with."""
        if self.delay:
            self._stopping.wait(self.delay)
        post = Post(body=body, content_type=content_type, status=200, host=host)
        post.schema_errors = find_schema_errors(self._schema, body)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            post.status = failure
            answer = b"Service Unavailable"
        else:
            result = admit_message(body, content_type=content_type)
            if isinstance(result, Rejection):
                post.confirmation = result.confirmation
            else:
                post.message = result
                with self._lock:
                    error = self._refusals.pop(0) if self._refusals else self.error
                post.confirmation = make_confirmation(result, error=error)
            answer = build_message(post.confirmation)
        with self._lock:
            self.posts.append(post)
            self._lock.notify_all()
        return post.status, answer


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address) -> None:
        # A client that gave up waiting (a timeout test) leaves a broken pipe behind: not news.
        pass


class _Handler(http.server.BaseHTTPRequestHandler):
    peer: Peer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        if self.path != PATH:
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        status, answer = self.peer.answer(
            self.rfile.read(length), self.headers.get("Content-Type", ""), self.headers.get("Host", "")
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/xml; charset=utf-8" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args) -> None:  # keep the test output quiet
        pass
