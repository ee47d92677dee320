"""The ISO 18626 messages exchanged with partner systems: each one kept, and those NLK sends delivered
until the peer confirms them.

A message NLK sends is stored first, in the transaction of the change it reports, and the task
`ill.tasks.send_iso18626_message` is named for it after commit. The task claims the row, sends it
once the earlier messages about the same request are confirmed, and keeps the peer's confirmation;
a few messages to one peer at most are in flight at once (ILL_ISO18626_PEER_SENDS).
A peer that cannot be reached leaves the row to be tried again after a pause that doubles each
time (`send_due_messages`, which beat runs every minute); a row the peer confirmed is never sent
again. A row the peer refused (an ERROR confirmation) waits for staff to send it again or drop it, and
the later messages about the same request wait with it: the peer never sees a request's status go
backwards or skip one without staff having chosen to drop it.
"""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone, translation

from nlk_portal.core.calendar import LIBRARY_TIME_ZONE
from nlk_portal.core.money import Money
from nlk_portal.outbox.dispatch import after_commit
from partners.models import Iso18626Peer

from ..iso18626 import client, outgoing
from ..iso18626.encode import build_message, with_authentication
from ..iso18626.errors import InvalidMessage
from ..iso18626.messages import (
    AgencyId,
    Authentication,
    Confirmation,
    Header,
    Message,
    PhysicalAddress,
    RequestingAgencyMessage,
    SupplyingAgencyMessage,
)
from ..iso18626.parsing import canonical_form
from ..iso18626.vocabulary import Action, ReasonForMessage
from ..models import IllRequest, Iso18626Message, Iso18626Transaction, StatusChange
from ..rules import fees
from ..status import Status, UnfilledReason

logger = logging.getLogger(__name__)
State = Iso18626Message.State
SEND_TASK = "ill.tasks.send_iso18626_message"
# A message in one of these is still on its way; a later one about the same request waits for it. A refused
# one holds the later ones until staff send it again (it is then on its way) or drop it (then it is not).
UNFINISHED = Iso18626Message.UNFINISHED
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
BATCH = 100
# The answer a supplier gives first, after which every change is a StatusChange.
ANSWERS = (ReasonForMessage.REQUEST_RESPONSE, ReasonForMessage.STATUS_CHANGE)
# A loan that is out, whose due date the peer is told.


def nlk_agency() -> AgencyId:
    """NLK's own agency id, from the setting ILL_ISO18626_AGENCY."""
    return AgencyId.from_symbol(settings.ILL_ISO18626_AGENCY)


def peer_agency(peer: Iso18626Peer) -> AgencyId:
    """`peer`'s agency id, as its row records it."""
    return AgencyId(id_type=peer.agency_id_type, value=peer.agency_id_value)


def peer_authentication(peer: Iso18626Peer) -> Authentication | None:
    """The requestingAgencyAuthentication NLK's messages carry to `peer`: the account id and code it gave
    NLK (none when it gave neither). Added as a message is posted, never kept in its row."""
    if not (peer.send_account_id or peer.send_security_code):
        return None
    return Authentication(account_id=peer.send_account_id or None, security_code=peer.send_security_code or None)


