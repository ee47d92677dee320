"""Bytes to a safe document, and a document checked against the schema: UTF-8 only, bounded in size, no
DTD, no entity expansion, no external resource (file or network) ever opened, and the ISO 18626 XML
schema, version 1.2, loaded once per process."""

import functools
import re
import threading
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from lxml import etree

from .errors import MessageError
from .vocabulary import NAMESPACE, ErrorType

DEFAULT_MAX_BYTES = 1024 * 1024

UTF8_BOM = b"\xef\xbb\xbf"
# Byte order marks of every other encoding a parser would detect by itself (XML 1.0, appendix F):
# UTF-32 and UCS-4 in each byte order first, since a UTF-32 LE mark begins with UTF-16 LE's.
OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "UTF-32 BE"),
    (b"\x00\x00\xff\xfe", "UCS-4 (2143)"),
    (b"\xfe\xff\x00\x00", "UCS-4 (3412)"),
    (b"\xff\xfe", "UTF-16 LE"),
    (b"\xfe\xff", "UTF-16 BE"),
)
# The encoding named by the XML declaration, if any (the declaration is ASCII in any ASCII-compatible encoding).
DECLARED_ENCODING = re.compile(rb"\A<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
# A document type declaration is what entity attacks (billion laughs, external entities reading
# files or URLs) need, and no ISO 18626 message has one: once the body is known to be UTF-8, one
# look at its bytes finds any, and the parser refuses any it finds besides.
DOCTYPE_MARK = b"<!DOCTYPE"


def read_max_bytes() -> int:
    """Return the largest body accepted, from the setting ILL_ISO18626_MAX_BYTES (1 MiB by default)."""
    return int(getattr(settings, "ILL_ISO18626_MAX_BYTES", DEFAULT_MAX_BYTES))


class ExternalResourceRefused(ValueError):
    """The parser was asked to open something outside the document (a DTD, an entity, an XInclude)."""


class RefuseEverything(etree.Resolver):  # type: ignore[misc]  # lxml has no type information
    """Answers every request of the parser for an external resource with a refusal, so libxml2 opens
    no file, device or URL of any kind, whatever the document or its encoding asks for."""

    def resolve(self, url: str | None, public_id: str | None, context: object) -> NoReturn:
        raise ExternalResourceRefused("An external resource is not allowed.")


def make_parser() -> etree.XMLParser:
    """Return a parser that reads UTF-8 only, reads no DTD, expands no entity and opens no file or URL."""
    parser = etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        collect_ids=False,
    )
    parser.resolvers.add(RefuseEverything())
    return parser


def check_encoding(body: bytes) -> None:
    """Raise MessageError(BadlyFormedMessage) unless the body is UTF-8 (with or without its byte order
    mark) and declares no other encoding."""
    for mark, name in OTHER_BOMS:
        if body.startswith(mark):
            raise MessageError(
                ErrorType.BADLY_FORMED_MESSAGE, f"The message must be encoded in UTF-8, not {name}."
            )
    text = body.removeprefix(UTF8_BOM)
    declared = DECLARED_ENCODING.match(text)
    if declared and declared.group(1).strip().lower() != b"utf-8":
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE,
            "The message must be encoded in UTF-8 and declare no other encoding "
            f"(it declares {declared.group(1)[:40].decode('ascii', 'replace')!r}).",
        )
    try:
        text.decode("utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, f"The message is not valid UTF-8 (byte {error.start})."
        ) from None
    if b"\x00" in text:
        # No XML document holds a NUL; a body full of them is UTF-16 or UTF-32 without its mark.
        raise MessageError(ErrorType.BADLY_FORMED_MESSAGE, "The message must be encoded in UTF-8.")


def parse_document(body: bytes, *, max_bytes: int | None = None) -> etree._Element:
    """Return the root element of a body, or raise MessageError(BadlyFormedMessage).

    Refused: a body over `max_bytes` (default: the setting), a body that is not UTF-8, any
    document type declaration, and anything that is not well-formed XML.
    """
    limit = read_max_bytes() if max_bytes is None else max_bytes
    if len(body) > limit:
        raise MessageError(ErrorType.BADLY_FORMED_MESSAGE, f"The message is larger than {limit} bytes.")
    if not body.strip():
        raise MessageError(ErrorType.BADLY_FORMED_MESSAGE, "The message is empty.")
    check_encoding(body)
    if DOCTYPE_MARK in body:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, "A document type declaration (DOCTYPE) is not allowed."
        )
    root = read_xml(body)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, "A document type declaration (DOCTYPE) is not allowed."
        )
    return root


def read_xml(body: bytes) -> etree._Element:
    """Return the root of a UTF-8 body parsed with the safe parser; raise MessageError(BadlyFormedMessage)."""
    try:
        return etree.fromstring(body, make_parser())
    except ExternalResourceRefused as refusal:
        raise MessageError(ErrorType.BADLY_FORMED_MESSAGE, str(refusal)) from None
    except etree.XMLSyntaxError as error:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, f"The message is not well-formed XML: {error}"
        ) from None
    except ValueError as error:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, f"The message cannot be read as XML: {error}"
        ) from None


# What a kept message holds in place of a peer's security code.
WITHHELD = "(withheld)"


def canonical_form(body: bytes) -> bytes:
    """The form of a well-formed UTF-8 body that is kept: C14N 2.0, in UTF-8, without comments, processing
    instructions or whitespace-only text between elements; the text of elements as it was sent, but for
    a securityCode's, which is WITHHELD."""
    root = read_xml(body)
    for code in root.iter(f"{{{NAMESPACE}}}securityCode"):
        if code.text:
            code.text = WITHHELD
    for element in root.iter():
        # Whitespace between elements (the parser keeps some beside a removed comment) says nothing;
        # the text of an element without children is kept as it is, whitespace and all.
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element is not root and element.tail is not None and not element.tail.strip():
            element.tail = None
    canonical: bytes = etree.tostring(root, method="c14n2", with_comments=False)
    return canonical


# The schema.

# schema/ISO-18626-v1_2.xsd is https://illtransactions.org/schemas/ISO-18626-v1_2.xsd,
# published by the ISO 18626 maintenance agency (illtransactions.org), version 1.2 of
# November 2017, copied unchanged. It imports and includes no other schema, so
# nothing is ever fetched to use it.
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "ISO-18626-v1_2.xsd"
XSD = "{http://www.w3.org/2001/XMLSchema}"

# lxml's validators keep their error log on the validator object, so two threads
# validating with the one schema at once could read each other's errors.
_validation_lock = threading.Lock()


@functools.cache
def load_schema() -> etree.XMLSchema:
    """Return the compiled schema (parsed with the safe parser: no DTD, no entity, no file or URL opened)."""
    return etree.XMLSchema(read_schema_document())


def read_schema_document() -> etree._Element:
    """The schema's XML, read here and handed to the parser, which opens nothing itself."""
    return etree.fromstring(SCHEMA_PATH.read_bytes(), make_parser())


@functools.cache
def list_element_names() -> frozenset[str]:
    """Return every element name the schema declares, as `{namespace}name`."""
    document = read_schema_document()
    return frozenset(
        f"{{{NAMESPACE}}}{node.get('name')}" for node in document.iter(f"{XSD}element") if node.get("name")
    )


def find_schema_errors(root: etree._Element) -> list[etree._LogEntry]:
    """Return the schema's complaints about a document, in document order; none when it is valid."""
    schema = load_schema()
    with _validation_lock:
        if schema.validate(root):
            return []
        return list(schema.error_log)
