"""Encoding: ISO 18626 messages written as XML bytes, each checked against the schema before it is returned."""

from datetime import datetime

from lxml import etree

from nlk_portal.core.money import Money

from .errors import InvalidMessage
from .messages import (
    Address,
    AgencyId,
    Authentication,
    BibliographicInfo,
    BibliographicRecordId,
    Confirmation,
    ElectronicAddress,
    Header,
    Message,
    PhysicalAddress,
    Request,
    RequestingAgencyMessage,
    SupplyingAgencyMessage,
)
from .parsing import find_schema_errors, make_parser
from .timestamps import format_timestamp
from .vocabulary import NAMESPACE, VERSION, qualify

# The envelope is `<ISO18626Message xmlns="…iso18626" xmlns:ill="…iso18626" ill:version="1.2">`,
# as ReShare and the Index Data broker write it: the schema wants the version
# attribute in the namespace, so it needs a prefix even where the elements have none.


def build_message(message: Message | Confirmation) -> bytes:
    """Return the message as UTF-8 XML bytes; raise InvalidMessage if it does not validate."""
    root = etree.Element(qualify("ISO18626Message"), nsmap={None: NAMESPACE, "ill": NAMESPACE})
    root.set(qualify("version"), VERSION)
    try:
        if isinstance(message, Confirmation):
            write_confirmation(root, message)
        elif isinstance(message, Request):
            write_request(root, message)
        elif isinstance(message, SupplyingAgencyMessage):
            write_supplying_agency_message(root, message)
        elif isinstance(message, RequestingAgencyMessage):
            write_requesting_agency_message(root, message)
        else:
            raise InvalidMessage(f"Not an ISO 18626 message: {message!r}")
    except (ValueError, TypeError) as error:  # a naive datetime, a control character, a None where text goes
        raise InvalidMessage(f"Cannot write {type(message).__name__}: {error}") from error
    errors = find_schema_errors(root)
    if errors:
        details = "; ".join(f"{entry.message}" for entry in errors).replace(f"{{{NAMESPACE}}}", "")
        raise InvalidMessage(
            f"The {type(message).__name__} built does not validate against the schema: {details}"
        )
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return written


def with_authentication(body: bytes, authentication: Authentication | None) -> bytes:
    """A message as built by `build_message`, with `authentication` as its header's
    requestingAgencyAuthentication (the header's last element), in place of any it had.

    NLK keeps the messages it sends without the code a peer gave it, and adds it only as it posts them.
    """
    if authentication is None:
        return body
    root = etree.fromstring(body, make_parser())
    header = root.find(f"*/{qualify('header')}")
    if header is None:
        raise InvalidMessage("The message has no header to carry requestingAgencyAuthentication.")
    for old in header.findall(qualify("requestingAgencyAuthentication")):
        header.remove(old)
    authenticating = add_parent(header, "requestingAgencyAuthentication")
    add(authenticating, "accountId", authentication.account_id)
    add(authenticating, "securityCode", authentication.security_code)
    errors = find_schema_errors(root)
    if errors:
        raise InvalidMessage("; ".join(entry.message for entry in errors).replace(f"{{{NAMESPACE}}}", ""))
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return written


def add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element | None:
    """Append the element with this text, unless the text is None (an absent optional element)."""
    if text is None:
        return None
    child = etree.SubElement(parent, qualify(name))
    child.text = str(text)
    return child


def add_parent(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, qualify(name))


def add_timestamp(parent: etree._Element, name: str, moment: datetime | None) -> None:
    if moment is not None:
        add(parent, name, format_timestamp(moment))


def add_yes_no(parent: etree._Element, name: str, flag: bool | None) -> None:
    if flag is not None:
        add(parent, name, "Y" if flag else "N")


def add_boolean(parent: etree._Element, name: str, flag: bool | None) -> None:
    if flag is not None:
        add(parent, name, "true" if flag else "false")


def add_integer(parent: etree._Element, name: str, number: int | None) -> None:
    if number is not None:
        add(parent, name, str(int(number)))


def add_costs(parent: etree._Element, name: str, money: Money | None) -> None:
    if money is not None:
        costs = add_parent(parent, name)
        add(costs, "currencyCode", money.currency)
        add(costs, "monetaryValue", format(money.amount, "f"))


def add_agency_id(parent: etree._Element, name: str, agency: AgencyId | None) -> None:
    if agency is not None:
        element = add_parent(parent, name)
        add(element, "agencyIdType", agency.id_type)
        add(element, "agencyIdValue", agency.value)


