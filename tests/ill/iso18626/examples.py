"""ISO 18626 messages for the tests: each type with every element filled, and samples from other systems."""

from datetime import UTC, datetime
from decimal import Decimal

from ill.iso18626.messages import (
    AgencyId,
    Authentication,
    BibliographicInfo,
    BibliographicItemId,
    BibliographicRecordId,
    BillingInfo,
    DeliveryInfo,
    ElectronicAddress,
    Header,
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
from ill.iso18626.vocabulary import Action, ReasonForMessage, RequestType, ServiceType
from nlk_portal.core.money import Money

NLK = AgencyId(id_type="ISIL", value="KR-SeNL")
ROYAL_LIBRARY = AgencyId(id_type="ISIL", value="DK-710100")
SENT_AT = datetime(2026, 3, 2, 1, 30, 15, 250000, tzinfo=UTC)
# What the test peers send to prove who they are (tests/ill/iso18626/conftest.py registers them).
PEER_ACCOUNT_ID = "nlk-peer-account"
PEER_SECURITY_CODE = "peer-9f3KqTz0-Lw8vYb2Nc7Hs4Xe-tests"
PEER_AUTHENTICATION = Authentication(account_id=PEER_ACCOUNT_ID, security_code=PEER_SECURITY_CODE)


def make_header(**fields) -> Header:
    values = {
        "supplying_agency_id": NLK,
        "requesting_agency_id": ROYAL_LIBRARY,
        "timestamp": SENT_AT,
        "requesting_agency_request_id": "DK-2026-0042",
        "requesting_agency_authentication": PEER_AUTHENTICATION,
    }
    return Header(**(values | fields))


def make_request(**fields) -> Request:
    """A request for a copy of an article, every element of the schema filled."""
    values = {
        "header": make_header(
            multiple_item_request_id="",
            supplying_agency_request_id="NLK-2026-000117",
            requesting_agency_authentication=PEER_AUTHENTICATION,
        ),
        "bibliographic_info": BibliographicInfo(
            supplier_unique_record_id="KMO201900123",
            title="Korea Journal",
            author="Korean National Commission for UNESCO",
            subtitle="A quarterly",
            series_title="Korea Journal series",
            edition="1st",
            title_of_component="Hangeul and the printing of the Joseon dynasty",
            author_of_component="Kim, Min-ji",
            volume="59",
            issue="2",
            pages_requested="12-30",
            estimated_no_pages="19",
            item_ids=(
                BibliographicItemId(identifier="0023-3900", code="ISSN"),
                BibliographicItemId(identifier="9788973004472", code="ISBN"),
            ),
            sponsor="Royal Danish Library",
            information_source="KOLIS-NET",
            record_ids=(BibliographicRecordId(code="OCLC", identifier="1754701"),),
        ),
        "publication_info": PublicationInfo(
            publisher="Korean National Commission for UNESCO",
            publication_type="Article",
            publication_date="2019",
            place_of_publication="Seoul",
        ),
        "service_info": ServiceInfo(
            request_type=RequestType.NEW,
            request_sub_types=("PatronRequest",),
            requesting_agency_previous_request_id="DK-2026-0041",
            service_type=ServiceType.COPY,
            service_level="Normal",
            preferred_format="PDF",
            need_before_date=datetime(2026, 4, 1, tzinfo=UTC),
            copyright_compliance="US-CCG",
            any_edition=False,
            start_date=datetime(2026, 3, 2, tzinfo=UTC),
            end_date=datetime(2026, 5, 1, tzinfo=UTC),
            note="Chapter 3 only; the patron's thesis deadline is in April.",
        ),
        "supplier_info": (
            SupplierInfo(
                sort_order=1,
                supplier_code=NLK,
                supplier_description="National Library of Korea",
                record_id=BibliographicRecordId(code="KOLIS", identifier="KMO201900123"),
                call_number="051 ㅋ436",
                summary_holdings="v.1 (1961)-",
                availability_note="Stack",
            ),
        ),
        "requested_delivery_info": (
            RequestedDeliveryInfo(
                sort_order=1, address=ElectronicAddress(address_type="Email", data="ill@kb.dk")
            ),
            RequestedDeliveryInfo(
                sort_order=2,
                address=PhysicalAddress(
                    line1="Søren Kierkegaards Plads 1",
                    line2="Interlibrary loan",
                    locality="København K",
                    postal_code="1221",
                    region="DK-84",
                    country="DK",
                ),
            ),
        ),
        "requesting_agency_info": RequestingAgencyInfo(
            name="Royal Danish Library",
            contact_name="ILL desk",
            addresses=(ElectronicAddress(address_type="Email", data="ill@kb.dk"),),
        ),
        "patron_info": PatronInfo(
            patron_id="P-99812",
            surname="Hansen",
            given_name="Ida",
            patron_type="Student",
            send_to_patron=False,
            addresses=(ElectronicAddress(address_type="Email", data="ida.hansen@example.dk"),),
        ),
        "billing_info": BillingInfo(
            payment_method="Cash",
            maximum_costs=Money(amount=Decimal("25.00"), currency="USD"),
            billing_method="Invoice",
            billing_name="Royal Danish Library",
            address=PhysicalAddress(line1="Søren Kierkegaards Plads 1", country="DK"),
        ),
    }
    return Request(**(values | fields))


def make_supplying_agency_message(**fields) -> SupplyingAgencyMessage:
    """NLK's answer that the copy was sent, every element of the schema filled."""
    values = {
        "header": make_header(supplying_agency_request_id="NLK-2026-000117"),
        "message_info": MessageInfo(
            reason_for_message=ReasonForMessage.STATUS_CHANGE,
            answer_yes_no=True,
            note="Sent by email.",
            reason_unfilled="NotHeld",
            reason_retry="CostExceedsMaxCost",
            offered_costs=Money(amount=Decimal("9.00"), currency="USD"),
            retry_after=datetime(2026, 3, 10, tzinfo=UTC),
            retry_before=datetime(2026, 3, 20, tzinfo=UTC),
        ),
        "status_info": StatusInfo(
            status="CopyCompleted",
            expected_delivery_date=datetime(2026, 3, 5, tzinfo=UTC),
            due_date=datetime(2026, 4, 2, tzinfo=UTC),
            last_change=datetime(2026, 3, 4, 6, 0, tzinfo=UTC),
        ),
        "delivery_info": DeliveryInfo(
            date_sent=datetime(2026, 3, 4, 6, 0, tzinfo=UTC),
            item_id="NLK-2026-000117-1",
            sent_via="Email",
            sent_to_patron=False,
            loan_condition="NoReproduction",
            delivered_format="PDF",
            delivery_costs=Money(amount=Decimal("9.00"), currency="USD"),
        ),
        "return_info": ReturnInfo(
            return_agency_id=NLK,
            name="National Library of Korea",
            physical_address=PhysicalAddress(line1="201 Banpo-daero", locality="Seoul", country="KR"),
        ),
    }
    return SupplyingAgencyMessage(**(values | fields))


def make_requesting_agency_message(**fields) -> RequestingAgencyMessage:
    values = {"header": make_header(), "action": Action.CANCEL, "note": "The patron no longer needs it."}
    return RequestingAgencyMessage(**(values | fields))


# A request as ReShare (mod-rs) sends it: JAXB writes every element with the `ill`
# prefix (IllNamespacePrefixMapper), adds xsi:schemaLocation, writes timestamps
# with an offset (ZonedDateTimeIsoXmlAdapter), sends ISBN/ISSN codes in lower case
# and its own codes as bibliographicRecordId (ProtocolMessageBuildingService.buildRequestMessage),
# and appends a sequence number to the note (NoteSpecials, `#seq:1#`). Written from
# ReShare's mod-rs (github.com/openlibraryenvironment/mod-rs), service/grails-app/services/org/olf/rs/.
RESHARE_REQUEST = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ill:ISO18626Message xmlns:ill="http://illtransactions.org/2013/iso18626"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://illtransactions.org/2013/iso18626 https://illtransactions.org/schemas/ISO-18626-v1_2.xsd"
    ill:version="1.2">
  <ill:request>
    <ill:header>
      <ill:supplyingAgencyId>
        <ill:agencyIdType>ISIL</ill:agencyIdType>
        <ill:agencyIdValue>KR-SeNL</ill:agencyIdValue>
      </ill:supplyingAgencyId>
      <ill:requestingAgencyId>
        <ill:agencyIdType>ISIL</ill:agencyIdType>
        <ill:agencyIdValue>US-PPIU</ill:agencyIdValue>
      </ill:requestingAgencyId>
      <ill:multipleItemRequestId></ill:multipleItemRequestId>
      <ill:timestamp>2026-03-01T19:04:11.123-05:00</ill:timestamp>
      <ill:requestingAgencyRequestId>PPIU-1742</ill:requestingAgencyRequestId>
    </ill:header>
    <ill:bibliographicInfo>
      <ill:title>Han'guk munhak sa</ill:title>
      <ill:author>Cho, Dong-il</ill:author>
      <ill:edition>4th</ill:edition>
      <ill:titleOfComponent>The novel in the eighteenth century</ill:titleOfComponent>
      <ill:volume>2</ill:volume>
      <ill:pagesRequested>45-60</ill:pagesRequested>
      <ill:bibliographicItemId>
        <ill:bibliographicItemIdentifier>8971808478</ill:bibliographicItemIdentifier>
        <ill:bibliographicItemIdentifierCode>isbn</ill:bibliographicItemIdentifierCode>
      </ill:bibliographicItemId>
      <ill:bibliographicRecordId>
        <ill:bibliographicRecordIdentifierCode>requestingInstitutionSymbol</ill:bibliographicRecordIdentifierCode>
        <ill:bibliographicRecordIdentifier>ISIL:US-PPIU</ill:bibliographicRecordIdentifier>
      </ill:bibliographicRecordId>
      <ill:bibliographicRecordId>
        <ill:bibliographicRecordIdentifierCode>patronReference</ill:bibliographicRecordIdentifierCode>
        <ill:bibliographicRecordIdentifier>PPIU-1742</ill:bibliographicRecordIdentifier>
      </ill:bibliographicRecordId>
    </ill:bibliographicInfo>
    <ill:publicationInfo>
      <ill:publisher>Chisik Sanopsa</ill:publisher>
      <ill:publicationDate>2005</ill:publicationDate>
      <ill:placeOfPublication>Seoul</ill:placeOfPublication>
    </ill:publicationInfo>
    <ill:serviceInfo>
      <ill:serviceType>Copy</ill:serviceType>
      <ill:serviceLevel>Normal</ill:serviceLevel>
      <ill:needBeforeDate>2026-04-30T00:00:00-04:00</ill:needBeforeDate>
      <ill:anyEdition>Y</ill:anyEdition>
      <ill:note>For a dissertation chapter #seq:1#</ill:note>
    </ill:serviceInfo>
    <ill:requestedDeliveryInfo>
      <ill:address>
        <ill:physicalAddress>
          <ill:line1>Van Pelt Library ILL</ill:line1>
        </ill:physicalAddress>
      </ill:address>
    </ill:requestedDeliveryInfo>
    <ill:patronInfo>
      <ill:patronId>pp-4711</ill:patronId>
      <ill:surname>Park</ill:surname>
      <ill:givenName>Jisoo</ill:givenName>
      <ill:patronType>Graduate</ill:patronType>
    </ill:patronInfo>
    <ill:billingInfo>
      <ill:maximumCosts>
        <ill:currencyCode>USD</ill:currencyCode>
        <ill:monetaryValue>20</ill:monetaryValue>
      </ill:maximumCosts>
    </ill:billingInfo>
  </ill:request>
</ill:ISO18626Message>
"""

# A supplyingAgencyMessage as the Index Data broker (indexdata/crosslink) writes it:
# a default namespace plus an `ill` prefix for the version, and nanosecond timestamps.
# From broker/test/testdata/supmsg-ok.xml, with NLK's agency.
BROKER_SUPPLYING_AGENCY_MESSAGE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ISO18626Message
    xmlns="http://illtransactions.org/2013/iso18626"
    xmlns:ill="http://illtransactions.org/2013/iso18626"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    ill:version="1.2"
    xsi:schemaLocation="http://illtransactions.org/2013/iso18626 https://illtransactions.org/schemas/ISO-18626-v1_2.xsd">
    <supplyingAgencyMessage>
        <header>
            <supplyingAgencyId>
                <agencyIdType>ISIL</agencyIdType>
                <agencyIdValue>DK-710100</agencyIdValue>
            </supplyingAgencyId>
            <requestingAgencyId>
                <agencyIdType>ISIL</agencyIdType>
                <agencyIdValue>KR-SeNL</agencyIdValue>
            </requestingAgencyId>
            <multipleItemRequestId></multipleItemRequestId>
            <timestamp>2024-12-12T20:12:00.62959771Z</timestamp>
            <requestingAgencyRequestId>6ad1ff2e-bab2-4978-b064-656c0e67ebd6</requestingAgencyRequestId>
            <supplyingAgencyRequestId>c488bef0-5735-4c33-ba13-a9f343447574</supplyingAgencyRequestId>
        </header>
        <messageInfo>
            <reasonForMessage>StatusChange</reasonForMessage>
        </messageInfo>
        <statusInfo>
            <status>Loaned</status>
            <lastChange>2024-12-12T20:12:00.629710681Z</lastChange>
        </statusInfo>
        <deliveryInfo>
            <dateSent>2024-12-12T20:12:00.629725783Z</dateSent>
            <itemId>12345</itemId>
        </deliveryInfo>
    </supplyingAgencyMessage>
</ISO18626Message>
"""
