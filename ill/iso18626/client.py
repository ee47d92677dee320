"""Posting an ISO 18626 message to a peer over HTTP and reading the confirmation it answers with."""

import http.client
import urllib.error
import urllib.parse
import urllib.request

from lxml import etree

from .documents import make_parser, read_max_bytes
from .errors import InvalidMessage, MessageError
from .messages import Confirmation
from .reader import parse_message
from .vocabulary import ErrorType, MessageType

DEFAULT_TIMEOUT = 30.0
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


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # Following a redirect would turn the POST into a GET and lose the message.
    def redirect_request(self, *args, **kwargs) -> None:
        return None


_opener = urllib.request.build_opener(_RefuseRedirects)


def send(
    url: str, body: bytes, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int | None = None
) -> Confirmation:
    """POST a built message to a peer's endpoint and return its OK confirmation.

    Raises TransportError when the peer is unreachable, times out or answers no
    confirmation (with its HTTP status), BadAnswer when its answer is not a valid
    confirmation of this message, ConfirmationError when it confirms with ERROR.
    The answer is read up to `max_bytes` (default: the setting ILL_ISO18626_MAX_BYTES).
    """
    sent_type = find_message_type(body)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise TransportError(f"{url!r} is not an http or https URL.")
    limit = read_max_bytes() if max_bytes is None else max_bytes
    request = urllib.request.Request(url, data=body, headers=HEADERS, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            status, answer = response.status, response.read(limit + 1)
    except urllib.error.HTTPError as error:
        status, answer = error.code, read_error_body(error, limit=limit)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise TransportError(f"{url}: {reason}") from error
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


def read_error_body(error: urllib.error.HTTPError, *, limit: int) -> bytes:
    """Return the body of an HTTP error answer (some peers send an ERROR confirmation with HTTP 400)."""
    try:
        return error.read(limit + 1) if error.fp is not None else b""
    except (OSError, http.client.HTTPException):
        return b""
    finally:
        error.close()


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
