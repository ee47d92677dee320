"""Safe parsing of an XML body: bounded in size, no DTD, no entity expansion, no network or file access."""

from django.conf import settings
from lxml import etree

from .errors import MessageError
from .vocabulary import NAMESPACE, ErrorType

DEFAULT_MAX_BYTES = 1024 * 1024

# A document type declaration is what entity attacks (billion laughs, external
# entities reading files or URLs) need, and no ISO 18626 message has one, so a
# body that declares one is refused before the parser sees it, in the encodings a
# parser would detect without a declaration; the parser then refuses any it finds.
DOCTYPE_MARKS = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def read_max_bytes() -> int:
    """Return the largest body accepted, from the setting ILL_ISO18626_MAX_BYTES (1 MiB by default)."""
    return int(getattr(settings, "ILL_ISO18626_MAX_BYTES", DEFAULT_MAX_BYTES))


def make_parser() -> etree.XMLParser:
    """Return a parser that reads no DTD, expands no entity and touches no network or file."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        collect_ids=False,
    )


def parse_document(body: bytes, *, max_bytes: int | None = None) -> etree._Element:
    """Return the root element of a body, or raise MessageError(BadlyFormedMessage).

    Refused: a body over `max_bytes` (default: the setting), any document type
    declaration, and anything that is not well-formed XML.
    """
    limit = read_max_bytes() if max_bytes is None else max_bytes
    if len(body) > limit:
        raise MessageError(ErrorType.BADLY_FORMED_MESSAGE, f"The message is larger than {limit} bytes.")
    if not body.strip():
        raise MessageError(ErrorType.BADLY_FORMED_MESSAGE, "The message is empty.")
    if any(mark in body for mark in DOCTYPE_MARKS):
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, "A document type declaration (DOCTYPE) is not allowed."
        )
    try:
        root = etree.fromstring(body, make_parser())
    except etree.XMLSyntaxError as error:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, f"The message is not well-formed XML: {error}"
        ) from None
    except ValueError as error:  # e.g. an unknown encoding
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, f"The message cannot be read as XML: {error}"
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE, "A document type declaration (DOCTYPE) is not allowed."
        )
    return root


WITHHELD = "(withheld)"


def withhold_security_code(body: bytes) -> bytes:
    """The body with the text of every securityCode replaced by WITHHELD, to keep a peer's message without
    its code; a body with none is returned as it is. The body has been read safely before."""
    if b"securityCode" not in body and "securityCode".encode("utf-16-le") not in body \
            and "securityCode".encode("utf-16-be") not in body:
        return body
    root = etree.fromstring(body, make_parser())
    codes = [element for element in root.iter(f"{{{NAMESPACE}}}securityCode") if element.text]
    if not codes:
        return body
    for element in codes:
        element.text = WITHHELD
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
