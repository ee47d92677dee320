"""From a peer's request to the fields of an ILL request, and from a request to the messages NLK sends.

Pure: values in, values out. A request reaches here as any object with the ILL request's
fields (ill.models.IllRequest), so this module imports no model.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from stdnum import isbn as isbn_numbers
from stdnum import issn as issn_numbers
from stdnum.exceptions import ValidationError as NumberError

from nlk_portal.core.money import Money

from ..choices import Delivery, ItemType, Service
from ..rules import copyright
from .errors import MessageError
from .messages import (
    Address,
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
from .vocabulary import Action, ErrorType, ReasonForMessage, RequestType, ServiceType

# The longest request id the portal keeps; no system sends one anywhere near it.
MAX_REQUEST_ID = 255
# Above this a maximum cost is no figure anyone means (the model keeps 12 digits).
MAX_COST = Decimal("9999999999.99")
CENT = Decimal("0.01")
# publicationType values (ISO 18626's list, compared without case) that make a request a serial article.
ARTICLE_TYPES = frozenset({"article", "journal", "newspaper", "serial"})
# What librarians write around page numbers: "pp. 12-30", "p.45", "pages 12 to 30".
PAGE_WORDS = re.compile(r"\b(?:pages?|pp|p|s)\b\.?\s*", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def same_agency(one: AgencyId | None, other: AgencyId | None) -> bool:
    """Whether two agency ids name the same agency: ISIL and its values are compared without case."""
    if one is None or other is None:
        return False
    return (one.id_type.strip().casefold(), one.value.strip().casefold()) == (
        other.id_type.strip().casefold(),
        other.value.strip().casefold(),
    )


@dataclass(frozen=True)
class RequestDetails:
    """What a peer's request gives: the ILL request's fields, and those of its ISO 18626 transaction."""

    fields: dict = field(default_factory=dict)
    transaction: dict = field(default_factory=dict)


def read_request(message: Request, *, library_name: str, library_address: str, library_email: str,
                 today: date | None = None) -> RequestDetails:
    """Return the fields of the ILL request a peer's request makes (the requesting library apart).

    Raises MessageError(UnrecognisedDataValue) for what the portal cannot take: a copy without
    pages it can read, an over-long request id, a negative or absurd maximum cost. A value that
    is merely unusable (an ISBN with a wrong check digit) is left out: the message is kept as sent.
    """
    header = message.header
    request_id = header.requesting_agency_request_id.strip()
    if len(request_id) > MAX_REQUEST_ID:
        raise MessageError(
            ErrorType.UNRECOGNISED_DATA_VALUE,
            f"requestingAgencyRequestId: at most {MAX_REQUEST_ID} characters, not {len(request_id)}.",
        )
    bib = message.bibliographic_info
    publication = message.publication_info or PublicationInfo()
    service_info = message.service_info
    service, pages = read_service(bib, service_info)
    item = read_item(bib, publication)
    delivery_addresses = [
        info.address
        for info in sorted(message.requested_delivery_info, key=lambda info: info.sort_order or 0)
        if info.address is not None
    ]
    agency_info = message.requesting_agency_info
    agency_addresses = list(agency_info.addresses) if agency_info else []
    electronic = bool(delivery_addresses) and isinstance(delivery_addresses[0], ElectronicAddress)
    max_cost = read_max_cost(message.billing_info)
    fields = {
        **item,
        "contact_name": fit(
            (agency_info and (agency_info.contact_name or agency_info.name)) or library_name, 200
        ),
        "email": first_email([*delivery_addresses, *agency_addresses]) or library_email,
        "postal_address": first_postal_address([*delivery_addresses, *agency_addresses]) or library_address,
        "service": service,
        "delivery": Delivery.ELECTRONIC if service == Service.COPY and electronic else Delivery.POST,
        "pages_wanted": pages,
        "total_pages": None,
        "notes": fit(service_info.note if service_info else "", 2000),
        "nlk_number": fit(bib.supplier_unique_record_id, 100),
        "citation_source": fit(bib.information_source, 500),
        "year": read_year(publication.publication_date, today or date.today()),
        # The peer's system did not tick the form's two boxes: staff check both.
        "confirms_published_in_korea": False,
        "confirms_not_available_elsewhere": False,
    }
    transaction = {
        "requesting_agency_request_id": request_id,
        "supplying_agency_request_id": "",
        "service_type": service_info.service_type.value if service_info else "",
        "patron_reference": fit(read_patron_reference(message), 255),
        "max_cost": max_cost.amount if max_cost else None,
        "max_cost_currency": max_cost.currency if max_cost else "",
        "need_before": service_info.need_before_date if service_info else None,
    }
    return RequestDetails(fields=fields, transaction=transaction)


def read_service(bib: BibliographicInfo, service_info: ServiceInfo | None) -> tuple[str, str]:
    """Return (service, pages wanted): a copy needs pages the portal can read, a loan none."""
    pages = read_pages(bib.pages_requested)
    service_type = service_info.service_type if service_info else None
    if service_type == ServiceType.LOAN:
        return Service.LOAN, ""
    if service_type == ServiceType.COPY and pages is None:
        shown = f": {bib.pages_requested.strip()[:100]!r}" if (bib.pages_requested or "").strip() else ""
        raise MessageError(
            ErrorType.UNRECOGNISED_DATA_VALUE,
            f"pagesRequested: a copy needs the pages wanted, written like 12-30, 45{shown}.",
        )
    # CopyOrLoan (or no service given): a copy of the pages asked for, or else a loan.
    return (Service.COPY, pages) if pages else (Service.LOAN, "")


def read_pages(text: str | None) -> str | None:
    """Return page ranges as the portal writes them ("12-30, 45"), or None if they cannot be read."""
    cleaned = PAGE_WORDS.sub("", text or "").replace(" to ", "-").strip()
    if not cleaned or len(cleaned) > 200:
        return None
    try:
        ranges = copyright.parse_page_ranges(cleaned)
    except ValidationError:
        return None
    return ", ".join(f"{first}-{last}" if last != first else str(first) for first, last in ranges)


def read_item(bib: BibliographicInfo, publication: PublicationInfo) -> dict:
    """Return the bibliographic fields: an article goes in its serial, a chapter in its book."""
    isbn = standard_number(bib.find_item_id("ISBN"), isbn_numbers)
    issn = standard_number(bib.find_item_id("ISSN"), issn_numbers)
    kind = (publication.publication_type or "").strip().casefold()
    is_article = kind in ARTICLE_TYPES or (not kind and bool(issn) and not isbn)
    title = bib.title or ""
    if bib.subtitle:
        title = f"{title}: {bib.subtitle}" if title else bib.subtitle
    common = {
        "volume": fit(bib.volume, 50),
        "issue": fit(bib.issue, 50),
        "publisher": fit(publication.publisher, 300),
        "place": fit(publication.place_of_publication, 200),
        "isbn": isbn,
        "issn": issn,
    }
    if is_article:
        return {
            **common,
            "item_type": ItemType.SERIAL_ARTICLE,
            "title": "",
            "serial_title": fit(title, 500),
            "article_title": fit(bib.title_of_component, 500),
            "author": fit(bib.author_of_component or bib.author, 300),
            "part_title": "",
            "part_author": "",
        }
    return {
        **common,
        "item_type": ItemType.MONOGRAPH,
        "title": fit(title, 500),
        "serial_title": "",
        "article_title": "",
        "author": fit(bib.author, 300),
        "part_title": fit(bib.title_of_component, 500),
        "part_author": fit(bib.author_of_component, 300),
    }


def read_max_cost(billing: BillingInfo | None) -> Money | None:
    """Return the most the requester will pay, in cents; raise MessageError for a figure no one means."""
    costs = billing.maximum_costs if billing else None
    if costs is None:
        return None
    try:
        amount = costs.amount.quantize(CENT)
    except InvalidOperation:
        amount = None
    if amount is None or amount < 0 or amount > MAX_COST:
        raise MessageError(
            ErrorType.UNRECOGNISED_DATA_VALUE,
            f"maximumCosts: {costs.amount} is not an amount between 0 and {MAX_COST}.",
        )
    return Money(amount=amount, currency=costs.currency.strip().upper()[:3])


def read_patron_reference(message: Request) -> str:
    """The requester's reference for its patron: patronId, or the record id ReShare sends as patronReference."""
    if message.patron_info and message.patron_info.patron_id:
        return message.patron_info.patron_id.strip()
    for record in message.bibliographic_info.record_ids:
        if record.code.strip().casefold() == "patronreference" and record.identifier.strip():
            return record.identifier.strip()
    return ""


