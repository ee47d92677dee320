"""The ISO 18626 XML schema, version 1.2 from the standard's maintenance agency, loaded once per process."""

import functools
import threading
from pathlib import Path

from lxml import etree

from .documents import make_parser
from .vocabulary import NAMESPACE

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