def retry_delay(attempts: int) -> timedelta:
    """The pause before trying a message again: a minute after the first failure, doubling, at most an hour."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 10), LONGEST_RETRY)


# Keeping what comes in.


def record_incoming(
    ill_request: IllRequest, peer: Iso18626Peer, message: Message, *, body: bytes, answer: bytes
) -> Iso18626Message:
    """Keep a message a peer sent about `ill_request`, in its canonical form, with the confirmation it was
    answered with. The same message sent again (the same canonical form, about the same request) is
    counted on the row already kept, which is returned with `resends` above zero."""
    canonical = canonical_form(body)
    digest = hashlib.sha256(canonical).hexdigest()
    kept = Iso18626Message.objects.filter(
        request_id=ill_request.pk, peer_id=peer.pk, incoming=True, body_digest=digest
    ).first()
    if kept is not None:
        now = timezone.now()
        Iso18626Message.objects.filter(pk=kept.pk).update(resends=F("resends") + 1, last_resent_at=now)
        kept.refresh_from_db(fields=["resends", "last_resent_at"])
        return kept
    reason, status, answer_yes_no = describe(message)
    return Iso18626Message.objects.create(
        request=ill_request,
        peer=peer,
        incoming=True,
        message_type=message.message_type,
        reason=reason,
        status=status,
        answer_yes_no=answer_yes_no,
        timestamp=message.header.timestamp,
        body=canonical.decode("utf-8"),
        body_digest=digest,
        confirmation=answer.decode("utf-8"),
        state=State.RECEIVED,
    )


def describe(message: Message) -> tuple[str, str, bool | None]:
    """(reason or action, status, answer) of a message, as its row shows them."""
    if isinstance(message, SupplyingAgencyMessage):
        info = message.message_info
        return str(info.reason_for_message), message.status_info.status, info.answer_yes_no
    if isinstance(message, RequestingAgencyMessage):
        return str(message.action), "", None
    return "", "", None


# Storing what goes out.


def store(
    ill_request: IllRequest,
    peer: Iso18626Peer,
    message: Message,
    *,
    key: str | None = None,
    in_reply_to: Iso18626Message | None = None,
) -> Iso18626Message:
    """Keep a message to send to `peer` about `ill_request`, built and checked against the schema, and return
    its row; raises ill.iso18626.errors.InvalidMessage for a message the schema refuses.

    Once per `key`: a key already stored gives back its row. The caller names the task that sends it
    (or calls `queue`, which does).
    """
    if key and (existing := Iso18626Message.objects.filter(key=key).first()):
        return existing
    reason, status, answer_yes_no = describe(message)
    return Iso18626Message.objects.create(
        request=ill_request,
        peer=peer,
        incoming=False,
        message_type=message.message_type,
        reason=reason,
        status=status,
        answer_yes_no=answer_yes_no,
        timestamp=message.header.timestamp,
        body=build_message(message).decode("utf-8"),
        state=State.PENDING,
        key=key,
        in_reply_to=in_reply_to,
    )


def queue(
    ill_request: IllRequest,
    peer: Iso18626Peer,
    message: Message,
    *,
    key: str | None = None,
    in_reply_to: Iso18626Message | None = None,
) -> Iso18626Message:
    """Keep a message to send (see store) and have it sent once the caller's transaction commits
    (ill.tasks.send_iso18626_message), once per `key`. Returns its row."""
    if key and (existing := Iso18626Message.objects.filter(key=key).first()):
        return existing
    row = store(ill_request, peer, message, key=key, in_reply_to=in_reply_to)
    after_commit(SEND_TASK, row.pk)
    return row


def supplier_header(transaction_row: Iso18626Transaction, ill_request: IllRequest) -> Header:
    """The header of a message NLK sends as supplier about a peer's request."""
    return outgoing.make_header(
        supplying=nlk_agency(),
        requesting=peer_agency(transaction_row.peer),
        requesting_agency_request_id=transaction_row.requesting_agency_request_id,
        supplying_agency_request_id=ill_request.reference,
        now=timezone.now(),
    )


def requester_header(transaction_row: Iso18626Transaction) -> Header:
    """The header of a message NLK sends as requester, about what it borrows."""
    return outgoing.make_header(
        supplying=peer_agency(transaction_row.peer),
        requesting=nlk_agency(),
        requesting_agency_request_id=transaction_row.requesting_agency_request_id,
        supplying_agency_request_id=transaction_row.supplying_agency_request_id,
        now=timezone.now(),
    )


