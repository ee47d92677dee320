"""Outgoing: the messages NLK sends, as values ready to encode: its header, its supplyingAgencyMessage as
supplier, its request to a lender and its requestingAgencyMessage as requester.

Pure: values in, values out. A request reaches here as any object with the ILL request's fields
(BorrowingItem, which ill.models.IllRequest is), so this module imports no model.
"""

from datetime import datetime
from typing import Protocol

from nlk_portal.core.money import Money

from ..choices import ItemType, Service
from .messages import (
    AgencyId,
    BibliographicInfo,
    BibliographicItemId,
    BillingInfo,
    DeliveryInfo,
    ElectronicAddress,
    Header,
    MessageInfo,
    PhysicalAddress,
    PublicationInfo,
    Request,
    RequestedDeliveryInfo,
    RequestingAgencyInfo,
    RequestingAgencyMessage,
    ServiceInfo,
    StatusInfo,
    SupplyingAgencyMessage,
)
from .vocabulary import Action, ReasonForMessage, RequestType, ServiceType


class BorrowingItem(Protocol):
    """What a request to a lender is built from: the ILL request's bibliographic fields and service."""

    item_type: str
    service: str
    title: str
    author: str
    part_title: str
    part_author: str
    serial_title: str
    article_title: str
    volume: str
    issue: str
    pages_wanted: str
    isbn: str
    issn: str
    publisher: str
    place: str
    year: int | None
    citation_source: str
    notes: str


def make_header(*, supplying: AgencyId, requesting: AgencyId, requesting_agency_request_id: str,
                supplying_agency_request_id: str | None, now: datetime) -> Header:
    return Header(
        supplying_agency_id=supplying,
        requesting_agency_id=requesting,
        timestamp=now,
        requesting_agency_request_id=requesting_agency_request_id,
        supplying_agency_request_id=supplying_agency_request_id or None,
    )


def make_supplying_agency_message(
    *,
    header: Header,
    reason: ReasonForMessage,
    status: str,
    last_change: datetime,
    note: str = "",
    answer_yes_no: bool | None = None,
    reason_unfilled: str = "",
    reason_retry: str = "",
    offered_costs: Money | None = None,
    date_sent: datetime | None = None,
    delivery_costs: Money | None = None,
    due_date: datetime | None = None,
) -> SupplyingAgencyMessage:
    """Return NLK's message as supplier: why it is sent, the status now (with when a loan is due back), and
    what was sent at what cost."""
    return SupplyingAgencyMessage(
        header=header,
        message_info=MessageInfo(
            reason_for_message=reason,
            answer_yes_no=answer_yes_no,
            note=note.strip() or None,
            reason_unfilled=reason_unfilled or None,
            reason_retry=reason_retry.strip() or None,
            offered_costs=offered_costs,
        ),
        status_info=StatusInfo(status=status, last_change=last_change, due_date=due_date),
        delivery_info=None
        if date_sent is None
        else DeliveryInfo(date_sent=date_sent, delivery_costs=delivery_costs),
    )


def format_reason_code(value: str) -> str:
    """An unfilled reason of the portal as an ISO 18626 style code: not_held -> NotHeld."""
    return "".join(part.capitalize() for part in value.split("_"))


def make_borrowing_request(
    ill_request: BorrowingItem,
    *,
    header: Header,
    requester_name: str,
    requester_email: str,
    delivery_address: PhysicalAddress,
    max_cost: Money | None,
) -> Request:
    """Return the request NLK sends a lender for a user in Korea: the item, the service, where to send it."""
    if ill_request.item_type == ItemType.SERIAL_ARTICLE:
        title, author = ill_request.serial_title, ""
        component, component_author = ill_request.article_title, ill_request.author
    else:
        title, author = ill_request.title, ill_request.author
        component, component_author = ill_request.part_title, ill_request.part_author
    item_ids = tuple(
        BibliographicItemId(identifier=number, code=code)
        for code, number in (("ISBN", ill_request.isbn), ("ISSN", ill_request.issn))
        if number
    )
    is_copy = ill_request.service == Service.COPY
    return Request(
        header=header,
        bibliographic_info=BibliographicInfo(
            title=title or None,
            author=author or None,
            title_of_component=component or None,
            author_of_component=component_author or None,
            volume=ill_request.volume or None,
            issue=ill_request.issue or None,
            pages_requested=(ill_request.pages_wanted or None) if is_copy else None,
            item_ids=item_ids,
            information_source=ill_request.citation_source or None,
        ),
        publication_info=PublicationInfo(
            publisher=ill_request.publisher or None,
            publication_type="Article" if ill_request.item_type == ItemType.SERIAL_ARTICLE else "Book",
            publication_date=str(ill_request.year) if ill_request.year else None,
            place_of_publication=ill_request.place or None,
        ),
        service_info=ServiceInfo(
            service_type=ServiceType.COPY if is_copy else ServiceType.LOAN,
            request_type=RequestType.NEW,
            note=ill_request.notes or None,
        ),
        requested_delivery_info=(RequestedDeliveryInfo(sort_order=1, address=delivery_address),),
        requesting_agency_info=RequestingAgencyInfo(
            name=requester_name,
            addresses=(ElectronicAddress(address_type="Email", data=requester_email),) if requester_email else (),
        ),
        billing_info=BillingInfo(maximum_costs=max_cost) if max_cost else None,
    )


def make_requesting_agency_message(*, header: Header, action: Action, note: str = "") -> RequestingAgencyMessage:
    """Return NLK's message as requester: what it tells or asks the lender."""
    return RequestingAgencyMessage(header=header, action=action, note=note.strip() or None)
