"""Inbound: from a posted body to a message, or to the rejection that answers it (parsing, the schema and
decoding, in that order, with the checks the standard lets a receiver make)."""

import re
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from .decode import DECODERS, decode_confirmation
from .errors import MessageError
from .messages import (
    AgencyId,
    Confirmation,
    ConfirmationHeader,
    ErrorData,
    Message,
    Rejection,
    RequestingAgencyMessage,
    SupplyingAgencyMessage,
)
from .parsing import find_schema_errors, list_element_names, parse_document
from .timestamps import parse_timestamp
from .vocabulary import NAMESPACE, VERSION, Action, ErrorType, MessageStatus, MessageType, ReasonForMessage

XML_CONTENT_TYPES = frozenset({"application/xml", "text/xml"})
ROOT = f"{{{NAMESPACE}}}ISO18626Message"
VERSION_ATTRIBUTE = f"{{{NAMESPACE}}}version"
CONFIRMATIONS = {message_type.confirmation: message_type for message_type in MessageType}
# Where a body that is not well-formed still shows what it is: its first message element.
MESSAGE_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(request|supplyingAgencyMessage|requestingAgencyMessage)[\s/>]"
)
SCHEMA_ELEMENT = re.compile(r"^Element '([^']+)'")
ENUMERATION_VALUE = re.compile(r"The value '(.*)' is not an element of the set")


def admit_message(
    body: bytes,
    *,
    content_type: str | None,
    actions: Collection[Action] = frozenset(Action),
    reasons: Collection[ReasonForMessage] = frozenset(ReasonForMessage),
    max_bytes: int | None = None,
    now: datetime | None = None,
) -> Message | Rejection:
    """Return the message a peer posted, or the Rejection to answer it with; never raise for bad input.

    The rejection's ERROR confirmation carries the error type the standard gives for the fault:

    - BadlyFormedMessage: an empty or oversized body, a Content-Type that is not XML,
      XML that is not well-formed or declares a DOCTYPE, a root that is not
      `ISO18626Message` in the ISO 18626 namespace or lacks `ill:version`, and any
      other way of not validating against the schema (a missing or misplaced element,
      a timestamp or number that is not one);
    - UnrecognisedDataElement: an element the schema does not know (say, from another
      version of the standard), or a confirmation posted as if it were a message;
    - UnrecognisedDataValue: a version other than 1.2, a value outside one of the
      schema's enumerations (a status, a service type, ...), an empty
      requestingAgencyRequestId;
    - UnsupportedActionType / UnsupportedReasonForMessageType: an action or a reason
      for message outside the schema's lists, or outside `actions` and `reasons`,
      those the caller acts on.

    It is the confirmation of the message's type when the body shows it, even when it
    is not well-formed, and a `requestConfirmation` otherwise: the schema allows any
    confirmation there, and a request is the message that opens every exchange. Its
    header echoes what could be read of the message's header.

    `max_bytes` defaults to the setting ILL_ISO18626_MAX_BYTES, `now` (the time of
    receipt) to the current time.
    """
    received_at = now or datetime.now(UTC)
    root = None
    try:
        root = parse_document(body, max_bytes=max_bytes)
        check_content_type(content_type)
        message = decode_document(root)
        if isinstance(message, Confirmation):
            raise MessageError(
                ErrorType.UNRECOGNISED_DATA_ELEMENT,
                f"{message.confirms.confirmation}: a confirmation is only sent in answer to a message.",
            )
        check_message(message, actions=actions, reasons=reasons)
        return message
    except MessageError as error:
        return make_rejection(error, root=root, body=body, received_at=received_at)


def parse_message(body: bytes, *, max_bytes: int | None = None) -> Message | Confirmation:
    """Return any of the six ISO 18626 messages in a body; raise MessageError if it is not a valid one."""
    return decode_document(parse_document(body, max_bytes=max_bytes))


