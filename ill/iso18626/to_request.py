"""Inbound mapping: from a peer's Request to the fields of the ILL request (and of its ISO 18626
transaction) it makes.

Pure: values in, values out; the service that keeps the request imports this, never the other way.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from nlk_portal.core.money import Money

from ..choices import Delivery, ItemType, Service
from ..rules import bibliographic, copyright
from .errors import MessageError
from .messages import (
    Address,
    BibliographicInfo,
    BillingInfo,
    ElectronicAddress,
    PhysicalAddress,
    PublicationInfo,
    Request,
    ServiceInfo,
)
from .vocabulary import ErrorType, ServiceType

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


@dataclass(frozen=True)
class RequestDetails:
    """What a peer's request gives: the ILL request's fields, and those of its ISO 18626 transaction."""

    fields: dict[str, Any] = field(default_factory=dict)
    transaction: dict[str, Any] = field(default_factory=dict)


def map_request(message: Request, *, library_name: str, library_address: str, library_email: str,
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
        written = (bib.pages_requested or "").strip()
        shown = f": {written[:100]!r}" if written else ""
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


def read_item(bib: BibliographicInfo, publication: PublicationInfo) -> dict[str, Any]:
    """Return the bibliographic fields: an article goes in its serial, a chapter in its book."""
    isbn = bibliographic.clean_standard_number(bib.find_item_id("ISBN"), "ISBN")
    issn = bibliographic.clean_standard_number(bib.find_item_id("ISSN"), "ISSN")
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
    return year if bibliographic.is_publication_year(year, this_year=today.year) else None


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