def store_status_change(change: StatusChange) -> Iso18626Message | None:
    """For a request a peer sent NLK, the supplyingAgencyMessage that tells it of `change` (a StatusChange).

    RequestResponse for NLK's first answer, then StatusChange; a CancelResponse (yes) when the
    request is cancelled while the peer asked to cancel it. Costs: the estimate with the first
    answer, and what is charged (from the fee schedule) when the copy or the loan is sent.
    Returns the message stored (the caller has it sent after commit), or None for a request that did not come
    from a peer.
    """
    ill_request = change.request
    if ill_request.is_borrowing:
        return None
    link = Iso18626Transaction.objects.select_related("peer").filter(request_id=ill_request.pk).first()
    if link is None:
        return None
    answered = Iso18626Message.objects.filter(
        request_id=ill_request.pk, incoming=False, reason__in=ANSWERS
    ).exists()
    reason = ReasonForMessage.STATUS_CHANGE if answered else ReasonForMessage.REQUEST_RESPONSE
    answer_yes_no: bool | None = None
    in_reply_to: Iso18626Message | None = None
    if change.to_status == Status.CANCELLED and (cancel := take_cancel_request(ill_request, by=change.changed_by)):
        reason, answer_yes_no, in_reply_to = ReasonForMessage.CANCEL_RESPONSE, True, cancel
    offered = None
    accepted = (Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY)
    if reason == ReasonForMessage.REQUEST_RESPONSE and change.to_status in accepted:
        offered = as_money(fees.recorded_quote(ill_request))
    charged = fees.charged_quote(ill_request, change.to_status)
    note, reason_unfilled = change.note, ""
    if change.to_status == Status.UNFILLED:
        reason_unfilled, note = unfilled_reason(change.reason, change.note)
    message = outgoing.make_supplying_agency_message(
        header=supplier_header(link, ill_request),
        reason=reason,
        status=change.to_status,
        last_change=change.changed_at,
        note=note,
        answer_yes_no=answer_yes_no,
        reason_unfilled=reason_unfilled,
        reason_retry=change.note if change.to_status == Status.RETRY_POSSIBLE else "",
        offered_costs=offered,
        date_sent=change.changed_at if charged is not None else None,
        delivery_costs=as_money(charged) if charged is not None else None,
        due_date=loan_due_at(ill_request) if change.to_status == Status.LOANED else None,
    )
    return store(ill_request, link.peer, message, key=f"change:{change.pk}", in_reply_to=in_reply_to)


def unfilled_reason(reason: str, note: str) -> tuple[str, str]:
    """(reasonUnfilled, note) for an unfilled request: the reason as a code, and in words before the note."""
    if reason not in UnfilledReason.values:
        return reason, note
    with translation.override("en"):
        label = str(UnfilledReason(reason).label)
    return outgoing.format_reason_code(reason), f"{label}. {note}".strip()


def take_cancel_request(ill_request: IllRequest, *, by: User | None) -> Iso18626Message | None:
    """Answer yes, by `by`, every Cancel of the peer still waiting, and return the latest one answered yes that
    has no reply yet (the one a cancellation's CancelResponse answers), or None."""
    now = timezone.now()
    Iso18626Message.objects.filter(
        request_id=ill_request.pk, incoming=True, reason=Action.CANCEL, answered_at__isnull=True
    ).update(answer_yes_no=True, answered_at=now, answered_by=by)
    return (
        Iso18626Message.objects.filter(
            request_id=ill_request.pk, incoming=True, reason=Action.CANCEL, answer_yes_no=True,
            replies__isnull=True,
        )
        .order_by("-id")
        .first()
    )


def loan_due_at(ill_request: IllRequest) -> datetime | None:
    """statusInfo/dueDate of a loan that is out: the end of its due date in Seoul, or None."""
    if ill_request.loan_due_date is None or not ill_request.is_on_loan:
        return None
    return datetime.combine(ill_request.loan_due_date, time(23, 59, 59), tzinfo=LIBRARY_TIME_ZONE)


