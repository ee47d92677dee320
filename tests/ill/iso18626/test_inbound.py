from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from ill.iso18626.encode import build_message
from ill.iso18626.inbound import admit_message, parse_message
from ill.iso18626.messages import (
    AgencyId,
    Confirmation,
    ErrorData,
    PhysicalAddress,
    Rejection,
    Request,
    RequestingAgencyMessage,
    SupplyingAgencyMessage,
    make_confirmation,
)
from ill.iso18626.vocabulary import (
    Action,
    ErrorType,
    MessageStatus,
    MessageType,
    ReasonForMessage,
    ServiceType,
)

from .examples import (
    BROKER_SUPPLYING_AGENCY_MESSAGE,
    RESHARE_REQUEST,
    make_request,
    make_requesting_agency_message,
    make_supplying_agency_message,
)

NS = "http://illtransactions.org/2013/iso18626"
RECEIVED_AT = datetime(2026, 3, 2, 1, 31, tzinfo=UTC)
MESSAGES = [make_request(), make_supplying_agency_message(), make_requesting_agency_message()]


def read(body: bytes, **options):
    return admit_message(body, content_type="application/xml", now=RECEIVED_AT, **options)


def read_rejection(body: bytes, **options) -> Rejection:
    result = read(body, **options)
    assert isinstance(result, Rejection), result
    # Whatever was wrong, the answer itself is a valid confirmation.
    assert isinstance(parse_message(build_message(result.confirmation)), Confirmation)
    return result


def wrap(
    message: str, *, envelope: str = f'<ISO18626Message xmlns="{NS}" xmlns:ill="{NS}" ill:version="1.2">'
) -> bytes:
    return f"{envelope}{message}</ISO18626Message>".encode()


HEADER_TEMPLATE = """<{p}header>
  <{p}supplyingAgencyId>
    <{p}agencyIdType>ISIL</{p}agencyIdType><{p}agencyIdValue>KR-SeNL</{p}agencyIdValue>
  </{p}supplyingAgencyId>
  <{p}requestingAgencyId>
    <{p}agencyIdType>ISIL</{p}agencyIdType><{p}agencyIdValue>DK-710100</{p}agencyIdValue>
  </{p}requestingAgencyId>
  <{p}multipleItemRequestId/><{p}timestamp>2026-03-02T10:30:15+09:00</{p}timestamp>
  <{p}requestingAgencyRequestId>DK-2026-0042</{p}requestingAgencyRequestId>
</{p}header>"""
HEADER = HEADER_TEMPLATE.format(p="")


@pytest.mark.parametrize("message", MESSAGES, ids=lambda message: message.message_type)
def test_each_message_read_back_is_the_message_built(message):
    assert read(build_message(message)) == message


@pytest.mark.parametrize("message", MESSAGES, ids=lambda message: message.message_type)
@pytest.mark.parametrize(
    "error", [None, ErrorData(error_type=ErrorType.UNRECOGNISED_DATA_VALUE, error_value="x")]
)
def test_each_confirmation_read_back_is_the_confirmation_built(message, error):
    confirmation = make_confirmation(message, error=error, now=RECEIVED_AT)

    assert parse_message(build_message(confirmation)) == confirmation


@pytest.mark.parametrize("message", MESSAGES, ids=lambda message: message.message_type)
def test_a_message_built_from_one_read_reads_the_same(message):
    body = build_message(message)

    assert build_message(read(body)) == body


PREFIXED = (
    "<{p}requestingAgencyMessage>"
    + HEADER_TEMPLATE
    + "<{p}action>StatusRequest</{p}action></{p}requestingAgencyMessage>"
)


@pytest.mark.parametrize(
    "root, prefix",
    [
        (f'ISO18626Message xmlns="{NS}" xmlns:ill="{NS}" ill:version="1.2"', ""),
        (f'ill:ISO18626Message xmlns:ill="{NS}" ill:version="1.2"', "ill:"),
        (f'tag0:ISO18626Message xmlns:tag0="{NS}" tag0:version="1.2"', "tag0:"),
        (f'ISO18626Message xmlns="{NS}" xmlns:v="{NS}" v:version="1.2"', ""),
    ],
    ids=["default namespace", "ill prefix", "any prefix", "another prefix for the version"],
)
def test_any_prefix_or_the_default_namespace_is_read(root, prefix):
    name = root.split()[0]
    body = f"<{root}>{PREFIXED.format(p=prefix)}</{name}>".encode()

    message = read(body)

    assert isinstance(message, RequestingAgencyMessage)
    assert message.action == Action.STATUS_REQUEST
    assert message.header.requesting_agency_id == AgencyId(id_type="ISIL", value="DK-710100")
    assert message.header.timestamp == datetime(2026, 3, 2, 1, 30, 15, tzinfo=UTC)


