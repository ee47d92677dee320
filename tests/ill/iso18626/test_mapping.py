"""From a peer's request to the fields of an ILL request (to_request): what each element becomes, and what is
refused; and back, from an ILL request to the request NLK sends a lender (outgoing)."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from ill.choices import ItemType, Service
from ill.iso18626.encode import build_message
from ill.iso18626.errors import MessageError
from ill.iso18626.inbound import parse_message
from ill.iso18626.messages import (
    AgencyId,
    BibliographicInfo,
    BillingInfo,
    ElectronicAddress,
    PhysicalAddress,
    PublicationInfo,
    RequestedDeliveryInfo,
    ServiceInfo,
    same_agency,
)
from ill.iso18626.outgoing import format_reason_code, make_borrowing_request
from ill.iso18626.to_request import map_request, read_pages
from ill.iso18626.vocabulary import ErrorType, ServiceType
from ill.models import IllRequest
from nlk_portal.core.money import Money

from .examples import RESHARE_REQUEST, make_header, make_request

BERLIN = AgencyId(id_type="ISIL", value="DE-1")

LIBRARY = {"library_name": "Royal Danish Library", "library_address": "Søren Kierkegaards Plads 1",
           "library_email": "ill@kb.dk", "today": date(2026, 3, 2)}


def fields_of(**changes):
    return map_request(make_request(**changes), **LIBRARY).fields


def test_a_reshare_request_becomes_a_chapter_of_a_book():
    details = map_request(parse_message(RESHARE_REQUEST), **LIBRARY)

    fields = details.fields
    assert (fields["item_type"], fields["title"], fields["author"]) == ("monograph", "Han'guk munhak sa", "Cho, Dong-il")
    assert fields["part_title"] == "The novel in the eighteenth century"
    assert (fields["service"], fields["delivery"], fields["pages_wanted"]) == ("copy", "post", "45-60")
    assert fields["postal_address"] == "Van Pelt Library ILL"
    assert (fields["publisher"], fields["place"], fields["year"]) == ("Chisik Sanopsa", "Seoul", 2005)
    assert fields["notes"] == "For a dissertation chapter #seq:1#"
    # ReShare's ISBN 8971808478 has a wrong check digit: left out, the message keeps it.
    assert fields["isbn"] == ""
    assert details.transaction == {
        "requesting_agency_request_id": "PPIU-1742",
        "supplying_agency_request_id": "",
        "service_type": "Copy",
        "patron_reference": "pp-4711",
        "max_cost": Decimal("20.00"),
        "max_cost_currency": "USD",
        "need_before": details.transaction["need_before"],
    }


@pytest.mark.parametrize(
    "written, read",
    [("12-30", "12-30"), ("pp. 12-30", "12-30"), ("p.45", "45"), ("S. 12–30, 45", "12-30, 45"),
     ("pages 3 to 9", "3-9"), ("30-12", None), ("chapter 3", None), ("", None), (None, None)],
)
def test_pages_as_librarians_write_them(written, read):
    assert read_pages(written) == read


@pytest.mark.parametrize(
    "service_type, pages, service",
    [(ServiceType.LOAN, "12-30", "loan"), (ServiceType.COPY_OR_LOAN, "12-30", "copy"),
     (ServiceType.COPY_OR_LOAN, None, "loan"), (None, "5", "copy"), (None, None, "loan")],
)
def test_the_service_follows_the_service_type_and_the_pages(service_type, pages, service):
    bib = dataclasses.replace(make_request().bibliographic_info, pages_requested=pages)
    info = ServiceInfo(service_type=service_type) if service_type else None

    fields = fields_of(bibliographic_info=bib, service_info=info)

    assert fields["service"] == service
    assert fields["pages_wanted"] == ("" if service == "loan" else read_pages(pages))
    assert fields["delivery"] == ("electronic" if service == "copy" else "post")


@pytest.mark.parametrize("pages", [None, "", "the good bits"])
def test_a_copy_without_readable_pages_is_refused(pages):
    bib = dataclasses.replace(make_request().bibliographic_info, pages_requested=pages)

    with pytest.raises(MessageError) as refused:
        fields_of(bibliographic_info=bib, service_info=ServiceInfo(service_type=ServiceType.COPY))

    assert refused.value.error_type == ErrorType.UNRECOGNISED_DATA_VALUE


def test_an_issn_without_an_isbn_is_read_as_an_article_when_no_type_is_given():
    fields = fields_of(publication_info=PublicationInfo())

    assert fields["item_type"] == "article" and fields["serial_title"].startswith("Korea Journal")


@pytest.mark.parametrize(
    "amount, currency, fits",
    [(Decimal("25"), "usd", True), (Decimal("0"), "USD", True), (Decimal("-1"), "USD", False),
     (Decimal("1E+20"), "USD", False), (Decimal("12.345"), "EUR", True)],
)
def test_the_maximum_cost_is_kept_with_its_currency(amount, currency, fits):
    billing = BillingInfo(maximum_costs=Money(amount=amount, currency=currency))
    if not fits:
        with pytest.raises(MessageError):
            map_request(make_request(billing_info=billing), **LIBRARY)
        return

    details = map_request(make_request(billing_info=billing), **LIBRARY)

    assert details.transaction["max_cost"] == amount.quantize(Decimal("0.01"))
    assert details.transaction["max_cost_currency"] == currency.upper()


def test_where_the_request_gives_no_address_the_librarys_own_are_used():
    fields = fields_of(requested_delivery_info=(), requesting_agency_info=None)

    assert (fields["email"], fields["postal_address"], fields["contact_name"]) == (
        "ill@kb.dk", "Søren Kierkegaards Plads 1", "Royal Danish Library"
    )


def test_an_email_that_is_no_email_address_is_not_taken():
    delivery = (RequestedDeliveryInfo(sort_order=1, address=ElectronicAddress(address_type="Email", data="nope")),)

    assert fields_of(requested_delivery_info=delivery, requesting_agency_info=None)["email"] == "ill@kb.dk"


@pytest.mark.parametrize("written, year", [("2019", 2019), ("c1994", 1994), ("2019-05-01", 2019),
                                           ("3019", None), ("n.d.", None), ("12345", None)])
def test_the_year_is_read_from_a_free_text_date(written, year):
    assert fields_of(publication_info=PublicationInfo(publication_date=written))["year"] == year


def test_over_long_text_is_cut_to_its_field_and_an_over_long_request_id_refused():
    bib = BibliographicInfo(title="T" * 600, pages_requested="1-2")
    assert len(fields_of(bibliographic_info=bib, publication_info=PublicationInfo())["title"]) == 500

    header = dataclasses.replace(make_request().header, requesting_agency_request_id="X" * 256)
    with pytest.raises(MessageError, match="at most 255"):
        map_request(make_request(header=header), **LIBRARY)


def test_agency_ids_and_reason_codes():
    assert same_agency(AgencyId(id_type="isil", value=" kr-senl"), AgencyId(id_type="ISIL", value="KR-SeNL"))
    assert not same_agency(AgencyId(id_type="ISIL", value="KR-1"), AgencyId(id_type="OCLC", value="KR-1"))
    assert format_reason_code("not_held") == "NotHeld"


# Each bibliographic field on its own, both ways, with a value no other field of the message carries.
ONE_FIELD = [
    ("volume", "bibliographic_info", "volume", "XLVII"),
    ("issue", "bibliographic_info", "issue", "Spring supplement"),
    ("publisher", "publication_info", "publisher", "Ilchokak Publishing"),
    ("place", "publication_info", "place_of_publication", "Paju"),
]


@pytest.mark.parametrize("field, part, element, value", ONE_FIELD)
def test_each_bibliographic_field_of_a_peers_request_becomes_its_own_field(field, part, element, value):
    message = make_request()
    message = dataclasses.replace(message, **{part: dataclasses.replace(getattr(message, part), **{element: value})})

    fields = map_request(message, **LIBRARY).fields

    assert fields[field] == value
    assert [name for name, read in fields.items() if read == value] == [field]


@pytest.mark.parametrize("field, part, element, value", ONE_FIELD)
@pytest.mark.parametrize("item_type", [ItemType.SERIAL_ARTICLE, ItemType.MONOGRAPH])
def test_each_bibliographic_field_of_a_borrowing_goes_to_the_lender_in_its_own_element(
    field, part, element, value, item_type
):
    ill_request = IllRequest(
        item_type=item_type, title="Koreanische Grammatik", serial_title="Zeitschrift für Koreanistik",
        article_title="Koreanische Literatur im Exil", author="Müller, Anna", volume="12", issue="3",
        publisher="Harrassowitz", place="Wiesbaden", year=1998, service=Service.COPY, pages_wanted="45-60",
    )
    setattr(ill_request, field, value)
    request = make_borrowing_request(
        ill_request, header=make_header(supplying_agency_id=BERLIN, requesting_agency_request_id="NLK-B-1"),
        requester_name="National Library of Korea", requester_email="ill@nl.go.kr",
        delivery_address=PhysicalAddress(line1="201 Banpo-daero", locality="Seoul", country="KR"), max_cost=None,
    )

    sent = parse_message(build_message(request))  # as the lender reads it

    assert getattr(getattr(sent, part), element) == value
    bib, publication = dataclasses.asdict(sent.bibliographic_info), dataclasses.asdict(sent.publication_info)
    carrying = [name for name, written in [*bib.items(), *publication.items()] if written == value]
    assert carrying == [element]