def as_money(quote: fees.Quote | None) -> Money | None:
    """The total of `quote` as ISO 18626 costs, or None when there is no quote or it is nothing."""
    if quote is None or not quote.total:
        return None
    return Money(amount=Decimal(quote.total).quantize(Decimal("0.01")), currency=quote.currency)


def queue_status_report(ill_request: IllRequest, link: Iso18626Transaction, *, in_reply_to: Iso18626Message,
                        reason: ReasonForMessage | None = None, answer_yes_no: bool | None = None,
                        note: str = "") -> Iso18626Message:
    """Answer a peer's message with the request's status now: a StatusRequestResponse, or `reason`
    (a CancelResponse or RenewResponse) with its answer. Queued once per message answered (see queue);
    returns its row."""
    last = ill_request.history.order_by("-changed_at", "-id").first()
    message = outgoing.make_supplying_agency_message(
        header=supplier_header(link, ill_request),
        reason=reason or ReasonForMessage.STATUS_REQUEST_RESPONSE,
        status=ill_request.status,
        last_change=last.changed_at if last else ill_request.received_at,
        answer_yes_no=answer_yes_no,
        note=note,
        due_date=loan_due_at(ill_request),
    )
    return queue(ill_request, link.peer, message, key=f"reply:{in_reply_to.pk}", in_reply_to=in_reply_to)


def queue_borrowing_request(
    ill_request: IllRequest, link: Iso18626Transaction, *, max_cost: Money | None
) -> Iso18626Message:
    """Queue (see queue) the `request` NLK sends a lender for a user in Korea, asking for the material to be sent
    to NLK; once per request. Returns its row."""
    library = ill_request.requesting_library
    message = outgoing.make_borrowing_request(
        ill_request,
        header=requester_header(link),
        requester_name=library.name_en,
        requester_email=library.ill_email,
        delivery_address=PhysicalAddress(line1=library.address or library.name_en, country="KR"),
        max_cost=max_cost,
    )
    return queue(ill_request, link.peer, message, key=f"request:{ill_request.pk}")


def queue_requester_action(ill_request: IllRequest, link: Iso18626Transaction, action: Action, *, note: str = "",
                           key: str | None = None) -> Iso18626Message:
    """Queue (see queue) what NLK as requester tells the lender: Received, ShippedReturn, Cancel. Returns its
    row."""
    message = outgoing.make_requesting_agency_message(header=requester_header(link), action=action, note=note)
    return queue(ill_request, link.peer, message, key=key)


# Posting.


def post_message(message_id: int) -> str:
    """Send one stored message to its peer, unless it is no longer waiting to be sent; return its state.

    The row is claimed (state SENDING) in a short transaction, so two workers handed the same task send it
    once; it is posted outside any transaction, and what the peer answered is kept in another. At most
    ILL_ISO18626_PEER_SENDS messages to one peer are in flight at once: one more is left for the sweep,
    so a peer that hangs holds no more workers than that.
    """
    row, claimed = _claim(message_id)
    if not claimed:  # not waiting to be sent, or another worker's to send
        return row.state
    try:
        body = with_authentication(row.body.encode("utf-8"), peer_authentication(row.peer))
        confirmation = client.send(
            row.peer.endpoint_url, body, timeout=settings.ILL_ISO18626_TIMEOUT,
            connect_timeout=settings.ILL_ISO18626_CONNECT_TIMEOUT,
        )
    except client.DeliveryError as error:
        return _record(row, error)
    return _record(row, confirmation)