def test_a_request_as_reshare_sends_it_is_read():
    request = read(RESHARE_REQUEST)

    assert isinstance(request, Request)
    assert request.header.supplying_agency_id == AgencyId(id_type="ISIL", value="KR-SeNL")
    assert str(request.header.requesting_agency_id) == "ISIL:US-PPIU"
    assert request.header.timestamp == datetime(2026, 3, 2, 0, 4, 11, 123000, tzinfo=UTC)
    assert request.header.multiple_item_request_id == ""
    info = request.bibliographic_info
    assert (info.title, info.author, info.title_of_component) == (
        "Han'guk munhak sa",
        "Cho, Dong-il",
        "The novel in the eighteenth century",
    )
    assert info.find_item_id("ISBN") == "8971808478"
    assert info.find_item_id("ISSN") is None
    assert request.publication_info.place_of_publication == "Seoul"
    assert request.service_info.service_type == ServiceType.COPY
    assert request.service_info.any_edition is True
    assert request.service_info.need_before_date == datetime(2026, 4, 30, 4, tzinfo=UTC)
    assert request.service_info.note == "For a dissertation chapter #seq:1#"
    assert request.requested_delivery_info[0].address == PhysicalAddress(line1="Van Pelt Library ILL")
    assert request.patron_info.patron_id == "pp-4711"
    assert request.billing_info.maximum_costs.amount == Decimal(20)
    assert request.billing_info.maximum_costs.currency == "USD"


def test_a_supplying_agency_message_as_the_index_data_broker_sends_it_is_read():
    message = read(BROKER_SUPPLYING_AGENCY_MESSAGE)

    assert isinstance(message, SupplyingAgencyMessage)
    assert message.message_info.reason_for_message == ReasonForMessage.STATUS_CHANGE
    assert message.status_info.status == "Loaned"
    # Nanoseconds are more than a datetime holds: they are cut to microseconds.
    assert message.status_info.last_change == datetime(2024, 12, 12, 20, 12, 0, 629710, tzinfo=UTC)
    assert message.delivery_info.item_id == "12345"
    assert message.header.supplying_agency_request_id == "c488bef0-5735-4c33-ba13-a9f343447574"


@pytest.mark.parametrize("content_type", ["application/xml", "text/xml; charset=utf-8", "Application/XML"])
def test_xml_content_types_are_accepted(content_type):
    assert admit_message(build_message(make_request()), content_type=content_type) == make_request()


def test_timestamps_without_a_zone_are_taken_as_utc_and_all_are_aware():
    body = build_message(make_requesting_agency_message()).replace(
        b"2026-03-02T01:30:15.250000Z", b"2026-03-02T01:30:15"
    )

    timestamp = read(body).header.timestamp

    assert timestamp == datetime(2026, 3, 2, 1, 30, 15, tzinfo=UTC)
    assert timestamp.astimezone(timezone(timedelta(hours=9))).hour == 10


# What is wrong with a message, and the error type the standard answers it with.


def test_malformed_xml_is_a_badly_formed_message_answered_with_the_type_it_shows():
    body = build_message(make_supplying_agency_message())[:-40]

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert "not well-formed" in rejection.error_value
    assert rejection.confirmation.confirms == MessageType.SUPPLYING_AGENCY_MESSAGE


@pytest.mark.parametrize("body", [b"", b"   ", b"not xml at all", b"\xff\xfe\x00<"], ids=repr)
def test_a_body_that_shows_no_message_is_answered_with_a_request_confirmation(body):
    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert rejection.confirmation.confirms == MessageType.REQUEST
    assert rejection.confirmation.header.message_status == MessageStatus.ERROR
    assert rejection.confirmation.header.timestamp_received == RECEIVED_AT