def check_content_type(content_type: str | None) -> None:
    """Raise MessageError(BadlyFormedMessage) unless the Content-Type is application/xml or text/xml."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in XML_CONTENT_TYPES:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE,
            f"The Content-Type must be application/xml or text/xml, not {content_type or 'missing'}.",
        )


def check_message(
    message: Message, *, actions: Collection[Action], reasons: Collection[ReasonForMessage]
) -> None:
    """Raise MessageError for a valid message whose values the standard lets a receiver refuse."""
    if not message.header.requesting_agency_request_id.strip():
        raise MessageError(ErrorType.UNRECOGNISED_DATA_VALUE, "requestingAgencyRequestId: cannot be empty.")
    if isinstance(message, RequestingAgencyMessage) and message.action not in actions:
        raise MessageError(ErrorType.UNSUPPORTED_ACTION_TYPE, f"action: {message.action} is not supported.")
    if isinstance(message, SupplyingAgencyMessage) and message.message_info.reason_for_message not in reasons:
        raise MessageError(
            ErrorType.UNSUPPORTED_REASON_FOR_MESSAGE_TYPE,
            f"reasonForMessage: {message.message_info.reason_for_message} is not supported.",
        )


def decode_document(root: etree._Element) -> Message | Confirmation:
    """Return the message of a parsed `ISO18626Message`; raise MessageError if it does not validate."""
    check_envelope(root)
    errors = find_schema_errors(root)
    if errors:
        raise classify_schema_error(errors[0])
    element = next(root.iterchildren("{*}*"))
    name = etree.QName(element).localname
    try:
        if name in CONFIRMATIONS:
            return decode_confirmation(element, confirms=CONFIRMATIONS[name])
        return DECODERS[name](element)
    except ValueError as error:  # a timestamp the schema allows but a datetime cannot hold
        raise MessageError(ErrorType.BADLY_FORMED_MESSAGE, str(error)) from None


def check_envelope(root: etree._Element) -> None:
    """Raise MessageError unless the root is ISO18626Message in the ISO 18626 namespace, version 1.2."""
    if root.tag != ROOT:
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE,
            f"The root element must be ISO18626Message in the namespace {NAMESPACE}, not {root.tag}.",
        )
    version = root.get(VERSION_ATTRIBUTE)
    if version is None:
        hint = " (it is there without the namespace)" if root.get("version") is not None else ""
        raise MessageError(
            ErrorType.BADLY_FORMED_MESSAGE,
            f"ISO18626Message needs the attribute version in the ISO 18626 namespace, "
            f'e.g. ill:version="{VERSION}" with xmlns:ill="{NAMESPACE}"{hint}.',
        )
    if version.strip() != VERSION:
        raise MessageError(
            ErrorType.UNRECOGNISED_DATA_VALUE,
            f"version: {version} is not supported; this endpoint speaks ISO 18626 version {VERSION}.",
        )


def classify_schema_error(entry: etree._LogEntry) -> MessageError:
    """Return the MessageError for the first complaint of the schema about a message."""
    match = SCHEMA_ELEMENT.match(entry.message)
    element = match.group(1) if match else ""
    name = element.replace(f"{{{NAMESPACE}}}", "")
    description = entry.message.replace(f"{{{NAMESPACE}}}", "")
    if entry.type_name == "SCHEMAV_CVC_ENUMERATION_VALID":
        value = ENUMERATION_VALUE.search(entry.message)
        shown = value.group(1) if value else ""
        if name == "action":
            return MessageError(
                ErrorType.UNSUPPORTED_ACTION_TYPE,
                f"action: {shown} is not an action of ISO 18626 version {VERSION}.",
            )
        if name == "reasonForMessage":
            return MessageError(
                ErrorType.UNSUPPORTED_REASON_FOR_MESSAGE_TYPE,
                f"reasonForMessage: {shown} is not a reason for message of ISO 18626 version {VERSION}.",
            )
        return MessageError(ErrorType.UNRECOGNISED_DATA_VALUE, f"line {entry.line}: {description}")
    if (
        entry.type_name == "SCHEMAV_ELEMENT_CONTENT"
        and "This element is not expected" in entry.message
        and element not in list_element_names()
    ):
        return MessageError(
            ErrorType.UNRECOGNISED_DATA_ELEMENT,
            f"line {entry.line}: {name} is not an element of ISO 18626 version {VERSION}.",
        )
    return MessageError(ErrorType.BADLY_FORMED_MESSAGE, f"line {entry.line}: {description}")


def make_rejection(
    error: MessageError, *, root: etree._Element | None, body: bytes, received_at: datetime
) -> Rejection:
    """Return the Rejection answering a refused body: the confirmation of its type, echoing its header."""
    confirms = MessageType.REQUEST
    header = None
    if root is not None:
        # Some systems have sent a message without its envelope; then the root is the message.
        element = (
            root if is_message_name(etree.QName(root).localname) else next(root.iterchildren("{*}*"), None)
        )
        if element is not None:
            confirms = guess_message_type(etree.QName(element).localname)
            header = find_local(element, "header")
    else:
        match = MESSAGE_TAG.search(body[:65536])
        if match:
            confirms = MessageType(match.group(1).decode())
    echo = read_header_leniently(header)
    confirmation = Confirmation(
        confirms=confirms,
        header=ConfirmationHeader(
            timestamp=received_at,
            timestamp_received=echo.pop("timestamp", received_at),
            message_status=MessageStatus.ERROR,
            **echo,
        ),
        error_data=ErrorData(error_type=error.error_type, error_value=error.error_value),
    )
    return Rejection(confirmation=confirmation)


def is_message_name(name: str) -> bool:
    """Return whether a name is that of one of the six messages."""
    return name in CONFIRMATIONS or name in set(MessageType)


def guess_message_type(name: str) -> MessageType:
    """Return the message type an element name shows, a request when it shows none."""
    try:
        return MessageType(name)
    except ValueError:
        return CONFIRMATIONS.get(name, MessageType.REQUEST)


def read_header_leniently(header: etree._Element | None) -> dict[str, Any]:
    """Return what can be read of a header that may not validate, as ConfirmationHeader fields."""
    echo: dict[str, Any] = {}
    if header is None:
        return echo
    for field, name in (
        ("supplying_agency_id", "supplyingAgencyId"),
        ("requesting_agency_id", "requestingAgencyId"),
    ):
        agency = find_local(header, name)
        id_type = find_local(agency, "agencyIdType")
        id_value = find_local(agency, "agencyIdValue")
        if id_type is not None and id_value is not None:
            echo[field] = AgencyId(id_type=id_type.text or "", value=id_value.text or "")
    for field, name in (
        ("requesting_agency_request_id", "requestingAgencyRequestId"),
        ("multiple_item_request_id", "multipleItemRequestId"),
    ):
        element = find_local(header, name)
        if element is not None:
            echo[field] = element.text or ""
    timestamp = find_local(header, "timestamp")
    if timestamp is not None:
        try:
            echo["timestamp"] = parse_timestamp(timestamp.text or "")
        except ValueError:
            pass
    return echo


def find_local(element: etree._Element | None, name: str) -> etree._Element | None:
    """Return the first child with this local name, whatever its namespace."""
    if element is None:
        return None
    return next(element.iterchildren(f"{{*}}{name}"), None)
