"""The portal's own middleware: requests whose path or query string no page could read are refused."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest


def _raw(meta, key, decoded):
    """The bytes of a WSGI variable (a str of bytes as ISO-8859-1); under ASGI, the text already decoded."""
    try:
        return meta.get(key, decoded).encode("iso-8859-1")
    except UnicodeEncodeError:
        return decoded.encode()


def readable(raw: bytes) -> bool:
    """Whether `raw`, percent-decoded, is UTF-8 text without a NUL byte.

    PostgreSQL refuses a NUL in any text it is sent, and Django reads bytes that are not UTF-8 as
    replacement characters that no reference, token or choice ever holds.
    """
    data = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RefuseUnreadableRequests:
    """Answer 400 Bad Request to a path or query string holding a NUL byte or bytes that are not UTF-8,
    before any view, filter or search sends it to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = _raw(request.META, "PATH_INFO", request.path_info)
        query = _raw(request.META, "QUERY_STRING", "")
        if not (readable(path) and readable(query)):
            raise BadRequest("The path or query string holds a NUL byte or bytes that are not UTF-8.")
        return self.get_response(request)