def test_a_rejection_echoes_what_it_could_read_of_the_header():
    body = wrap(
        f"<requestingAgencyMessage>{HEADER}<action>Cancel</action><unexpected/></requestingAgencyMessage>"
    )

    confirmation = read_rejection(body).confirmation

    assert confirmation.confirms == MessageType.REQUESTING_AGENCY_MESSAGE
    assert confirmation.header.supplying_agency_id == AgencyId(id_type="ISIL", value="KR-SeNL")
    assert confirmation.header.requesting_agency_id == AgencyId(id_type="ISIL", value="DK-710100")
    assert confirmation.header.requesting_agency_request_id == "DK-2026-0042"
    assert confirmation.header.timestamp_received == datetime(2026, 3, 2, 1, 30, 15, tzinfo=UTC)
    assert confirmation.header.timestamp == RECEIVED_AT


def test_a_message_missing_a_required_element_is_badly_formed():
    rejection = read_rejection(wrap(f"<requestingAgencyMessage>{HEADER}</requestingAgencyMessage>"))

    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert "action" in rejection.error_value
    assert rejection.confirmation.confirms == MessageType.REQUESTING_AGENCY_MESSAGE


def test_elements_out_of_order_are_badly_formed():
    body = wrap(
        f"<requestingAgencyMessage>{HEADER}<note>n</note><action>Cancel</action></requestingAgencyMessage>"
    )

    assert read_rejection(body).error_type == ErrorType.BADLY_FORMED_MESSAGE


def test_a_timestamp_that_is_no_date_is_badly_formed():
    body = wrap(
        "<requestingAgencyMessage>"
        + HEADER.replace("2026-03-02T10:30:15+09:00", "2 March 2026")
        + "<action>Cancel</action></requestingAgencyMessage>"
    )

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert "timestamp" in rejection.error_value
    assert rejection.confirmation.header.timestamp_received == RECEIVED_AT


@pytest.mark.parametrize(
    "element",
    ["<lostDate>2026-03-02T00:00:00Z</lostDate>", '<x:extension xmlns:x="urn:example">1</x:extension>'],
    ids=["not in the schema", "another namespace"],
)
def test_an_element_the_schema_does_not_know_is_an_unrecognised_data_element(element):
    body = wrap(
        f"<requestingAgencyMessage>{HEADER}<action>Cancel</action>{element}</requestingAgencyMessage>"
    )

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.UNRECOGNISED_DATA_ELEMENT
    assert ("lostDate" in rejection.error_value) or ("extension" in rejection.error_value)


def test_an_action_the_schema_does_not_know_is_an_unsupported_action_type():
    body = wrap(f"<requestingAgencyMessage>{HEADER}<action>HoldReturn</action></requestingAgencyMessage>")

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.UNSUPPORTED_ACTION_TYPE
    assert rejection.error_value == "action: HoldReturn is not an action of ISO 18626 version 1.2."


def test_an_action_the_caller_does_not_support_is_an_unsupported_action_type():
    body = build_message(make_requesting_agency_message(action=Action.SHIPPED_FORWARD))

    rejection = read_rejection(body, actions={Action.CANCEL, Action.STATUS_REQUEST})

    assert rejection.error_type == ErrorType.UNSUPPORTED_ACTION_TYPE
    assert rejection.error_value == "action: ShippedForward is not supported."


def test_a_reason_the_schema_does_not_know_is_an_unsupported_reason_for_message_type():
    body = build_message(make_supplying_agency_message()).replace(b">StatusChange<", b">LoanConditionChange<")

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.UNSUPPORTED_REASON_FOR_MESSAGE_TYPE
    assert "LoanConditionChange" in rejection.error_value
    assert rejection.confirmation.confirms == MessageType.SUPPLYING_AGENCY_MESSAGE


def test_a_reason_the_caller_does_not_support_is_an_unsupported_reason_for_message_type():
    body = build_message(make_supplying_agency_message())

    rejection = read_rejection(body, reasons={ReasonForMessage.REQUEST_RESPONSE})

    assert rejection.error_type == ErrorType.UNSUPPORTED_REASON_FOR_MESSAGE_TYPE


def test_a_status_the_schema_does_not_know_is_an_unrecognised_data_value():
    body = build_message(make_supplying_agency_message()).replace(b">CopyCompleted<", b">Lost<")

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.UNRECOGNISED_DATA_VALUE
    assert "Lost" in rejection.error_value


