"""ISO 18626 messages as plain immutable values, named after the elements of the schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from nlk_portal.core.money import Money

from .vocabulary import (
    Action,
    ErrorType,
    MessageStatus,
    MessageType,
    ReasonForMessage,
    RequestType,
    ServiceType,
)

# Optional elements are None when absent (an empty element is ""), repeated ones are
# tuples. Timestamps are aware datetimes, money a Decimal with its currency code. A
# `type_schemeValuePair` (agency id type, currency, reasons, ...) is its text: the
# optional scheme attribute is not kept. Every value is a frozen, keyword-only dataclass.


@dataclass(frozen=True, kw_only=True, slots=True)
class AgencyId:
    """An agency (library) id, e.g. ISIL `KR-SeNL`."""

    id_type: str
    value: str

    @classmethod
    def from_symbol(cls, symbol: str) -> AgencyId:
        """Return the agency id written as `TYPE:VALUE` (the form of the ILL_ISO18626_AGENCY setting)."""
        id_type, separator, id_value = symbol.partition(":")
        if not separator or not id_type.strip() or not id_value.strip():
            raise ValueError(f"An agency id is written TYPE:VALUE, e.g. ISIL:KR-SeNL, not {symbol!r}.")
        return cls(id_type=id_type.strip(), value=id_value.strip())

    def __str__(self) -> str:
        return f"{self.id_type}:{self.value}"


def same_agency(one: AgencyId | None, other: AgencyId | None) -> bool:
    """Whether two agency ids name the same agency: ISIL and its values are compared without case."""
    if one is None or other is None:
        return False
    return (one.id_type.strip().casefold(), one.value.strip().casefold()) == (
        other.id_type.strip().casefold(),
        other.value.strip().casefold(),
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Authentication:
    account_id: str | None = None
    security_code: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Header:
    """The header every request, supplyingAgencyMessage and requestingAgencyMessage carries."""

    supplying_agency_id: AgencyId
    requesting_agency_id: AgencyId
    timestamp: datetime
    requesting_agency_request_id: str
    multiple_item_request_id: str = ""
    supplying_agency_request_id: str | None = None
    requesting_agency_authentication: Authentication | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class BibliographicItemId:
    identifier: str
    code: str  # ISBN, ISSN, ISMN, ...


@dataclass(frozen=True, kw_only=True, slots=True)
class BibliographicRecordId:
    code: str  # OCLC, LCCN, ...
    identifier: str


@dataclass(frozen=True, kw_only=True, slots=True)
class BibliographicInfo:
    supplier_unique_record_id: str | None = None
    title: str | None = None
    author: str | None = None
    subtitle: str | None = None
    series_title: str | None = None
    edition: str | None = None
    title_of_component: str | None = None
    author_of_component: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages_requested: str | None = None
    estimated_no_pages: str | None = None
    item_ids: tuple[BibliographicItemId, ...] = ()
    sponsor: str | None = None
    information_source: str | None = None
    record_ids: tuple[BibliographicRecordId, ...] = ()

    def find_item_id(self, code: str) -> str | None:
        """Return the first item identifier with this code, compared without case (ReShare sends `isbn`)."""
        for item_id in self.item_ids:
            if item_id.code.strip().casefold() == code.casefold() and item_id.identifier.strip():
                return item_id.identifier.strip()
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class PublicationInfo:
    publisher: str | None = None
    publication_type: str | None = None
    publication_date: str | None = None
    place_of_publication: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceInfo:
    service_type: ServiceType
    request_type: RequestType | None = None
    request_sub_types: tuple[str, ...] = ()
    requesting_agency_previous_request_id: str | None = None
    service_level: str | None = None
    preferred_format: str | None = None
    need_before_date: datetime | None = None
    copyright_compliance: str | None = None
    any_edition: bool | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PhysicalAddress:
    line1: str | None = None
    line2: str | None = None
    locality: str | None = None
    postal_code: str | None = None
    region: str | None = None  # ISO 3166-2
    country: str | None = None  # ISO 3166-1


@dataclass(frozen=True, kw_only=True, slots=True)
class ElectronicAddress:
    address_type: str  # e.g. Email, URL, FTP
    data: str


Address = PhysicalAddress | ElectronicAddress


@dataclass(frozen=True, kw_only=True, slots=True)
class SupplierInfo:
    sort_order: int | None = None
    supplier_code: AgencyId | None = None
    supplier_description: str | None = None
    record_id: BibliographicRecordId | None = None
    call_number: str | None = None
    summary_holdings: str | None = None
    availability_note: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestedDeliveryInfo:
    sort_order: int | None = None
    address: Address | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestingAgencyInfo:
    name: str | None = None
    contact_name: str | None = None
    addresses: tuple[Address, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class PatronInfo:
    patron_id: str | None = None
    surname: str | None = None
    given_name: str | None = None
    patron_type: str | None = None
    send_to_patron: bool | None = None
    addresses: tuple[Address, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class BillingInfo:
    payment_method: str | None = None
    maximum_costs: Money | None = None
    billing_method: str | None = None
    billing_name: str | None = None
    address: Address | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Request:
    message_type: ClassVar[MessageType] = MessageType.REQUEST

    header: Header
    bibliographic_info: BibliographicInfo
    publication_info: PublicationInfo | None = None
    service_info: ServiceInfo | None = None
    supplier_info: tuple[SupplierInfo, ...] = ()
    requested_delivery_info: tuple[RequestedDeliveryInfo, ...] = ()
    requesting_agency_info: RequestingAgencyInfo | None = None
    patron_info: PatronInfo | None = None
    billing_info: BillingInfo | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class MessageInfo:
    reason_for_message: ReasonForMessage
    answer_yes_no: bool | None = None
    note: str | None = None
    reason_unfilled: str | None = None
    reason_retry: str | None = None
    offered_costs: Money | None = None
    retry_after: datetime | None = None
    retry_before: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class StatusInfo:
    status: str  # one of vocabulary.STATUSES, the values of the portal's status vocabulary
    last_change: datetime
    expected_delivery_date: datetime | None = None
    due_date: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class DeliveryInfo:
    date_sent: datetime
    item_id: str | None = None
    sent_via: str | None = None
    sent_to_patron: bool | None = None
    loan_condition: str | None = None
    delivered_format: str | None = None
    delivery_costs: Money | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ReturnInfo:
    return_agency_id: AgencyId | None = None
    name: str | None = None
    physical_address: PhysicalAddress | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SupplyingAgencyMessage:
    message_type: ClassVar[MessageType] = MessageType.SUPPLYING_AGENCY_MESSAGE

    header: Header
    message_info: MessageInfo
    status_info: StatusInfo
    delivery_info: DeliveryInfo | None = None
    return_info: ReturnInfo | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestingAgencyMessage:
    message_type: ClassVar[MessageType] = MessageType.REQUESTING_AGENCY_MESSAGE

    header: Header
    action: Action
    note: str | None = None


Message = Request | SupplyingAgencyMessage | RequestingAgencyMessage


@dataclass(frozen=True, kw_only=True, slots=True)
class ErrorData:
    error_type: ErrorType
    error_value: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ConfirmationHeader:
    timestamp: datetime
    timestamp_received: datetime
    message_status: MessageStatus
    supplying_agency_id: AgencyId | None = None
    requesting_agency_id: AgencyId | None = None
    requesting_agency_request_id: str | None = None
    multiple_item_request_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Confirmation:
    """The answer to a message: `confirms` names the type of message it answers."""

    confirms: MessageType
    header: ConfirmationHeader
    reason_for_message: ReasonForMessage | None = None  # only in a supplyingAgencyMessageConfirmation
    action: Action | None = None  # only in a requestingAgencyMessageConfirmation
    error_data: ErrorData | None = None

    @property
    def is_ok(self) -> bool:
        return self.header.message_status == MessageStatus.OK


@dataclass(frozen=True, kw_only=True, slots=True)
class Rejection:
    """An incoming message refused: the ERROR confirmation that answers it, ready to build."""

    confirmation: Confirmation

    @property
    def error_type(self) -> ErrorType:
        assert self.confirmation.error_data is not None
        return self.confirmation.error_data.error_type

    @property
    def error_value(self) -> str:
        assert self.confirmation.error_data is not None
        return self.confirmation.error_data.error_value or ""


def make_confirmation(
    message: Message, *, error: ErrorData | None = None, now: datetime | None = None
) -> Confirmation:
    """Return the confirmation answering a message: OK, or ERROR with `error`.

    Its header echoes the message's agencies and ids, and its timestampReceived is
    the timestamp of the message it confirms (as ReShare and the Index Data broker
    write it); a supplyingAgencyMessage's reason and a requestingAgencyMessage's
    action are echoed too. `now` (its own timestamp) defaults to the current time.
    """
    header = message.header
    return Confirmation(
        confirms=message.message_type,
        header=ConfirmationHeader(
            supplying_agency_id=header.supplying_agency_id,
            requesting_agency_id=header.requesting_agency_id,
            timestamp=now or datetime.now(UTC),
            requesting_agency_request_id=header.requesting_agency_request_id,
            multiple_item_request_id=header.multiple_item_request_id,
            timestamp_received=header.timestamp,
            message_status=MessageStatus.OK if error is None else MessageStatus.ERROR,
        ),
        reason_for_message=message.message_info.reason_for_message
        if isinstance(message, SupplyingAgencyMessage)
        else None,
        action=message.action if isinstance(message, RequestingAgencyMessage) else None,
        error_data=error,
    )
