from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from lxml import etree

from ill.iso18626.encode import build_message
from ill.iso18626.errors import InvalidMessage
from ill.iso18626.messages import (
    BibliographicInfo,
    Confirmation,
    ErrorData,
    MessageInfo,
    Request,
    StatusInfo,
    SupplyingAgencyMessage,
    make_confirmation,
)
from ill.iso18626.vocabulary import (
    NAMESPACE,
    STATUSES,
    Action,
    ErrorType,
    MessageStatus,
    MessageType,
    ReasonForMessage,
)
from nlk_portal.core.money import Money

from .examples import (
    NLK,
    ROYAL_LIBRARY,
    SENT_AT,
    make_header,
    make_request,
    make_requesting_agency_message,
    make_supplying_agency_message,
)
from .peer import find_schema_errors, load_schema

SCHEMA = load_schema()
NOW = datetime(2026, 3, 2, 1, 30, 16, tzinfo=UTC)


def assert_valid(body: bytes) -> etree._Element:
    """Check a body against the vendored schema with lxml alone, and return its message element."""
    assert find_schema_errors(SCHEMA, body) == []
    return etree.fromstring(body)[0]


def child_text(element: etree._Element, path: str) -> str | None:
    return element.findtext(path.replace("ill:", f"{{{NAMESPACE}}}"))


def test_a_full_request_nlk_sends_as_requester_is_valid():
    request = make_request(header=make_header(supplying_agency_id=ROYAL_LIBRARY, requesting_agency_id=NLK))

    element = assert_valid(build_message(request))

    assert etree.QName(element).localname == "request"
    assert child_text(element, "ill:header/ill:requestingAgencyId/ill:agencyIdValue") == "KR-SeNL"
    assert child_text(element, "ill:billingInfo/ill:maximumCosts/ill:monetaryValue") == "25.00"
    assert child_text(element, "ill:billingInfo/ill:maximumCosts/ill:currencyCode") == "USD"


def test_the_smallest_request_is_valid():
    request = Request(header=make_header(), bibliographic_info=BibliographicInfo())

    element = assert_valid(build_message(request))

    # The schema of version 1.2 requires multipleItemRequestId, so it is written even when empty.
    assert child_text(element, "ill:header/ill:multipleItemRequestId") == ""


@pytest.mark.parametrize("reason", list(ReasonForMessage))
def test_a_supplying_agency_message_for_every_reason_is_valid(reason):
    message = make_supplying_agency_message(
        message_info=MessageInfo(
            reason_for_message=reason, answer_yes_no=reason == ReasonForMessage.CANCEL_RESPONSE
        )
    )

    element = assert_valid(build_message(message))

    assert child_text(element, "ill:messageInfo/ill:reasonForMessage") == reason


@pytest.mark.parametrize("status", STATUSES)
def test_a_supplying_agency_message_for_every_status_is_valid(status):
    message = make_supplying_agency_message(status_info=StatusInfo(status=status, last_change=SENT_AT))

    assert child_text(assert_valid(build_message(message)), "ill:statusInfo/ill:status") == status


def test_a_supplying_agency_message_carries_its_reasons_costs_and_answer():
    element = assert_valid(build_message(make_supplying_agency_message()))

    assert child_text(element, "ill:messageInfo/ill:answerYesNo") == "Y"
    assert child_text(element, "ill:messageInfo/ill:reasonUnfilled") == "NotHeld"
    assert child_text(element, "ill:messageInfo/ill:reasonRetry") == "CostExceedsMaxCost"
    assert child_text(element, "ill:deliveryInfo/ill:deliveryCosts/ill:monetaryValue") == "9.00"
    assert child_text(element, "ill:deliveryInfo/ill:sentToPatron") == "false"
    assert child_text(element, "ill:statusInfo/ill:lastChange") == "2026-03-04T06:00:00Z"


@pytest.mark.parametrize("action", list(Action))
def test_a_requesting_agency_message_for_every_action_is_valid(action):
    element = assert_valid(build_message(make_requesting_agency_message(action=action)))

    assert child_text(element, "ill:action") == action


@pytest.mark.parametrize(
    "message",
    [make_request(), make_supplying_agency_message(), make_requesting_agency_message()],
    ids=lambda message: message.message_type,
)
def test_the_ok_confirmation_of_each_message_is_valid_and_echoes_its_header(message):
    element = assert_valid(build_message(make_confirmation(message, now=NOW)))

    assert etree.QName(element).localname == f"{message.message_type}Confirmation"
    assert [etree.QName(child).localname for child in element[0]] == [
        "supplyingAgencyId",
        "requestingAgencyId",
        "timestamp",
        "requestingAgencyRequestId",
        "multipleItemRequestId",
        "timestampReceived",
        "messageStatus",
    ]
    assert child_text(element, "ill:confirmationHeader/ill:supplyingAgencyId/ill:agencyIdValue") == "KR-SeNL"
    assert (
        child_text(element, "ill:confirmationHeader/ill:requestingAgencyId/ill:agencyIdValue") == "DK-710100"
    )
    assert child_text(element, "ill:confirmationHeader/ill:requestingAgencyRequestId") == "DK-2026-0042"
    assert child_text(element, "ill:confirmationHeader/ill:timestamp") == "2026-03-02T01:30:16Z"
    assert (
        child_text(element, "ill:confirmationHeader/ill:timestampReceived") == "2026-03-02T01:30:15.250000Z"
    )
    assert child_text(element, "ill:confirmationHeader/ill:messageStatus") == "OK"
    assert element.find(f"{{{NAMESPACE}}}errorData") is None