@pytest.mark.parametrize("request_id", [b"", b"   "], ids=["empty", "blank"])
def test_an_empty_requesting_agency_request_id_is_an_unrecognised_data_value(request_id):
    body = build_message(make_request()).replace(b">DK-2026-0042<", b">" + request_id + b"<")

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.UNRECOGNISED_DATA_VALUE
    assert rejection.error_value == "requestingAgencyRequestId: cannot be empty."
    assert rejection.confirmation.confirms == MessageType.REQUEST


def test_the_wrong_namespace_is_badly_formed_but_answered_with_the_type_it_shows():
    body = build_message(make_supplying_agency_message()).replace(
        NS.encode(), b"http://illtransactions.org/2021/iso18626"
    )

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert NS in rejection.error_value
    assert rejection.confirmation.confirms == MessageType.SUPPLYING_AGENCY_MESSAGE
    assert rejection.confirmation.header.requesting_agency_request_id == "DK-2026-0042"


def test_no_namespace_at_all_is_badly_formed():
    body = b'<ISO18626Message version="1.2"><request/></ISO18626Message>'

    assert read_rejection(body).error_type == ErrorType.BADLY_FORMED_MESSAGE


@pytest.mark.parametrize("version", ["2021-3", "1.1", "1.0"])
def test_another_version_is_an_unrecognised_data_value(version):
    body = build_message(make_request()).replace(b'ill:version="1.2"', f'ill:version="{version}"'.encode())

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.UNRECOGNISED_DATA_VALUE
    assert rejection.error_value.startswith(f"version: {version} is not supported")


def test_a_version_outside_the_namespace_is_badly_formed_and_says_so():
    body = build_message(make_request()).replace(b'ill:version="1.2"', b'version="1.2"')

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert 'ill:version="1.2"' in rejection.error_value
    assert "without the namespace" in rejection.error_value


@pytest.mark.parametrize(
    "content_type", [None, "", "application/json", "text/plain", "application/x-www-form-urlencoded"]
)
def test_a_content_type_that_is_not_xml_is_badly_formed(content_type):
    rejection = admit_message(build_message(make_request()), content_type=content_type)

    assert isinstance(rejection, Rejection)
    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert "Content-Type" in rejection.error_value
    # The body was still read, so the answer is the request's confirmation with its header.
    assert rejection.confirmation.header.requesting_agency_request_id == "DK-2026-0042"


def test_a_confirmation_posted_as_a_message_is_an_unrecognised_data_element():
    body = build_message(make_confirmation(make_requesting_agency_message(), now=RECEIVED_AT))

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.UNRECOGNISED_DATA_ELEMENT
    assert rejection.confirmation.confirms == MessageType.REQUESTING_AGENCY_MESSAGE


def test_a_year_the_schema_allows_but_python_cannot_hold_is_badly_formed():
    body = build_message(make_requesting_agency_message()).replace(
        b"2026-03-02T01:30:15.250000Z", b"12026-03-02T01:30:15Z"
    )

    rejection = read_rejection(body)

    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert "12026" in rejection.error_value


def test_a_message_without_its_envelope_is_badly_formed_and_answered_with_its_own_confirmation():
    body = f'<requestingAgencyMessage xmlns="{NS}">{HEADER}<action>Cancel</action></requestingAgencyMessage>'

    rejection = read_rejection(body.encode())

    assert rejection.error_type == ErrorType.BADLY_FORMED_MESSAGE
    assert "ISO18626Message" in rejection.error_value
    assert rejection.confirmation.confirms == MessageType.REQUESTING_AGENCY_MESSAGE
    assert rejection.confirmation.header.requesting_agency_request_id == "DK-2026-0042"


def test_an_agency_id_is_written_type_colon_value():
    agency = AgencyId.from_symbol("ISIL:KR-SeNL")

    assert agency == AgencyId(id_type="ISIL", value="KR-SeNL")
    assert str(agency) == "ISIL:KR-SeNL"
    assert AgencyId.from_symbol(" RESHARE : US-PPIU ") == AgencyId(id_type="RESHARE", value="US-PPIU")
    for symbol in ("KR-SeNL", ":KR-SeNL", "ISIL:", ""):
        with pytest.raises(ValueError):
            AgencyId.from_symbol(symbol)
