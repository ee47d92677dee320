"""The portal's own middleware: what no page can read is cleaned from, or refused at, the door."""

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBase, QueryDict

NUL = "\x00"


def _raw(meta: Mapping[str, Any], key: str, decoded: str) -> bytes:
    """The bytes of a WSGI variable (a str of bytes as ISO-8859-1); under ASGI, the text already decoded."""
    try:
        return meta.get(key, decoded).encode("iso-8859-1")
    except UnicodeEncodeError:
        return decoded.encode()


def readable(raw: bytes) -> bool:
    """Whether `raw`, percent-decoded, is UTF-8 text without a NUL byte."""
    data = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def without_nul(query_string: bytes) -> str:
    """The query string with every NUL removed from its names and values, encoded again."""
    cleaned = QueryDict(mutable=True)
    for name, values in QueryDict(query_string).lists():
        cleaned.setlist(name.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    return cleaned.urlencode()


class CleanRequests:
    """Answer 400 Bad Request to a path holding a NUL byte or bytes that are not UTF-8, and remove NULs
    from the query string, before any view, filter or search sends them to the database.

    PostgreSQL refuses a NUL in any text it is sent; a search or a filter typed with one is read without
    it. Bytes of a query string that are not UTF-8 Django reads as replacement characters, which every
    database takes; a path that is not UTF-8 is no address of ours.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not readable(_raw(request.META, "PATH_INFO", request.path_info)):
            raise BadRequest("The path holds a NUL byte or bytes that are not UTF-8.")
        query = _raw(request.META, "QUERY_STRING", "")
        if b"\x00" in unquote_to_bytes(query.replace(b"+", b" ")):
            request.META["QUERY_STRING"] = without_nul(query)
            # request.GET is read from QUERY_STRING the first time it is asked for.
            request.__dict__.pop("GET", None)
        return self.get_response(request)
