"""The ISO 18626 endpoint: partner systems post their messages here and read NLK's confirmation in the answer."""

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from nlk_portal.core import ratelimits
from nlk_portal.core.client_ip import client_ip
from partners.models import Iso18626Peer

from ..choices import Direction
from ..iso18626.encode import build_message
from ..iso18626.errors import MessageError
from ..iso18626.inbound import admit_message
from ..iso18626.messages import (
    ErrorData,
    Message,
    Rejection,
    Request,
    SupplyingAgencyMessage,
    make_confirmation,
    same_agency,
)
from ..iso18626.vocabulary import ErrorType
from ..selectors.iso18626 import find_transaction
from ..services import iso18626, peer_messages, submission

logger = logging.getLogger(__name__)
XML = "application/xml; charset=utf-8"


@csrf_exempt
@never_cache
def endpoint(request):
    """Answer a posted ISO18626Message with its confirmation: OK once it is kept and acted on, ERROR
    (with the standard's error type) for a message that is refused, which leaves nothing behind."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if ratelimits.over_limit(request, "iso18626", settings.ILL_ISO18626_RATE):
        return too_many()
    limit = settings.ILL_ISO18626_MAX_BYTES
    # One byte past the limit is enough to refuse a body as too large without reading the rest.
    body = request.read(limit + 1)
    result = admit_message(
        body,
        content_type=request.META.get("CONTENT_TYPE"),
        actions=iso18626.SUPPORTED_ACTIONS,
        max_bytes=limit,
    )
    if isinstance(result, Rejection):
        return xml_response(build_message(result.confirmation))
    try:
        peer = find_peer(result, client_ip(request))
        # Counted once the peer has proved who it is, so nobody else can use up its rate.
        if ratelimits.over_limit_for(
            "iso18626-peer", peer.agency_symbol.casefold(), settings.ILL_ISO18626_PEER_RATE
        ):
            return too_many()
        return xml_response(accept(result, body, peer=peer))
    except MessageError as refusal:
        error = ErrorData(error_type=refusal.error_type, error_value=refusal.error_value)
        return xml_response(build_message(make_confirmation(result, error=error)))
    except Exception:
        # Our fault, not the message's (a database away): no confirmation, so the peer sends it again.
        logger.exception("ISO 18626 message not handled")
        response = HttpResponse("The message could not be handled now: send it again later.\n", status=503,
                                content_type="text/plain")
        response["Retry-After"] = "60"
        return response


def too_many() -> HttpResponse:
    # No confirmation: a peer tries a message it has no answer to again later.
    response = HttpResponse("Too many messages: try again in a minute.\n", status=429, content_type="text/plain")
    response["Retry-After"] = "60"
    return response


def xml_response(answer: bytes) -> HttpResponse:
    return HttpResponse(answer, content_type=XML)


def accept(message: Message, body: bytes, *, peer: Iso18626Peer) -> bytes:
    """Act on a valid message from `peer`, which has proved who it is (find_peer), and return the OK
    confirmation it was answered with.

    Raises MessageError for a request NLK does not know. The message is kept without its security code.
    """
    answer = build_message(make_confirmation(message))
    request_id = message.header.requesting_agency_request_id
    if isinstance(message, Request):
        submission.submit_iso18626_request(message, peer=peer, body=body, answer=answer)
        return answer
    if isinstance(message, SupplyingAgencyMessage):
        link = find_transaction(peer, Direction.NLK_BORROWS, request_id)
        receive = iso18626.receive_supplying_agency_message
    else:
        link = find_transaction(peer, Direction.NLK_SUPPLIES, request_id)
        receive = iso18626.receive_requesting_agency_message
    if link is None:
        raise MessageError(
            ErrorType.UNRECOGNISED_DATA_VALUE,
            f"requestingAgencyRequestId: {request_id} names no request exchanged between "
            f"{peer.agency_symbol} and {peer_messages.nlk_agency()}.",
        )
    receive(message, link=link, body=body, answer=answer)
    return answer


def find_peer(message: Message, client_address: str) -> Iso18626Peer:
    """The registered peer that sent the message; the other agency of its header must be NLK.

    The header's requestingAgencyAuthentication must carry the peer's account id and security code,
    and the post come from its client networks. An unknown agency, a missing or wrong account id or
    code, and an address outside the networks are all answered with the same error.
    """
    header = message.header
    if isinstance(message, SupplyingAgencyMessage):
        # The peer supplies (NLK borrows from it).
        ours, theirs = ("requestingAgencyId", header.requesting_agency_id), ("supplyingAgencyId", header.supplying_agency_id)
    else:
        ours, theirs = ("supplyingAgencyId", header.supplying_agency_id), ("requestingAgencyId", header.requesting_agency_id)
    nlk = peer_messages.nlk_agency()
    if not same_agency(ours[1], nlk):
        raise MessageError(ErrorType.UNRECOGNISED_DATA_VALUE, f"{ours[0]}: {ours[1]} is not this library ({nlk}).")
    credentials = header.requesting_agency_authentication
    peer = Iso18626Peer.objects.authenticated(
        theirs[1].id_type,
        theirs[1].value,
        account_id=credentials.account_id if credentials else None,
        security_code=credentials.security_code if credentials else None,
        address=client_address,
    )
    if peer is None:
        raise MessageError(
            ErrorType.UNRECOGNISED_DATA_VALUE,
            f"{theirs[0]}: {theirs[1]} with this requestingAgencyAuthentication is not a registered "
            f"partner of {nlk}.",
        )
    return peer