def add_physical_address(parent: etree._Element, address: PhysicalAddress | None) -> None:
    if address is not None:
        element = add_parent(parent, "physicalAddress")
        add(element, "line1", address.line1)
        add(element, "line2", address.line2)
        add(element, "locality", address.locality)
        add(element, "postalCode", address.postal_code)
        add(element, "region", address.region)
        add(element, "country", address.country)


def add_address(parent: etree._Element, address: Address | None) -> None:
    if address is None:
        return
    element = add_parent(parent, "address")
    if isinstance(address, ElectronicAddress):
        electronic = add_parent(element, "electronicAddress")
        add(electronic, "electronicAddressType", address.address_type)
        add(electronic, "electronicAddressData", address.data)
    else:
        add_physical_address(element, address)


def add_record_id(parent: etree._Element, record: BibliographicRecordId | None) -> None:
    if record is not None:
        element = add_parent(parent, "bibliographicRecordId")
        add(element, "bibliographicRecordIdentifierCode", record.code)
        add(element, "bibliographicRecordIdentifier", record.identifier)


def write_header(parent: etree._Element, header: Header) -> None:
    element = add_parent(parent, "header")
    add_agency_id(element, "supplyingAgencyId", header.supplying_agency_id)
    add_agency_id(element, "requestingAgencyId", header.requesting_agency_id)
    add(element, "multipleItemRequestId", header.multiple_item_request_id or "")
    add_timestamp(element, "timestamp", header.timestamp)
    add(element, "requestingAgencyRequestId", header.requesting_agency_request_id)
    add(element, "supplyingAgencyRequestId", header.supplying_agency_request_id)
    authentication = header.requesting_agency_authentication
    if authentication is not None:
        authenticating = add_parent(element, "requestingAgencyAuthentication")
        add(authenticating, "accountId", authentication.account_id)
        add(authenticating, "securityCode", authentication.security_code)


def write_bibliographic_info(parent: etree._Element, info: BibliographicInfo) -> None:
    element = add_parent(parent, "bibliographicInfo")
    add(element, "supplierUniqueRecordId", info.supplier_unique_record_id)
    add(element, "title", info.title)
    add(element, "author", info.author)
    add(element, "subtitle", info.subtitle)
    add(element, "seriesTitle", info.series_title)
    add(element, "edition", info.edition)
    add(element, "titleOfComponent", info.title_of_component)
    add(element, "authorOfComponent", info.author_of_component)
    add(element, "volume", info.volume)
    add(element, "issue", info.issue)
    add(element, "pagesRequested", info.pages_requested)
    add(element, "estimatedNoPages", info.estimated_no_pages)
    for item_id in info.item_ids:
        item = add_parent(element, "bibliographicItemId")
        add(item, "bibliographicItemIdentifier", item_id.identifier)
        add(item, "bibliographicItemIdentifierCode", item_id.code)
    add(element, "sponsor", info.sponsor)
    add(element, "informationSource", info.information_source)
    for record in info.record_ids:
        add_record_id(element, record)


def write_request(root: etree._Element, request: Request) -> None:
    element = add_parent(root, "request")
    write_header(element, request.header)
    write_bibliographic_info(element, request.bibliographic_info)
    if (publication := request.publication_info) is not None:
        info = add_parent(element, "publicationInfo")
        add(info, "publisher", publication.publisher)
        add(info, "publicationType", publication.publication_type)
        add(info, "publicationDate", publication.publication_date)
        add(info, "placeOfPublication", publication.place_of_publication)
    if (service := request.service_info) is not None:
        info = add_parent(element, "serviceInfo")
        add(info, "requestType", service.request_type)
        for sub_type in service.request_sub_types:
            add(info, "requestSubType", sub_type)
        add(info, "requestingAgencyPreviousRequestId", service.requesting_agency_previous_request_id)
        add(info, "serviceType", service.service_type)
        add(info, "serviceLevel", service.service_level)
        add(info, "preferredFormat", service.preferred_format)
        add_timestamp(info, "needBeforeDate", service.need_before_date)
        add(info, "copyrightCompliance", service.copyright_compliance)
        add_yes_no(info, "anyEdition", service.any_edition)
        add_timestamp(info, "startDate", service.start_date)
        add_timestamp(info, "endDate", service.end_date)
        add(info, "note", service.note)
    for supplier in request.supplier_info:
        info = add_parent(element, "supplierInfo")
        add_integer(info, "sortOrder", supplier.sort_order)
        add_agency_id(info, "supplierCode", supplier.supplier_code)
        add(info, "supplierDescription", supplier.supplier_description)
        add_record_id(info, supplier.record_id)
        add(info, "callNumber", supplier.call_number)
        add(info, "summaryHoldings", supplier.summary_holdings)
        add(info, "availabilityNote", supplier.availability_note)
    for delivery in request.requested_delivery_info:
        info = add_parent(element, "requestedDeliveryInfo")
        add_integer(info, "sortOrder", delivery.sort_order)
        add_address(info, delivery.address)
    if (agency := request.requesting_agency_info) is not None:
        info = add_parent(element, "requestingAgencyInfo")
        add(info, "name", agency.name)
        add(info, "contactName", agency.contact_name)
        for address in agency.addresses:
            add_address(info, address)
    if (patron := request.patron_info) is not None:
        info = add_parent(element, "patronInfo")
        add(info, "patronId", patron.patron_id)
        add(info, "surname", patron.surname)
        add(info, "givenName", patron.given_name)
        add(info, "patronType", patron.patron_type)
        add_yes_no(info, "sendToPatron", patron.send_to_patron)
        for address in patron.addresses:
            add_address(info, address)
    if (billing := request.billing_info) is not None:
        info = add_parent(element, "billingInfo")
        add(info, "paymentMethod", billing.payment_method)
        add_costs(info, "maximumCosts", billing.maximum_costs)
        add(info, "billingMethod", billing.billing_method)
        add(info, "billingName", billing.billing_name)
        add_address(info, billing.address)


