"""Talking to the portal's ISO 18626 endpoint as a partner system does, and reading what it answers."""

import dataclasses
from datetime import UTC, datetime

from django.urls import reverse

from ill.iso18626.encode import build_message
from ill.iso18626.inbound import parse_message
from ill.iso18626.messages import AgencyId, Confirmation, Header, MessageInfo, StatusInfo
from ill.iso18626.vocabulary import Action

from .examples import (
    PEER_AUTHENTICATION,
    make_request,
    make_requesting_agency_message,
    make_supplying_agency_message,
)

NLK = AgencyId(id_type="ISIL", value="KR-SeNL")
ROYAL_LIBRARY = AgencyId(id_type="ISIL", value="DK-710100")
ENDPOINT = "/iso18626/"


def now():
    return datetime.now(UTC)


def post(client, body: bytes, content_type="application/xml"):
    """POST a body to the endpoint; the response."""
    return client.post(ENDPOINT, body, content_type=content_type)


def answer(response) -> Confirmation:
    """The confirmation the endpoint answered with, read (and so validated against the schema)."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/xml")
    confirmation = parse_message(response.content)
    assert isinstance(confirmation, Confirmation)
    return confirmation


def error_of(response) -> tuple[str, str]:
    confirmation = answer(response)
    assert not confirmation.is_ok
    return confirmation.error_data.error_type, confirmation.error_data.error_value or ""


def header(request_id="DK-2026-0042", *, supplying=NLK, requesting=ROYAL_LIBRARY,
           authentication=PEER_AUTHENTICATION, **fields) -> Header:
    """A message's header, carrying the Royal Danish Library's account id and code unless told otherwise."""
    return Header(
        supplying_agency_id=supplying,
        requesting_agency_id=requesting,
        timestamp=now(),
        requesting_agency_request_id=request_id,
        requesting_agency_authentication=authentication,
        **fields,
    )


def request_body(request_id="DK-2026-0042", **fields) -> bytes:
    """The Royal Danish Library asks NLK for a copy of an article (tests/ill/iso18626/examples.py)."""
    message = make_request(**fields)
    message = dataclasses.replace(
        message, header=dataclasses.replace(message.header, requesting_agency_request_id=request_id, timestamp=now())
    )
    return build_message(message)


def action_body(action: Action, request_id="DK-2026-0042", note=None) -> bytes:
    """The requesting library tells or asks NLK something about its request."""
    return build_message(make_requesting_agency_message(header=header(request_id), action=action, note=note))


def lender_body(request_id, status, *, reason="StatusChange", lender=ROYAL_LIBRARY, **info) -> bytes:
    """A lender's supplyingAgencyMessage about what NLK borrows from it (request_id: NLK's reference)."""
    message = make_supplying_agency_message(
        header=header(request_id, supplying=lender, requesting=NLK, supplying_agency_request_id="KB-77"),
        message_info=MessageInfo(reason_for_message=reason, **info),
        status_info=StatusInfo(status=status, last_change=now()),
        delivery_info=None,
        return_info=None,
    )
    return build_message(message)


def change_url(ill_request):
    return reverse("admin:ill_illrequest_change", args=[ill_request.pk])
