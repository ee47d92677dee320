"""The endpoint reads UTF-8 only, and nothing it or NLK's other parsers read ever opens a file, a device or
a URL: a body that names one is answered at once, the same whether the file exists or not."""

import errno
import os
import re
import threading

import pytest
from django.test import Client
from lxml import etree

from ill.iso18626 import client as iso_client
from ill.iso18626.encode import build_message
from ill.iso18626.errors import InvalidMessage
from ill.iso18626.parsing import make_parser
from ill.iso18626.vocabulary import ErrorType

from .examples import make_requesting_agency_message
from .partner import ENDPOINT, error_of, post

# Generous: only a parser that blocks on a file or spins on a device ever comes near it.
HANG = 10
MESSAGE = build_message(make_requesting_agency_message()).split(b"?>", 1)[1].decode()
TIMESTAMPS = re.compile(rb"<(ill:)?(timestamp|timestampReceived)>[^<]*<")


def post_in_time(body: bytes, *, release=None):
    """POST a body to the real endpoint (Django's test client) in a thread; its response, or a failure
    if it has not answered within HANG seconds (after `release()`, which lets a blocked parser go)."""
    answered = {}

    def send():
        answered["response"] = Client().post(ENDPOINT, body, content_type="application/xml")

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    thread.join(HANG)
    if thread.is_alive():
        if release:
            release()
            thread.join(HANG)
        pytest.fail(f"the endpoint did not answer within {HANG} s")
    return answered["response"]


def fifo(tmp_path):
    """A named pipe nobody writes to: opening it to read blocks until someone opens it to write."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def was_opened_for_reading(path) -> bool:
    """Whether a reader holds the pipe open: opening its write end without blocking fails (ENXIO) if none does."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as error:
        assert error.errno == errno.ENXIO, error
        return False
    os.close(descriptor)  # the reader now reads the end of the pipe and goes on
    return True


def release(path):
    return lambda: was_opened_for_reading(path)


def without_time(content: bytes) -> bytes:
    return TIMESTAMPS.sub(rb"<\2>-<", content)


def external_subset(system_id: str) -> str:
    return f'<!DOCTYPE ISO18626Message SYSTEM "{system_id}">{MESSAGE}'


def parameter_entity(system_id: str) -> str:
    return f'<!DOCTYPE ISO18626Message [<!ENTITY % x SYSTEM "{system_id}"> %x;]>{MESSAGE}'


def utf32(document: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-32"?>{document}'.encode("utf-32")


def utf8(document: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>{document}'.encode()


def ucs4_2143(document: str) -> bytes:
    """UCS-4 in the unusual byte order 2143, with its mark."""
    data = document.encode("utf-32-be")
    return b"\x00\x00\xff\xfe" + b"".join(data[i + 1:i + 2] + data[i:i + 1] + data[i + 3:i + 4] + data[i + 2:i + 3]
                                          for i in range(0, len(data), 4))


BODIES = {
    "UTF-32, external subset": lambda url: utf32(external_subset(url)),
    "UTF-32, parameter entity": lambda url: utf32(parameter_entity(url)),
    "UTF-32 without its mark": lambda url: parameter_entity(url).encode("utf-32-le"),
    "UCS-4 2143": lambda url: ucs4_2143(parameter_entity(url)),
    "UTF-16 BE": lambda url: parameter_entity(url).encode("utf-16"),
    "UTF-8, external subset": lambda url: utf8(external_subset(url)),
    "UTF-8, parameter entity": lambda url: utf8(parameter_entity(url)),
}


@pytest.mark.parametrize("build", BODIES.values(), ids=BODIES.keys())
def test_a_body_naming_a_file_is_answered_at_once_without_opening_it(tmp_path, build):
    pipe = fifo(tmp_path)

    response = post_in_time(build(pipe.as_uri()), release=release(pipe))

    assert not was_opened_for_reading(pipe)
    assert error_of(response)[0] == ErrorType.BADLY_FORMED_MESSAGE


@pytest.mark.parametrize("build", BODIES.values(), ids=BODIES.keys())
def test_the_answer_is_the_same_for_a_file_that_exists_and_one_that_does_not(build):
    exists = post_in_time(build("file:///etc/passwd"))
    missing = post_in_time(build("file:///etc/no-such-file-here"))

    assert exists.status_code == missing.status_code == 200
    assert without_time(exists.content) == without_time(missing.content)
    assert b"passwd" not in exists.content and b"root" not in exists.content


@pytest.mark.parametrize("build", BODIES.values(), ids=BODIES.keys())
def test_an_entity_naming_an_endless_device_is_answered_at_once(build):
    assert error_of(post_in_time(build("file:///dev/zero")))[0] == ErrorType.BADLY_FORMED_MESSAGE


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0" encoding="UTF-16"?>' + MESSAGE,
        "<?xml version='1.0' encoding='ISO-8859-1'?>" + MESSAGE,
        '<?xml version="1.0" encoding="EUC-KR"?>' + MESSAGE,
    ],
    ids=["UTF-16", "Latin-1", "EUC-KR"],
)
def test_another_declared_encoding_is_refused_even_in_ascii(body):
    error_type, value = error_of(post_in_time(body.encode("ascii")))

    assert error_type == ErrorType.BADLY_FORMED_MESSAGE and "UTF-8" in value


@pytest.mark.django_db
def test_utf8_is_taken_with_or_without_its_mark_and_in_any_case(client, royal_library):
    for body in (
        MESSAGE.encode(),
        b"\xef\xbb\xbf" + MESSAGE.encode(),
        b'<?xml version="1.0" encoding="utf-8"?>' + MESSAGE.encode(),
        b'\xef\xbb\xbf<?xml version="1.0" encoding="Utf-8"?>' + MESSAGE.encode(),
    ):
        # Read and understood: what is refused is the request it names, which NLK does not know.
        error_type, value = error_of(post(client, body))
        assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "names no request" in value, value


def test_invalid_utf8_is_refused():
    body = MESSAGE.replace("<note>", "<note>\xe9").encode("latin-1")

    error_type, value = error_of(post_in_time(body))

    assert error_type == ErrorType.BADLY_FORMED_MESSAGE and "UTF-8" in value


# The parsers themselves (the endpoint's, the client's, the schema's) open nothing, whatever they are handed.


@pytest.mark.parametrize("build", BODIES.values(), ids=BODIES.keys())
def test_the_parser_opens_no_file_whatever_the_encoding(tmp_path, build):
    pipe = fifo(tmp_path)
    outcome = {}

    def parse():
        try:
            etree.fromstring(build(pipe.as_uri()), make_parser())
        except Exception as error:  # noqa: BLE001 (any refusal will do: the file must stay unopened)
            outcome["error"] = error

    thread = threading.Thread(target=parse, daemon=True)
    thread.start()
    thread.join(HANG)
    opened = was_opened_for_reading(pipe)
    thread.join(HANG)

    assert not opened and not thread.is_alive()
    assert "error" in outcome


def test_the_clients_parser_opens_no_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")

    with pytest.raises(InvalidMessage) as refused:
        iso_client.find_message_type(utf32(parameter_entity(secret.as_uri())))

    assert "root" not in str(refused.value) and "secret" not in str(refused.value)