def _claim(message_id: int) -> tuple[Iso18626Message, bool]:
    """The message, and whether this worker claimed it to send (SENDING); a message already SENDING is
    another worker's."""
    with transaction.atomic():
        row = Iso18626Message.objects.select_for_update(of=("self",)).select_related("peer").get(pk=message_id)
        if row.incoming or row.state != State.PENDING:
            return row, False
        now = timezone.now()
        if not row.peer.messages_on:
            _save(row, state=State.HELD, next_attempt_at=None)
        elif _earlier_unfinished(row).exists():
            _save(row, state=State.WAITING, next_attempt_at=None)
        else:
            # Claims for one peer are taken one at a time (its row locked), so they keep to its limit.
            Iso18626Peer.objects.select_for_update().filter(pk=row.peer_id).exists()
            if _in_flight(now).filter(peer_id=row.peer_id).count() >= settings.ILL_ISO18626_PEER_SENDS:
                _save(row, state=State.RETRYING, next_attempt_at=now)  # not an attempt: the sweep hands it over
            else:
                row.attempts += 1
                _save(row, state=State.SENDING, next_attempt_at=now + _longest_send())
                return row, True
        return row, False


def _record(sent: Iso18626Message, outcome: Confirmation | client.DeliveryError) -> str:
    """Keep what the peer answered the claimed message `sent`: `outcome` is its confirmation or the error."""
    with transaction.atomic():
        row = Iso18626Message.objects.select_for_update(of=("self",)).get(pk=sent.pk)
        if row.state != State.SENDING or row.attempts != sent.attempts:
            return row.state  # taken as lost and handed over again meanwhile
        now = timezone.now()
        if isinstance(outcome, client.ConfirmationError):
            _save(row, state=State.REFUSED, error=str(outcome)[:2000],
                  confirmation=confirmation_text(outcome.confirmation), next_attempt_at=None)
        elif isinstance(outcome, client.DeliveryError):  # unreachable, timed out, or no valid confirmation
            logger.warning("ISO 18626 message %s not delivered: %s", row.pk, outcome)
            return _save(row, state=State.RETRYING, error=str(outcome)[:2000],
                         next_attempt_at=now + retry_delay(row.attempts))
        else:
            _save(row, state=State.CONFIRMED, error="", confirmation=confirmation_text(outcome),
                  confirmed_at=now, next_attempt_at=None)
            _hand_over_due_to(row.peer_id, now)
        _hand_over_next(row)
    return row.state


def _longest_send() -> timedelta:
    """How long a send may take before it is taken as lost (its worker killed): its deadline and a margin."""
    return timedelta(seconds=settings.ILL_ISO18626_TIMEOUT + settings.ILL_ISO18626_CONNECT_TIMEOUT + 60)


def _in_flight(now: datetime) -> QuerySet[Iso18626Message]:
    return Iso18626Message.objects.filter(state=State.SENDING, next_attempt_at__gt=now)


def _hand_over_due_to(peer_id: int, now: datetime) -> None:
    """A peer that confirmed is sent at once the oldest message to it whose pause is over (one left while it was busy)."""
    due = (
        Iso18626Message.objects.filter(peer_id=peer_id, incoming=False, state=State.RETRYING, next_attempt_at__lte=now)
        .order_by("id")
        .first()
    )
    if due is not None:
        due.state, due.next_attempt_at = State.PENDING, None
        due.save(update_fields=["state", "next_attempt_at"])
        after_commit(SEND_TASK, due.pk)


def confirmation_text(confirmation: Confirmation) -> str:
    """The confirmation as the XML kept on the row (its repr, should it not build)."""
    try:
        return build_message(confirmation).decode("utf-8")
    except InvalidMessage as error:  # it validated when read, so this is our bug: keep what is known
        return f"{confirmation!r} ({error})"


def _save(row: Iso18626Message, **fields: Any) -> str:
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=[*fields, "attempts"])
    return row.state


def _earlier_unfinished(row: Iso18626Message) -> QuerySet[Iso18626Message]:
    return Iso18626Message.objects.filter(
        request_id=row.request_id, incoming=False, id__lt=row.id, state__in=UNFINISHED
    )


