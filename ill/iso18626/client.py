"""Posting an ISO 18626 message to a peer over HTTP and reading the confirmation it answers with."""

import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterable, Sequence

from lxml import etree

from nlk_portal.core import endpoints

from .errors import InvalidMessage, MessageError
from .inbound import parse_message
from .messages import Confirmation
from .parsing import make_parser, read_max_bytes
from .vocabulary import ErrorType, MessageType

DEFAULT_TIMEOUT = 15.0
DEFAULT_CONNECT_TIMEOUT = 5.0
HEADERS = {"Content-Type": "application/xml; charset=utf-8", "Accept": "application/xml, text/xml"}


class DeliveryError(Exception):
    """A message was not confirmed OK."""


class TransportError(DeliveryError):
    """The peer could not be reached or did not answer with a confirmation: worth trying again later.

    `status` is the HTTP status the peer answered with, None when it answered nothing.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BadAnswer(DeliveryError):
    """The peer answered, but not with a valid confirmation of the message sent."""


class ConfirmationError(DeliveryError):
    """The peer confirmed the message with messageStatus ERROR: it refused it."""

    def __init__(self, confirmation: Confirmation) -> None:
        error = confirmation.error_data
        self.confirmation = confirmation
        self.error_type: ErrorType | None = error.error_type if error else None
        self.error_value: str = (error.error_value or "") if error else ""
        super().__init__(f"The peer answered ERROR: {self.error_type or 'no errorData'}: {self.error_value}")


class _Deadline:
    """The time left of one exchange with a peer: each socket operation may take only what is left, and a
    watchdog closes the connection when it is over, so a peer trickling its answer is cut off too."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def left(self) -> float:
        return max(self.ends - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        self._sock = sock
        if not self._timer.is_alive():
            self._timer.start()

    def _expire(self) -> None:
        self.expired = True
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self._timer.cancel()


def _open_socket(target: endpoints.Target, *, connect_timeout: float, deadline: _Deadline) -> socket.socket:
    sock = socket.socket(target.family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        deadline.watch(sock)
        sock.settimeout(min(connect_timeout, deadline.left()))
        sock.connect(target.sockaddr)
        sock.settimeout(deadline.left())
        return sock
    except BaseException:
        sock.close()
        raise


class _Connection(http.client.HTTPConnection):
    """Plain HTTP to the address checked, never to what the host name resolves to by then."""

    def __init__(
        self, host: str, port: int | None, *, targets: Sequence[endpoints.Target], connect_timeout: float,
        deadline: _Deadline,
    ) -> None:
        super().__init__(host, port, timeout=deadline.left())
        self._targets, self._connect_timeout, self._deadline = targets, connect_timeout, deadline

    def connect(self) -> None:
        self.sock = _connect_any(self._targets, connect_timeout=self._connect_timeout, deadline=self._deadline)


class _TlsConnection(http.client.HTTPSConnection):
    """HTTPS to the address checked; the certificate is verified for the host name, which SNI and Host carry."""

    def __init__(
        self, host: str, port: int | None, *, targets: Sequence[endpoints.Target], connect_timeout: float,
        deadline: _Deadline,
    ) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=deadline.left(), context=self._tls)
        self._targets, self._connect_timeout, self._deadline = targets, connect_timeout, deadline

    def connect(self) -> None:
        sock = _connect_any(self._targets, connect_timeout=self._connect_timeout, deadline=self._deadline)
        try:
            self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self._deadline.watch(self.sock)


def _connect_any(
    targets: Iterable[endpoints.Target], *, connect_timeout: float, deadline: _Deadline
) -> socket.socket:
    """A connection to the first of the checked addresses that answers."""
    error: OSError | None = None
    for target in targets:
        try:
            return _open_socket(target, connect_timeout=connect_timeout, deadline=deadline)
        except OSError as failed:
            error = failed
            if deadline.expired:
                break
    raise error or OSError("no address to connect to")


def send(
    url: str,
    body: bytes,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    max_bytes: int | None = None,
    policy: endpoints.Policy | None = None,
) -> Confirmation:
    """POST a built message to a peer's endpoint and return its OK confirmation.

    `timeout` is the deadline of the whole exchange (connecting, posting and reading the answer),
    `connect_timeout` the longest wait for the connection. The host name is resolved and each of its
    addresses checked against `policy` (default: the settings, see nlk_portal.core.endpoints) before
    anything is connected to, and the connection goes to an address checked. Redirects are not followed.
    Raises TransportError when the peer is unreachable, not allowed, times out or answers no
    confirmation (with its HTTP status), BadAnswer when its answer is not a valid
    confirmation of this message, ConfirmationError when it confirms with ERROR.
    The answer is read up to `max_bytes` (default: the setting ILL_ISO18626_MAX_BYTES).
    """
    sent_type = find_message_type(body)
    policy = policy or endpoints.Policy.from_settings()
    try:
        parts = policy.check_url(url)
    except endpoints.EndpointRefused as refused:
        raise TransportError(str(refused)) from None
    limit = read_max_bytes() if max_bytes is None else max_bytes
    deadline = _Deadline(timeout)
    try:
        targets = policy.resolve(url)
        kind = _TlsConnection if parts.scheme == "https" else _Connection
        host = parts.hostname or ""  # check_url refuses a URL without one
        connection = kind(host, parts.port, targets=targets, connect_timeout=connect_timeout,
                          deadline=deadline)
        try:
            path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
            connection.request("POST", path, body=body, headers=HEADERS)
            response = connection.getresponse()
            status, answer = response.status, response.read(limit + 1)
        finally:
            connection.close()
    except endpoints.EndpointRefused as refused:
        raise TransportError(str(refused)) from None
    except (http.client.HTTPException, OSError, ValueError) as error:
        reason = "timed out" if deadline.expired else (
            getattr(error, "verify_message", None) or getattr(error, "reason", None) or error
        )
        raise TransportError(f"{url}: {reason}") from error
    finally:
        deadline.stop()
    if deadline.expired:
        raise TransportError(f"{url}: timed out")
    return read_answer(answer, status=status, sent_type=sent_type, max_bytes=limit)


def find_message_type(body: bytes) -> MessageType:
    """Return the type of a message we built; raise InvalidMessage if it is none of the three."""
    try:
        root = etree.fromstring(body, make_parser())
        return MessageType(etree.QName(next(root.iterchildren("{*}*"))).localname)
    except (etree.XMLSyntaxError, StopIteration, ValueError) as error:
        raise InvalidMessage(
            f"Not a request, supplyingAgencyMessage or requestingAgencyMessage: {error}"
        ) from None


def read_answer(answer: bytes, *, status: int, sent_type: MessageType, max_bytes: int) -> Confirmation:
    """Return the OK confirmation in a peer's answer, or raise the DeliveryError that says what went wrong."""
    success = 200 <= status < 300
    try:
        confirmation = parse_message(answer, max_bytes=max_bytes)
    except MessageError as error:
        if not success:
            raise TransportError(
                f"The peer answered HTTP {status} without a confirmation.", status=status
            ) from None
        raise BadAnswer(f"The peer's answer is not a valid ISO 18626 message: {error.error_value}") from None
    if not isinstance(confirmation, Confirmation) or confirmation.confirms != sent_type:
        raise BadAnswer(
            f"The peer answered a {sent_type} with something other than its {sent_type.confirmation}."
        )
    if not confirmation.is_ok:
        raise ConfirmationError(confirmation)
    if not success:
        raise TransportError(f"The peer answered HTTP {status} with an OK confirmation.", status=status)
    return confirmation
