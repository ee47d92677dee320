"""One id per request, on every log line the request causes: in the web process and in the worker.

The proxy's id (REQUEST_ID_HEADER) is taken if it is sane, otherwise one is
made; the middleware keeps it in a context variable for the request and
echoes it in the response. RequestIdFilter puts it on every log record. The
outbox stores it on its rows and hands it to Celery as a task header; the
worker's task_prerun handler (nlk_portal.outbox.dispatch) sets it again for
the task.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

# Up to 128 letters, digits and . _ : -; anything else from the proxy is replaced by an id of our own.
SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
DEFAULT_HEADER = "X-Request-ID"

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current() -> str | None:
    """The id of the request (or task) this code runs for; None outside one."""
    return _current.get()


def use(request_id: str | None) -> Token:
    """Make `request_id` the current one; pass the token to `forget` to restore the one before."""
    return _current.set(request_id or None)


def forget(token: Token) -> None:
    _current.reset(token)


def sane(value: str | None) -> str | None:
    """`value` if it may be used as a request id, else None."""
    if value and SANE.fullmatch(value):
        return value
    return None


def new() -> str:
    return uuid.uuid4().hex


def header_name() -> str:
    return getattr(settings, "REQUEST_ID_HEADER", DEFAULT_HEADER) or DEFAULT_HEADER


class RequestIdMiddleware:
    """Takes the proxy's request id (or makes one), keeps it for the request's logs, echoes it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        header = header_name()
        request_id = sane(request.headers.get(header)) or new()
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the response is closed (request_finished): Django logs a 4xx or 5xx response
        # after the middleware has returned it.
        use(request_id)
        response = self.get_response(request)
        response[header] = request_id
        return response


@receiver(request_finished, dispatch_uid="request_id.finished")
def _request_finished(**kwargs: object) -> None:
    use(None)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on the record as `request_id` ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current() or "-"
        return True
