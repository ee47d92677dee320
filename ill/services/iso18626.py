"""What partner systems' ISO 18626 messages do to requests: each is kept, acted on through the services
staff use by hand, and answered where the standard has an answer.

When NLK supplies, the peer is the requesting library: its requestingAgencyMessages ask for the
status, to cancel (staff accept or refuse), to renew (the loan policy answers), or tell NLK it has
received the material, shipped a loan back, or something to note. When NLK borrows, the peer is
the lender: its supplyingAgencyMessages answer the request and report what became of it, and
update the borrowing as staff would record the same step.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nlk_portal.core.calendar import library_date

from ..choices import BorrowingStep, Service
from ..iso18626.messages import RequestingAgencyMessage, SupplyingAgencyMessage
from ..iso18626.to_request import fit
from ..iso18626.vocabulary import Action, ReasonForMessage
from ..models import MAX_TEXT, IllRequest, InternalNote, Iso18626Message, Iso18626Transaction, StatusChange
from ..rules import terms
from ..rules.history_words import Words, phrase
from ..selectors.iso18626 import pending_cancels
from ..status import Status
from . import borrowing, peer_messages, workflow

# What a requesting library may ask or tell NLK; ShippedForward (to another library) NLK does not take.
SUPPORTED_ACTIONS = frozenset(
    {Action.STATUS_REQUEST, Action.RECEIVED, Action.CANCEL, Action.RENEW, Action.SHIPPED_RETURN,
     Action.NOTIFICATION}
)
# A loan that may be renewed when the setting ILL_ISO18626_RENEWALS allows renewals.
RENEWABLE = {Status.LOANED}


def note_for_staff(ill_request: IllRequest, code: str, **values: object) -> InternalNote:
    """A note on the request for staff, written by the exchange rather than by a member of staff: the sentence
    `code` of ill.rules.history_words with `values`, read in the reader's language. What a peer wrote is one of
    the values, kept as it came. Returns the note."""
    words = phrase(code, **{name: fit(str(value), MAX_TEXT) for name, value in values.items()})
    return InternalNote.objects.create(
        request=ill_request, author=None, text="", text_code=words.code, text_values=words.values
    )


def can_move(ill_request: IllRequest, to_status: str, *, step: str | None = None) -> bool:
    """Whether the request may move to `to_status` now, as the workflow allows every entry point."""
    return Status(to_status) in workflow.allowed_moves(ill_request, step=step)


# NLK supplies: the requesting library's messages.


def receive_requesting_agency_message(
    message: RequestingAgencyMessage, *, link: Iso18626Transaction, body: bytes, answer: bytes
) -> Iso18626Message:
    """Keep a requesting library's message about the request it sent NLK, and act on it: answer a status request,
    renewal or cancel NLK cannot take with a status report (sent after commit, ill.tasks.send_iso18626_message),
    leave a cancel NLK can take for staff (answer_cancel), and note for staff what the library says. The same
    message again is kept and acted on once. Returns the stored incoming message."""
    with transaction.atomic():
        ill_request = IllRequest.objects.select_for_update().get(pk=link.request_id)
        incoming = peer_messages.record_incoming(ill_request, link.peer, message, body=body, answer=answer)
        if incoming.resends:
            # The very message again (its sender missed the confirmation): acted on once, counted since.
            return incoming
        peer = link.peer.institution.name_en
        note = (message.note or "").strip()
        action = message.action
        if action == Action.STATUS_REQUEST:
            peer_messages.queue_status_report(ill_request, link, in_reply_to=incoming)
        elif action == Action.CANCEL:
            _ask_to_cancel(ill_request, link, incoming, note=note)
        elif action == Action.RENEW:
            allowed = settings.ILL_ISO18626_RENEWALS and ill_request.status in RENEWABLE
            if allowed:
                renew(ill_request)
            peer_messages.queue_status_report(
                ill_request, link, in_reply_to=incoming, reason=ReasonForMessage.RENEW_RESPONSE,
                answer_yes_no=bool(allowed),
                note="" if allowed else "The National Library of Korea does not renew loans by ISO 18626.",
            )
            if allowed:
                note_for_staff(ill_request, Words.PEER_RENEWED, peer=peer, date=ill_request.loan_due_date)
        elif action == Action.RECEIVED:
            link.requester_received_at = timezone.now()
            link.save(update_fields=["requester_received_at"])
            if ill_request.status == Status.WILL_SUPPLY:
                note_for_staff(ill_request, Words.PEER_RECEIVED, peer=peer)
        elif action == Action.SHIPPED_RETURN:
            link.return_shipped_at = timezone.now()
            link.save(update_fields=["return_shipped_at"])
            note_for_staff(ill_request, Words.PEER_SHIPPED_RETURN, peer=peer)
        if note and action != Action.CANCEL or action == Action.NOTIFICATION:
            note_for_staff(ill_request, Words.PEER_SAID, peer=peer, action=action, note=note or "—")
    return incoming


def renew(ill_request: IllRequest) -> None:
    """Record a renewal answered yes: the loan is due back ILL_LOAN_DAYS after the date it was due (or today)."""
    due = ill_request.loan_due_date or library_date(timezone.now())
    ill_request.loan_due_date = terms.renewed_due_date(due, settings.ILL_LOAN_DAYS)
    workflow.save_change(ill_request, ["loan_due_date"], by=None)


def _ask_to_cancel(
    ill_request: IllRequest, link: Iso18626Transaction, incoming: Iso18626Message, *, note: str
) -> None:
    """A Cancel waits for staff while the request can still be cancelled; otherwise it is answered at once."""
    if ill_request.status == Status.CANCELLED or not can_move(ill_request, Status.CANCELLED):
        accepted = ill_request.status == Status.CANCELLED
        Iso18626Message.objects.filter(pk=incoming.pk).update(answer_yes_no=accepted, answered_at=timezone.now())
        peer_messages.queue_status_report(
            ill_request, link, in_reply_to=incoming, reason=ReasonForMessage.CANCEL_RESPONSE,
            answer_yes_no=accepted,
            note="" if accepted else "The request can no longer be cancelled: it has been supplied or closed.",
        )
        return
    note_for_staff(ill_request, Words.PEER_ASKS_CANCEL, peer=link.peer.institution.name_en, note=note)


def answer_cancel(
    ill_request: IllRequest,
    *,
    accept: bool,
    by: User | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> StatusChange | Iso18626Message:
    """Staff's answer to a peer's request to cancel: yes cancels the request (and the CancelResponse
    says so), no leaves it as it is and says why in the note.

    Returns the StatusChange to Cancelled (yes) or the CancelResponse queued (no). Raises ValidationError when
    no request to cancel waits, TransitionNotAllowed or StaleRequest as workflow.do_transition does."""
    with transaction.atomic():
        locked = workflow.lock(ill_request, expected_version)
        waiting = list(pending_cancels(locked).select_for_update())
        if not waiting:
            raise ValidationError(_("No request to cancel waits for an answer."))
        link = Iso18626Transaction.objects.select_related("peer").get(request_id=locked.pk)
        if accept:
            # The cancellation answers every waiting Cancel (ill.services.peer_messages.take_cancel_request).
            return workflow.do_transition(locked, Status.CANCELLED, by=by, note=note)
        Iso18626Message.objects.filter(pk__in=[row.pk for row in waiting]).update(
            answer_yes_no=False, answered_at=timezone.now(), answered_by=by
        )
        return peer_messages.queue_status_report(
            locked, link, in_reply_to=waiting[-1], reason=ReasonForMessage.CANCEL_RESPONSE, answer_yes_no=False,
            note=note,
        )


# NLK borrows: the lender's messages.


def receive_supplying_agency_message(
    message: SupplyingAgencyMessage, *, link: Iso18626Transaction, body: bytes, answer: bytes
) -> Iso18626Message:
    """Keep a lender's message about what NLK borrows from it, and record it on the borrowing as staff would
    record the same step; what cannot be recorded becomes a note for staff. The same message again is kept and
    acted on once. Returns the stored incoming message."""
    with transaction.atomic():
        ill_request = IllRequest.objects.select_for_update().get(pk=link.request_id)
        incoming = peer_messages.record_incoming(ill_request, link.peer, message, body=body, answer=answer)
        if incoming.resends:
            return incoming
        supplier_id = (message.header.supplying_agency_request_id or "").strip()
        if supplier_id and not link.supplying_agency_request_id:
            link.supplying_agency_request_id = fit(supplier_id, 255)
            link.save(update_fields=["supplying_agency_request_id"])
        _record_lender_message(ill_request, link, message)
    return incoming


def _record_lender_message(
    ill_request: IllRequest, link: Iso18626Transaction, message: SupplyingAgencyMessage
) -> None:
    info, status = message.message_info, message.status_info.status
    lender = link.peer.institution.name_en
    words = [part for part in (info.reason_unfilled, info.reason_retry, info.note) if part and part.strip()]
    said = "; ".join(part.strip() for part in words)
    try:
        if info.reason_for_message == ReasonForMessage.CANCEL_RESPONSE:
            if info.answer_yes_no and can_move(ill_request, Status.CANCELLED):
                workflow.do_transition(ill_request, Status.CANCELLED)
            elif not info.answer_yes_no:
                note_for_staff(ill_request, Words.LENDER_REFUSED_CANCEL, lender=lender)
            lender_note(ill_request, lender, said)
            return
        if info.reason_for_message in (ReasonForMessage.RENEW_RESPONSE, ReasonForMessage.NOTIFICATION):
            code = {None: Words.LENDER_SAID, True: Words.LENDER_SAID_YES, False: Words.LENDER_SAID_NO}[
                None if info.answer_yes_no is None else bool(info.answer_yes_no)
            ]
            note_for_staff(ill_request, code, lender=lender, reason=info.reason_for_message, said=said or "—")
            return
        _record_lender_status(ill_request, link, message, said=said)
    except ValidationError as refusal:
        note_for_staff(
            ill_request, Words.LENDER_STATUS_REFUSED, lender=lender, status=status, why=" ".join(refusal.messages)
        )
        lender_note(ill_request, lender, said)


def _record_lender_status(
    ill_request: IllRequest, link: Iso18626Transaction, message: SupplyingAgencyMessage, *, said: str
) -> None:
    info, status = message.message_info, message.status_info.status
    delivery = message.delivery_info
    lender = link.peer.institution.name_en
    today = library_date(timezone.now())
    costs = info.offered_costs or (delivery.delivery_costs if delivery else None)
    if (
        status in (Status.WILL_SUPPLY, Status.LOANED, Status.COPY_COMPLETED)
        and ill_request.status == Status.EXPECT_TO_SUPPLY
    ):
        record = ill_request.borrowing
        fee = costs.amount if costs else None
        borrowing.record_lender_answer(
            ill_request,
            available=True,
            answered_on=today,
            fees_currency=costs.currency if costs else record.prepaid_currency,
            copying_fee=fee if ill_request.service == Service.COPY else None,
            loan_fee=fee if ill_request.service == Service.LOAN else None,
        )
    if status in (Status.LOANED, Status.COPY_COMPLETED):
        link.supplier_shipped_at = delivery.date_sent if delivery else timezone.now()
        link.supplier_due_at = message.status_info.due_date
        link.save(update_fields=["supplier_shipped_at", "supplier_due_at"])
        note_for_staff(ill_request, Words.LENDER_SENT, lender=lender)
    elif status == Status.UNFILLED:
        if ill_request.status == Status.EXPECT_TO_SUPPLY:
            borrowing.record_lender_answer(ill_request, available=False, answered_on=today)
        elif can_move(ill_request, Status.UNFILLED, step=BorrowingStep.ANSWER):
            borrowing.record_lender_unfilled(ill_request)
    elif status in (Status.OVERDUE, Status.RECALLED, Status.CANCELLED) and can_move(ill_request, status):
        workflow.do_transition(ill_request, status)
    elif status == Status.RETRY_POSSIBLE:
        note_for_staff(ill_request, Words.LENDER_NEEDS, lender=lender)
    lender_note(ill_request, lender, said)


def lender_note(ill_request: IllRequest, lender: str, said: str) -> None:
    """The lender's own words (its note, its reasons), kept for staff and labelled as the lender's. They never
    reach the user as NLK's message: staff pass on what the user should know (borrowing.message_user)."""
    if said:
        note_for_staff(ill_request, Words.LENDER_NOTE, lender=lender, said=said)