def test_confirmations_echo_the_reason_or_the_action_they_confirm():
    supplying = assert_valid(build_message(make_confirmation(make_supplying_agency_message(), now=NOW)))
    requesting = assert_valid(build_message(make_confirmation(make_requesting_agency_message(), now=NOW)))

    assert child_text(supplying, "ill:reasonForMessage") == "StatusChange"
    assert child_text(requesting, "ill:action") == "Cancel"


@pytest.mark.parametrize("error_type", list(ErrorType))
@pytest.mark.parametrize(
    "message",
    [make_request(), make_supplying_agency_message(), make_requesting_agency_message()],
    ids=lambda message: message.message_type,
)
def test_the_error_confirmation_of_each_message_is_valid(message, error_type):
    error = ErrorData(error_type=error_type, error_value="supplyingAgencyId: ISIL:XX-0 is not this library")

    element = assert_valid(build_message(make_confirmation(message, error=error, now=NOW)))

    assert child_text(element, "ill:confirmationHeader/ill:messageStatus") == "ERROR"
    assert child_text(element, "ill:errorData/ill:errorType") == error_type
    assert child_text(element, "ill:errorData/ill:errorValue") == error.error_value


def test_the_envelope_has_a_default_namespace_and_a_qualified_version():
    body = build_message(make_requesting_agency_message())
    root = etree.fromstring(body)

    assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert root.nsmap == {None: NAMESPACE, "ill": NAMESPACE}
    assert root.get(f"{{{NAMESPACE}}}version") == "1.2"


def test_money_is_written_as_a_plain_decimal():
    costs = Money(amount=Decimal("1.2E+1"), currency="USD")
    message = make_supplying_agency_message(
        message_info=MessageInfo(reason_for_message="Notification", offered_costs=costs)
    )

    element = assert_valid(build_message(message))

    assert child_text(element, "ill:messageInfo/ill:offeredCosts/ill:monetaryValue") == "12"


@pytest.mark.parametrize(
    "message, complaint",
    [
        (make_supplying_agency_message(status_info=StatusInfo(status="Lost", last_change=SENT_AT)), "Lost"),
        (make_requesting_agency_message(action="HoldReturn"), "HoldReturn"),
        (make_request(header=make_header(timestamp=datetime(2026, 3, 2))), "aware"),
        (make_request(header=make_header(requesting_agency_request_id=None)), "requestingAgencyRequestId"),
        (make_requesting_agency_message(note="bell\x07"), "XML compatible"),
        (
            make_supplying_agency_message(
                message_info=MessageInfo(
                    reason_for_message="StatusChange",
                    offered_costs=Money(amount=Decimal("NaN"), currency="USD"),
                )
            ),
            "NaN",
        ),
        (
            Confirmation(
                confirms=MessageType.REQUEST,
                header=make_confirmation(make_request(), now=NOW).header,
                action=Action.CANCEL,
            ),
            "action",
        ),
    ],
    ids=[
        "unknown status",
        "unknown action",
        "naive timestamp",
        "no request id",
        "control character",
        "NaN",
        "misplaced",
    ],
)
def test_a_message_that_would_not_validate_is_never_returned(message, complaint):
    with pytest.raises(InvalidMessage, match=complaint):
        build_message(message)


def test_an_error_confirmation_says_error_even_without_error_data():
    confirmation = make_confirmation(make_request(), now=NOW)
    refused = replace(confirmation, header=replace(confirmation.header, message_status=MessageStatus.ERROR))

    element = assert_valid(build_message(refused))

    assert child_text(element, "ill:confirmationHeader/ill:messageStatus") == "ERROR"


def test_building_a_supplying_agency_message_from_values_alone():
    """What the services will do: a status change to a requester, with the copy's cost in USD."""
    message = SupplyingAgencyMessage(
        header=make_header(),
        message_info=MessageInfo(reason_for_message=ReasonForMessage.REQUEST_RESPONSE),
        status_info=StatusInfo(status="WillSupply", last_change=SENT_AT),
    )

    element = assert_valid(build_message(message))

    assert child_text(element, "ill:statusInfo/ill:status") == "WillSupply"
    assert element.find(f"{{{NAMESPACE}}}deliveryInfo") is None