def write_supplying_agency_message(root: etree._Element, message: SupplyingAgencyMessage) -> None:
    element = add_parent(root, "supplyingAgencyMessage")
    write_header(element, message.header)
    info = add_parent(element, "messageInfo")
    add(info, "reasonForMessage", message.message_info.reason_for_message)
    add_yes_no(info, "answerYesNo", message.message_info.answer_yes_no)
    add(info, "note", message.message_info.note)
    add(info, "reasonUnfilled", message.message_info.reason_unfilled)
    add(info, "reasonRetry", message.message_info.reason_retry)
    add_costs(info, "offeredCosts", message.message_info.offered_costs)
    add_timestamp(info, "retryAfter", message.message_info.retry_after)
    add_timestamp(info, "retryBefore", message.message_info.retry_before)
    status = add_parent(element, "statusInfo")
    add(status, "status", message.status_info.status)
    add_timestamp(status, "expectedDeliveryDate", message.status_info.expected_delivery_date)
    add_timestamp(status, "dueDate", message.status_info.due_date)
    add_timestamp(status, "lastChange", message.status_info.last_change)
    if (delivery := message.delivery_info) is not None:
        info = add_parent(element, "deliveryInfo")
        add_timestamp(info, "dateSent", delivery.date_sent)
        add(info, "itemId", delivery.item_id)
        add(info, "sentVia", delivery.sent_via)
        add_boolean(info, "sentToPatron", delivery.sent_to_patron)
        add(info, "loanCondition", delivery.loan_condition)
        add(info, "deliveredFormat", delivery.delivered_format)
        add_costs(info, "deliveryCosts", delivery.delivery_costs)
    if (returning := message.return_info) is not None:
        info = add_parent(element, "returnInfo")
        add_agency_id(info, "returnAgencyId", returning.return_agency_id)
        add(info, "name", returning.name)
        add_physical_address(info, returning.physical_address)


def write_requesting_agency_message(root: etree._Element, message: RequestingAgencyMessage) -> None:
    element = add_parent(root, "requestingAgencyMessage")
    write_header(element, message.header)
    add(element, "action", message.action)
    add(element, "note", message.note)


def write_confirmation(root: etree._Element, confirmation: Confirmation) -> None:
    element = add_parent(root, confirmation.confirms.confirmation)
    header = add_parent(element, "confirmationHeader")
    add_agency_id(header, "supplyingAgencyId", confirmation.header.supplying_agency_id)
    add_agency_id(header, "requestingAgencyId", confirmation.header.requesting_agency_id)
    add_timestamp(header, "timestamp", confirmation.header.timestamp)
    add(header, "requestingAgencyRequestId", confirmation.header.requesting_agency_request_id)
    add(header, "multipleItemRequestId", confirmation.header.multiple_item_request_id)
    add_timestamp(header, "timestampReceived", confirmation.header.timestamp_received)
    add(header, "messageStatus", confirmation.header.message_status)
    add(element, "reasonForMessage", confirmation.reason_for_message)
    add(element, "action", confirmation.action)
    if (error := confirmation.error_data) is not None:
        error_data = add_parent(element, "errorData")
        add(error_data, "errorType", error.error_type)
        add(error_data, "errorValue", error.error_value)
