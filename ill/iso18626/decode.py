"""Decoding: from the elements of a message that has validated against the schema to the values of `messages`."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from lxml import etree

from nlk_portal.core.money import Money

from .messages import (
    Address,
    AgencyId,
    Authentication,
    BibliographicInfo,
    BibliographicItemId,
    BibliographicRecordId,
    BillingInfo,
    Confirmation,
    ConfirmationHeader,
    DeliveryInfo,
    ElectronicAddress,
    ErrorData,
    Header,
    Message,
    MessageInfo,
    PatronInfo,
    PhysicalAddress,
    PublicationInfo,
    Request,
    RequestedDeliveryInfo,
    RequestingAgencyInfo,
    RequestingAgencyMessage,
    ReturnInfo,
    ServiceInfo,
    StatusInfo,
    SupplierInfo,
    SupplyingAgencyMessage,
)
from .timestamps import parse_timestamp
from .vocabulary import (
    Action,
    ErrorType,
    MessageStatus,
    MessageType,
    ReasonForMessage,
    RequestType,
    ServiceType,
    qualify,
)

# Every function here trusts the schema: the elements it requires are there and its
# enumerations and numbers hold their values. Only a timestamp can still fail (a year
# Python cannot hold), with ValueError; so would a required element missing from a
# document that was never validated.

T = TypeVar("T")


def require(value: T | None, name: str) -> T:
    """Return the value of an element the schema requires; raise ValueError if it is missing."""
    if value is None:
        raise ValueError(f"{name}: this element is required.")
    return value


def read_text(element: etree._Element, name: str) -> str | None:
    child = element.find(qualify(name))
    return None if child is None else (child.text or "")


def read_required_text(element: etree._Element, name: str) -> str:
    return require(read_text(element, name), name)


def read_texts(element: etree._Element, name: str) -> tuple[str, ...]:
    return tuple(child.text or "" for child in element.iterchildren(qualify(name)))


def read_timestamp(element: etree._Element, name: str) -> datetime | None:
    text = read_text(element, name)
    return None if text is None else parse_timestamp(text)


def read_required_timestamp(element: etree._Element, name: str) -> datetime:
    return require(read_timestamp(element, name), name)


def read_yes_no(element: etree._Element, name: str) -> bool | None:
    text = read_text(element, name)
    return None if text is None else text == "Y"


def read_boolean(element: etree._Element, name: str) -> bool | None:
    text = read_text(element, name)
    return None if text is None else text.strip() in ("true", "1")


def read_integer(element: etree._Element, name: str) -> int | None:
    text = read_text(element, name)
    return None if text is None else int(text.strip())


def read_costs(element: etree._Element, name: str) -> Money | None:
    costs = element.find(qualify(name))
    if costs is None:
        return None
    return Money(
        amount=Decimal(read_required_text(costs, "monetaryValue").strip()),
        currency=read_required_text(costs, "currencyCode"),
    )


def read_agency_id(element: etree._Element, name: str) -> AgencyId | None:
    agency = element.find(qualify(name))
    if agency is None:
        return None
    return AgencyId(
        id_type=read_required_text(agency, "agencyIdType"), value=read_required_text(agency, "agencyIdValue")
    )


def read_physical_address(element: etree._Element | None) -> PhysicalAddress | None:
    if element is None:
        return None
    return PhysicalAddress(
        line1=read_text(element, "line1"),
        line2=read_text(element, "line2"),
        locality=read_text(element, "locality"),
        postal_code=read_text(element, "postalCode"),
        region=read_text(element, "region"),
        country=read_text(element, "country"),
    )


def read_address(element: etree._Element) -> Address:
    electronic = element.find(qualify("electronicAddress"))
    if electronic is not None:
        return ElectronicAddress(
            address_type=read_required_text(electronic, "electronicAddressType"),
            data=read_required_text(electronic, "electronicAddressData"),
        )
    return require(read_physical_address(element.find(qualify("physicalAddress"))), "physicalAddress")


def read_addresses(element: etree._Element) -> tuple[Address, ...]:
    return tuple(read_address(address) for address in element.iterchildren(qualify("address")))


def read_optional_address(element: etree._Element) -> Address | None:
    address = element.find(qualify("address"))
    return None if address is None else read_address(address)


def read_record_id(element: etree._Element) -> BibliographicRecordId:
    return BibliographicRecordId(
        code=read_required_text(element, "bibliographicRecordIdentifierCode"),
        identifier=read_required_text(element, "bibliographicRecordIdentifier"),
    )


def read_header(element: etree._Element) -> Header:
    header = element.find(qualify("header"))
    authentication = header.find(qualify("requestingAgencyAuthentication"))
    return Header(
        supplying_agency_id=require(read_agency_id(header, "supplyingAgencyId"), "supplyingAgencyId"),
        requesting_agency_id=require(read_agency_id(header, "requestingAgencyId"), "requestingAgencyId"),
        multiple_item_request_id=read_required_text(header, "multipleItemRequestId"),
        timestamp=read_required_timestamp(header, "timestamp"),
        requesting_agency_request_id=read_required_text(header, "requestingAgencyRequestId"),
        supplying_agency_request_id=read_text(header, "supplyingAgencyRequestId"),
        requesting_agency_authentication=None
        if authentication is None
        else Authentication(
            account_id=read_text(authentication, "accountId"),
            security_code=read_text(authentication, "securityCode"),
        ),
    )


def read_bibliographic_info(element: etree._Element) -> BibliographicInfo:
    info = element.find(qualify("bibliographicInfo"))
    return BibliographicInfo(
        supplier_unique_record_id=read_text(info, "supplierUniqueRecordId"),
        title=read_text(info, "title"),
        author=read_text(info, "author"),
        subtitle=read_text(info, "subtitle"),
        series_title=read_text(info, "seriesTitle"),
        edition=read_text(info, "edition"),
        title_of_component=read_text(info, "titleOfComponent"),
        author_of_component=read_text(info, "authorOfComponent"),
        volume=read_text(info, "volume"),
        issue=read_text(info, "issue"),
        pages_requested=read_text(info, "pagesRequested"),
        estimated_no_pages=read_text(info, "estimatedNoPages"),
        item_ids=tuple(
            BibliographicItemId(
                identifier=read_required_text(item, "bibliographicItemIdentifier"),
                code=read_required_text(item, "bibliographicItemIdentifierCode"),
            )
            for item in info.iterchildren(qualify("bibliographicItemId"))
        ),
        sponsor=read_text(info, "sponsor"),
        information_source=read_text(info, "informationSource"),
        record_ids=tuple(
            read_record_id(record) for record in info.iterchildren(qualify("bibliographicRecordId"))
        ),
    )


def read_publication_info(element: etree._Element) -> PublicationInfo | None:
    info = element.find(qualify("publicationInfo"))
    if info is None:
        return None
    return PublicationInfo(
        publisher=read_text(info, "publisher"),
        publication_type=read_text(info, "publicationType"),
        publication_date=read_text(info, "publicationDate"),
        place_of_publication=read_text(info, "placeOfPublication"),
    )


def read_service_info(element: etree._Element) -> ServiceInfo | None:
    info = element.find(qualify("serviceInfo"))
    if info is None:
        return None
    request_type = read_text(info, "requestType")
    return ServiceInfo(
        request_type=None if request_type is None else RequestType(request_type),
        request_sub_types=read_texts(info, "requestSubType"),
        requesting_agency_previous_request_id=read_text(info, "requestingAgencyPreviousRequestId"),
        service_type=ServiceType(read_required_text(info, "serviceType")),
        service_level=read_text(info, "serviceLevel"),
        preferred_format=read_text(info, "preferredFormat"),
        need_before_date=read_timestamp(info, "needBeforeDate"),
        copyright_compliance=read_text(info, "copyrightCompliance"),
        any_edition=read_yes_no(info, "anyEdition"),
        start_date=read_timestamp(info, "startDate"),
        end_date=read_timestamp(info, "endDate"),
        note=read_text(info, "note"),
    )


def read_supplier_info(info: etree._Element) -> SupplierInfo:
    record = info.find(qualify("bibliographicRecordId"))
    return SupplierInfo(
        sort_order=read_integer(info, "sortOrder"),
        supplier_code=read_agency_id(info, "supplierCode"),
        supplier_description=read_text(info, "supplierDescription"),
        record_id=None if record is None else read_record_id(record),
        call_number=read_text(info, "callNumber"),
        summary_holdings=read_text(info, "summaryHoldings"),
        availability_note=read_text(info, "availabilityNote"),
    )


def read_requesting_agency_info(element: etree._Element) -> RequestingAgencyInfo | None:
    info = element.find(qualify("requestingAgencyInfo"))
    if info is None:
        return None
    return RequestingAgencyInfo(
        name=read_text(info, "name"),
        contact_name=read_text(info, "contactName"),
        addresses=read_addresses(info),
    )


def read_patron_info(element: etree._Element) -> PatronInfo | None:
    info = element.find(qualify("patronInfo"))
    if info is None:
        return None
    return PatronInfo(
        patron_id=read_text(info, "patronId"),
        surname=read_text(info, "surname"),
        given_name=read_text(info, "givenName"),
        patron_type=read_text(info, "patronType"),
        send_to_patron=read_yes_no(info, "sendToPatron"),
        addresses=read_addresses(info),
    )


def read_billing_info(element: etree._Element) -> BillingInfo | None:
    info = element.find(qualify("billingInfo"))
    if info is None:
        return None
    return BillingInfo(
        payment_method=read_text(info, "paymentMethod"),
        maximum_costs=read_costs(info, "maximumCosts"),
        billing_method=read_text(info, "billingMethod"),
        billing_name=read_text(info, "billingName"),
        address=read_optional_address(info),
    )


def decode_request(element: etree._Element) -> Request:
    return Request(
        header=read_header(element),
        bibliographic_info=read_bibliographic_info(element),
        publication_info=read_publication_info(element),
        service_info=read_service_info(element),
        supplier_info=tuple(
            read_supplier_info(info) for info in element.iterchildren(qualify("supplierInfo"))
        ),
        requested_delivery_info=tuple(
            RequestedDeliveryInfo(
                sort_order=read_integer(info, "sortOrder"), address=read_optional_address(info)
            )
            for info in element.iterchildren(qualify("requestedDeliveryInfo"))
        ),
        requesting_agency_info=read_requesting_agency_info(element),
        patron_info=read_patron_info(element),
        billing_info=read_billing_info(element),
    )


def decode_supplying_agency_message(element: etree._Element) -> SupplyingAgencyMessage:
    info = element.find(qualify("messageInfo"))
    status = element.find(qualify("statusInfo"))
    delivery = element.find(qualify("deliveryInfo"))
    returning = element.find(qualify("returnInfo"))
    return SupplyingAgencyMessage(
        header=read_header(element),
        message_info=MessageInfo(
            reason_for_message=ReasonForMessage(read_required_text(info, "reasonForMessage")),
            answer_yes_no=read_yes_no(info, "answerYesNo"),
            note=read_text(info, "note"),
            reason_unfilled=read_text(info, "reasonUnfilled"),
            reason_retry=read_text(info, "reasonRetry"),
            offered_costs=read_costs(info, "offeredCosts"),
            retry_after=read_timestamp(info, "retryAfter"),
            retry_before=read_timestamp(info, "retryBefore"),
        ),
        status_info=StatusInfo(
            status=read_required_text(status, "status"),
            expected_delivery_date=read_timestamp(status, "expectedDeliveryDate"),
            due_date=read_timestamp(status, "dueDate"),
            last_change=read_required_timestamp(status, "lastChange"),
        ),
        delivery_info=None
        if delivery is None
        else DeliveryInfo(
            date_sent=read_required_timestamp(delivery, "dateSent"),
            item_id=read_text(delivery, "itemId"),
            sent_via=read_text(delivery, "sentVia"),
            sent_to_patron=read_boolean(delivery, "sentToPatron"),
            loan_condition=read_text(delivery, "loanCondition"),
            delivered_format=read_text(delivery, "deliveredFormat"),
            delivery_costs=read_costs(delivery, "deliveryCosts"),
        ),
        return_info=None
        if returning is None
        else ReturnInfo(
            return_agency_id=read_agency_id(returning, "returnAgencyId"),
            name=read_text(returning, "name"),
            physical_address=read_physical_address(returning.find(qualify("physicalAddress"))),
        ),
    )


def decode_requesting_agency_message(element: etree._Element) -> RequestingAgencyMessage:
    return RequestingAgencyMessage(
        header=read_header(element),
        action=Action(read_required_text(element, "action")),
        note=read_text(element, "note"),
    )


def decode_confirmation(element: etree._Element, *, confirms: MessageType) -> Confirmation:
    header = element.find(qualify("confirmationHeader"))
    error = element.find(qualify("errorData"))
    reason = read_text(element, "reasonForMessage")
    action = read_text(element, "action")
    return Confirmation(
        confirms=confirms,
        header=ConfirmationHeader(
            supplying_agency_id=read_agency_id(header, "supplyingAgencyId"),
            requesting_agency_id=read_agency_id(header, "requestingAgencyId"),
            timestamp=read_required_timestamp(header, "timestamp"),
            requesting_agency_request_id=read_text(header, "requestingAgencyRequestId"),
            multiple_item_request_id=read_text(header, "multipleItemRequestId"),
            timestamp_received=read_required_timestamp(header, "timestampReceived"),
            message_status=MessageStatus(read_required_text(header, "messageStatus")),
        ),
        reason_for_message=None if reason is None else ReasonForMessage(reason),
        action=None if action is None else Action(action),
        error_data=None
        if error is None
        else ErrorData(
            error_type=ErrorType(read_required_text(error, "errorType")), error_value=read_text(error, "errorValue")
        ),
    )


DECODERS: dict[str, Callable[[etree._Element], Message]] = {
    MessageType.REQUEST: decode_request,
    MessageType.SUPPLYING_AGENCY_MESSAGE: decode_supplying_agency_message,
    MessageType.REQUESTING_AGENCY_MESSAGE: decode_requesting_agency_message,
}
