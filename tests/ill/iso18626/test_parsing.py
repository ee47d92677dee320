import http.server
import threading
import time

import pytest

from ill.iso18626.encode import build_message
from ill.iso18626.errors import MessageError
from ill.iso18626.inbound import admit_message
from ill.iso18626.messages import Rejection
from ill.iso18626.parsing import DEFAULT_MAX_BYTES, parse_document
from ill.iso18626.vocabulary import ErrorType, MessageType

from .examples import make_request, make_requesting_agency_message

SECRET = "TOP-SECRET-MARKER-7b1f"

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{level} "' + f"&lol{level - 1 or ''};" * 10 + '">\n' for level in range(1, 10))
    + "]>\n<lolz>&lol9;</lolz>"
)


def xxe(system_id: str) -> str:
    """A requestingAgencyMessage whose note is an external entity: the classic XXE."""
    return f"""<?xml version="1.0" encoding="{{encoding}}"?>
<!DOCTYPE ISO18626Message [<!ENTITY secret SYSTEM "{system_id}">]>
<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"
    xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2">
  <requestingAgencyMessage><note>&secret;</note></requestingAgencyMessage>
</ISO18626Message>"""


def refuse(body: bytes) -> Rejection:
    rejection = admit_message(body, content_type="application/xml")
    assert isinstance(rejection, Rejection)
    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    return rejection


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def test_an_xml_bomb_is_refused_without_expanding_anything():
    started = time.monotonic()

    rejection = refuse(BILLION_LAUGHS.encode())

    assert time.monotonic() - started < 1
    assert "DOCTYPE" in rejection.error_value
    assert "lol" not in rejection.error_value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_external_entity_is_refused_without_reading_the_file(secret_file, encoding):
    body = xxe(secret_file.as_uri()).format(encoding=encoding).encode(encoding)

    rejection = refuse(body)

    # A UTF-16 body is refused for its encoding before anything else is looked at.
    assert ("DOCTYPE" if encoding == "utf-8" else "UTF-8") in rejection.error_value
    assert SECRET not in repr(rejection)


def test_the_parser_itself_reads_no_file_when_a_doctype_gets_past_the_first_look(secret_file):
    # UTF-32 is not among the encodings looked at before parsing, so this reaches
    # the parser: it must neither read the file nor let the document through.
    body = xxe(secret_file.as_uri()).format(encoding="UTF-32").encode("utf-32")

    with pytest.raises(MessageError) as refused:
        parse_document(body)

    assert refused.value.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert SECRET not in str(refused.value)


def test_the_parser_expands_no_bomb_that_gets_past_the_first_look():
    started = time.monotonic()

    with pytest.raises(MessageError):
        parse_document(BILLION_LAUGHS.replace('<?xml version="1.0"?>', "").encode("utf-32"))

    assert time.monotonic() - started < 1


def test_the_parser_fetches_nothing_from_the_network():
    fetched = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            fetched.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(SECRET.encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/evil"
        for body in (
            xxe(url).format(encoding="UTF-32").encode("utf-32"),
            f'<?xml version="1.0" encoding="UTF-32"?><!DOCTYPE r SYSTEM "{url}.dtd"><r/>'.encode("utf-32"),
        ):
            with pytest.raises(MessageError):
                parse_document(body)
    finally:
        server.shutdown()
        server.server_close()
    assert fetched == []


@pytest.mark.parametrize(
    "body",
    [
        b'<!DOCTYPE ISO18626Message><ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"/>',
        b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://example.org/r.dtd"><r/>',
        b"\xef\xbb\xbf<!DOCTYPE r [<!ELEMENT r ANY>]><r/>",
    ],
    ids=["plain", "external DTD", "internal subset after a UTF-8 mark"],
)
def test_any_doctype_is_refused(body):
    assert "DOCTYPE" in refuse(body).error_value


def test_a_body_over_the_limit_is_refused_unread():
    body = build_message(make_requesting_agency_message()).ljust(DEFAULT_MAX_BYTES + 1, b" ")

    rejection = refuse(body)

    assert rejection.error_value == f"The message is larger than {DEFAULT_MAX_BYTES} bytes."
    # Its type still shows at the start, so the answer is its confirmation.
    assert rejection.confirmation.confirms == MessageType.REQUESTING_AGENCY_MESSAGE


def test_the_limit_is_the_setting(settings):
    body = build_message(make_request())
    settings.ILL_ISO18626_MAX_BYTES = len(body) - 1

    assert refuse(body).error_value == f"The message is larger than {len(body) - 1} bytes."

    settings.ILL_ISO18626_MAX_BYTES = len(body)
    assert admit_message(body, content_type="text/xml") == make_request()


def test_deep_nesting_is_refused():
    body = b"<a>" * 5000 + b"</a>" * 5000

    assert "not well-formed" in refuse(body).error_value