def read_year(text: str | None, today: date) -> int | None:
    """The year of publication in a free-text date ("2019", "2019-05", "c1994"), if it is a real one."""
    match = YEAR.search(text or "")
    if match is None:
        return None
    year = int(match.group(1))
    return year if 1000 <= year <= today.year + 1 else None


def standard_number(value: str | None, module) -> str:
    """The compact form of a valid ISBN or ISSN, or "" for none or an invalid one."""
    if not value:
        return ""
    try:
        return module.compact(module.validate(value))
    except NumberError:
        return ""


def first_email(addresses: Iterable[Address]) -> str:
    for address in addresses:
        if isinstance(address, ElectronicAddress) and address.address_type.strip().casefold() == "email":
            candidate = address.data.strip()
            try:
                validate_email(candidate)
            except ValidationError:
                continue
            if len(candidate) <= 254:
                return candidate
    return ""


def first_postal_address(addresses: Iterable[Address]) -> str:
    for address in addresses:
        if isinstance(address, PhysicalAddress):
            text = format_address(address)
            if text:
                return text
    return ""


def format_address(address: PhysicalAddress) -> str:
    """A physical address as the lines of a label."""
    town = " ".join(part for part in (address.postal_code, address.locality) if part)
    lines = [address.line1, address.line2, town, address.region, address.country]
    return fit("\n".join(line.strip() for line in lines if line and line.strip()), 2000)


def fit(text: str | None, length: int) -> str:
    """The text stripped, cut to the length a field holds (the message itself is kept whole)."""
    text = (text or "").strip()
    return text if len(text) <= length else text[: length - 1] + "…"


# What NLK sends.


def make_header(*, supplying: AgencyId, requesting: AgencyId, requesting_agency_request_id: str,
                supplying_agency_request_id: str | None, now: datetime) -> Header:
    return Header(
        supplying_agency_id=supplying,
        requesting_agency_id=requesting,
        timestamp=now,
        requesting_agency_request_id=requesting_agency_request_id,
        supplying_agency_request_id=supplying_agency_request_id or None,
    )


def supplying_agency_message(
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


def reason_code(value: str) -> str:
    """An unfilled reason of the portal as an ISO 18626 style code: not_held -> NotHeld."""
    return "".join(part.capitalize() for part in value.split("_"))


def borrowing_request(
    ill_request,
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


def requesting_agency_message(*, header: Header, action: Action, note: str = "") -> RequestingAgencyMessage:
    """Return NLK's message as requester: what it tells or asks the lender."""
    return RequestingAgencyMessage(header=header, action=action, note=note.strip() or None)