def _hand_over_next(row: Iso18626Message) -> None:
    """The next message about the same request that waited for this one is sent now."""
    following = (
        Iso18626Message.objects.filter(request_id=row.request_id, incoming=False, state=State.WAITING)
        .order_by("id")
        .first()
    )
    if following is not None and not _earlier_unfinished(following).exists():
        following.state = State.PENDING
        following.save(update_fields=["state"])
        after_commit(SEND_TASK, following.pk)


def send_due_messages(now: datetime | None = None) -> int:
    """Hand over again the messages whose pause is over, those held while messages to their peer
    were off, and those left waiting for a message now confirmed; return how many."""
    now = now or timezone.now()
    handed = 0
    with transaction.atomic():
        # Each peer is given no more than its free places: a peer with as many sends in flight as it may
        # have (one that hangs) is passed over, and the others' messages go out all the same.
        free: defaultdict[int, int] = defaultdict(lambda: settings.ILL_ISO18626_PEER_SENDS)
        for peer_id, count in _in_flight(now).values_list("peer_id").annotate(count=Count("id")).order_by():
            free[peer_id] -= count
        due = Iso18626Message.objects.filter(
            Q(state=State.RETRYING, next_attempt_at__lte=now)
            | Q(state=State.HELD, peer__messages_on=True)
            | Q(state=State.WAITING)
            | Q(state=State.SENDING, next_attempt_at__lte=now),  # a send whose worker was lost
            incoming=False,
        ).exclude(peer_id__in=[peer_id for peer_id, places in free.items() if places <= 0]).order_by("id")
        for row in due.select_for_update(skip_locked=True, of=("self",))[:BATCH]:
            if row.state == State.WAITING and _earlier_unfinished(row).exists():
                continue
            if row.state != State.WAITING:
                if free[row.peer_id] <= 0:
                    continue
                free[row.peer_id] -= 1
            row.state, row.next_attempt_at = State.PENDING, None
            row.save(update_fields=["state", "next_attempt_at"])
            after_commit(SEND_TASK, row.pk)
            handed += 1
    return handed


def refused_for(ill_request: IllRequest) -> QuerySet[Iso18626Message]:
    """The request's messages the peer refused, oldest first: the first holds every later one."""
    return Iso18626Message.objects.filter(request_id=ill_request.pk, incoming=False, state=State.REFUSED).order_by("id")


def held_behind(message: Iso18626Message) -> int:
    """How many later messages about the same request wait for `message`."""
    return Iso18626Message.objects.filter(
        request_id=message.request_id, incoming=False, id__gt=message.id, state__in=UNFINISHED
    ).count()


def drop(rows: Iterable[Iso18626Message]) -> int:
    """Staff's choice never to send refused messages: each is marked dropped, and the next message about its
    request, which waited for it, is sent after commit. Returns how many were dropped."""
    dropped = 0
    with transaction.atomic():
        for row in Iso18626Message.objects.select_for_update().filter(
            pk__in=[row.pk for row in rows], incoming=False, state=State.REFUSED
        ).order_by("id"):
            row.state, row.next_attempt_at = State.DROPPED, None
            row.save(update_fields=["state", "next_attempt_at"])
            _hand_over_next(row)
            dropped += 1
    return dropped


def send_again(rows: Iterable[Iso18626Message]) -> int:
    """Staff's retry of messages not confirmed (refused, held, or waiting for their next attempt): each is sent
    again after commit (ill.tasks.send_iso18626_message). Returns how many."""
    handed = 0
    with transaction.atomic():
        for row in Iso18626Message.objects.select_for_update().filter(
            pk__in=[row.pk for row in rows], incoming=False, state__in=[State.REFUSED, State.RETRYING, State.HELD]
        ):
            row.state, row.next_attempt_at = State.PENDING, None
            row.save(update_fields=["state", "next_attempt_at"])
            after_commit(SEND_TASK, row.pk)
            handed += 1
    return handed
