"""What the ISO 18626 exchange reads: the request a peer's message is about, its messages, a waiting cancel."""

from django.db.models import QuerySet

from partners.models import Iso18626Peer

from ..iso18626.vocabulary import Action
from ..models import Borrowing, IllRequest, Iso18626Message, Iso18626Transaction


def find_transaction(
    peer: Iso18626Peer, direction: str, requesting_agency_request_id: str
) -> Iso18626Transaction | None:
    """The request a peer's message names by the requester's id, one way (NLK supplies or borrows)."""
    return (
        Iso18626Transaction.objects.select_related("request", "peer__institution")
        .filter(peer=peer, direction=direction, requesting_agency_request_id=requesting_agency_request_id.strip())
        .first()
    )


def transaction_of(ill_request: IllRequest) -> Iso18626Transaction | None:
    """The request's ISO 18626 transaction, if it is exchanged with a peer."""
    return Iso18626Transaction.objects.select_related("peer").filter(request_id=ill_request.pk).first()


def pending_cancels(ill_request: IllRequest) -> QuerySet[Iso18626Message]:
    """The peer's requests to cancel that staff have not answered yet, oldest first."""
    return Iso18626Message.objects.filter(
        request_id=ill_request.pk, incoming=True, reason=Action.CANCEL, answered_at__isnull=True
    ).order_by("id")


def lender_peer(borrowing: Borrowing) -> Iso18626Peer | None:
    """The lender's ISO 18626 system, when it has one and messages to it are on."""
    if borrowing.lender_id is None:
        return None
    return Iso18626Peer.objects.filter(institution_id=borrowing.lender_id, messages_on=True).first()


def messages_of(ill_request: IllRequest) -> QuerySet[Iso18626Message]:
    """Every message in and out about the request, in the order they were stored."""
    return Iso18626Message.objects.filter(request_id=ill_request.pk).select_related("peer").order_by("created_at", "id")
