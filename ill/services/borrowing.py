"""Borrowing from abroad for users in Korea: each step staff record, from the request to the refund.

A borrowing is an IllRequest that NLK borrows (`is_borrowing`) and its Borrowing
record. Its status moves through ill.services.workflow like any request (so
history, status emails and overdue lists are shared); what is particular to
borrowing (the lender's answer and fees, the prepayment, the material's way to
the user and the settlement) is recorded here. `available_steps` says which
steps apply to a request now: the admin offers those, and each step refuses
itself when it does not apply. Every change to a figure is kept in the
request's history (MoneyChange).

A lender that is an ISO 18626 peer is sent the request as a message (`send_to_lender_by_iso18626`), and
told of the material's receipt and return, or asked to cancel, the same way; its own messages are
recorded through these same steps (ill.services.iso18626).
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nlk_portal.core.calendar import library_today
from nlk_portal.core.money import Money
from nlk_portal.core.printing import store_pdf
from nlk_portal.outbox.dispatch import after_commit

from ..choices import BorrowingStep, Direction, LenderAnswer
from ..iso18626.vocabulary import Action
from ..models import (
    Borrowing,
    IllRequest,
    InternalNote,
    Iso18626Message,
    Iso18626Transaction,
    MoneyChange,
    PaymentInstruction,
    RefundPayout,
    SentEmail,
    StatusChange,
)
from ..rules import settlement
from ..rules.history_words import Phrase, Words, phrase
from ..selectors.borrowing import PrepaymentDue, awaiting_prepayment, payment_instructions, prepayment_due
from ..selectors.iso18626 import lender_peer
from ..status import ALLOWED_TRANSITIONS, CLOSED, Status, UnfilledReason
from . import pdf, peer_messages, workflow
from .history import Amount, record_money_change
from .notifications import send_request_email

Step = BorrowingStep


class StepRefused(ValidationError):
    """A borrowing step that does not apply to the request now, or is given what it cannot record."""


def _refund_due(ill_request: IllRequest, record: Borrowing) -> bool:
    if record.settled_at is None or RefundPayout.objects.filter(borrowing=record).exists():
        return False
    return settlement.for_borrowing(record).refund.amount > 0


def _balance_due(ill_request: IllRequest, record: Borrowing) -> bool:
    if record.settled_at is None or record.balance_paid_on is not None:
        return False
    return settlement.for_borrowing(record).is_balance_due


def _by_iso18626(ill_request: IllRequest) -> bool:
    return Iso18626Transaction.objects.filter(request_id=ill_request.pk).exists()


def _sent_to_peer(ill_request: IllRequest, action: str) -> bool:
    """Whether NLK has told the lender `action` already (and it was not refused)."""
    return Iso18626Message.objects.filter(
        request_id=ill_request.pk, incoming=False, reason=action
    ).exclude(state__in=(Iso18626Message.State.REFUSED, Iso18626Message.State.DROPPED)).exists()


def _can_send_by_iso18626(ill_request: IllRequest, record: Borrowing) -> bool:
    return (
        ill_request.status in (Status.REQUEST_RECEIVED, Status.RETRY_POSSIBLE)
        and lender_peer(record) is not None
        and not _by_iso18626(ill_request)
    )


def _can_tell(action: str, statuses: tuple[str, ...]) -> Callable[[IllRequest, Borrowing], bool]:
    def applies(ill_request: IllRequest, record: Borrowing) -> bool:
        return ill_request.status in statuses and _by_iso18626(ill_request) and not _sent_to_peer(ill_request, action)

    return applies


# Each step staff record, in the order they come, with when it applies: (request, borrowing) -> bool.
STEPS: dict[BorrowingStep, Callable[[IllRequest, Borrowing], bool]] = {
    Step.ASK_PREPAYMENT: lambda r, b: b.settled_at is None and b.prepaid_amount is None,
    Step.PREPAYMENT: lambda r, b: b.settled_at is None and b.prepaid_amount is None,
    Step.CORRECT_PREPAYMENT: lambda r, b: b.settled_at is None and b.prepaid_amount is not None,
    Step.SEND_ISO18626: _can_send_by_iso18626,
    Step.SEND: lambda r, b: r.status in (Status.REQUEST_RECEIVED, Status.RETRY_POSSIBLE),
    Step.ANSWER: lambda r, b: r.status == Status.EXPECT_TO_SUPPLY,
    Step.CORRECT_FEES: lambda r, b: b.settled_at is None and b.lender_answer == LenderAnswer.AVAILABLE,
    Step.TELL_RECEIVED: lambda r, b: b.arrived_on is not None and _can_tell(
        Action.RECEIVED,
        (Status.WILL_SUPPLY, Status.LOANED, Status.OVERDUE, Status.RECALLED, Status.COPY_COMPLETED,
         Status.LOAN_COMPLETED),
    )(r, b),
    Step.TELL_SHIPPED_RETURN: lambda r, b: r.is_loan and _can_tell(
        Action.SHIPPED_RETURN, (Status.LOANED, Status.OVERDUE, Status.RECALLED, Status.LOAN_COMPLETED)
    )(r, b),
    Step.ASK_CANCEL: _can_tell(
        Action.CANCEL, tuple(s for s, after in ALLOWED_TRANSITIONS.items() if Status.CANCELLED in after)
    ),
    Step.ARRIVAL: lambda r, b: r.status == Status.WILL_SUPPLY and b.arrived_on is None,
    Step.DELIVER: lambda r, b: r.status == Status.WILL_SUPPLY and b.arrived_on is not None,
    Step.RETURN: lambda r, b: r.status in (Status.LOANED, Status.OVERDUE, Status.RECALLED),
    Step.SETTLE: lambda r, b: r.status in CLOSED and b.settled_at is None,
    Step.REFUND: _refund_due,
    Step.BALANCE: _balance_due,
    # What a lender by ISO 18626 wrote reaches staff only; they pass on to the user what the user should know.
    Step.MESSAGE_USER: lambda r, b: _by_iso18626(r) and b.settled_at is None,
}


def available_steps(ill_request: IllRequest) -> list[BorrowingStep]:
    """The steps that apply to the request now, in order; none for what NLK supplies."""
    record = getattr(ill_request, "borrowing", None) if ill_request.is_borrowing else None
    if record is None:
        return []
    return [step for step, applies in STEPS.items() if applies(ill_request, record)]


def _check_step(step: BorrowingStep, borrowing: Borrowing) -> None:
    if not STEPS[step](borrowing.request, borrowing):
        raise StepRefused(
            _("This step does not apply to %(reference)s now: look at the request's page again.")
            % {"reference": borrowing.request.reference}
        )


def _record_figure(
    borrowing: Borrowing,
    figure: MoneyChange.Figure,
    *,
    old: Amount,
    new: Amount,
    by: User | None,
    detail: Phrase | None = None,
) -> MoneyChange | None:
    """Keep a change to a figure in the request's history; `old` and `new` are (amount, currency)."""
    return record_money_change(borrowing.request, figure, old=old, new=new, by=by, detail=detail)


# The steps staff record. Each locks the borrowing, checks, records, and moves the status if the step does.


def _locked(ill_request: IllRequest) -> Borrowing:
    if not ill_request.is_borrowing:
        raise StepRefused(_("This is not a request to borrow from abroad."))
    return Borrowing.objects.select_for_update().select_related("request").get(request=ill_request)


def _not_settled(borrowing: Borrowing) -> None:
    if borrowing.settled_at is not None:
        raise StepRefused(_("The request has been settled: its figures can no longer change."))


def _not_future(day: date, what: str) -> None:
    if day > library_today():
        raise StepRefused(_("The date %(what)s is in the future.") % {"what": what})


NO_PAYMENT_METHOD = "no_payment_method"


def check_payment_method(currency: str) -> None:
    """Raise StepRefused (code NO_PAYMENT_METHOD) for a prepayment in `currency` while users are shown no way
    to pay it."""
    if not payment_instructions(currency).exists():
        raise StepRefused(
            _("Users are shown no way to pay in %(currency)s yet: add one under How to pay in advance first, "
              "then ask for the prepayment."),
            code=NO_PAYMENT_METHOD,
            params={"currency": currency.upper()},
        )


def ask_for_prepayment(
    ill_request: IllRequest, *, amount: Decimal | None, currency: str, by: User | None = None
) -> Borrowing:
    """Ask the user to pay `amount` in advance, once the lending institution's fees are known; the request is
    emailed after commit (ill.tasks.email_prepayment_request), once per figure asked for.

    Asked again (a new figure) until the prepayment is recorded; the request's history keeps each figure.
    Returns the borrowing. Raises StepRefused when the step does not apply, the amount is not more than zero,
    the currency is not a three-letter code, or users are shown no way to pay in `currency`
    (code NO_PAYMENT_METHOD).
    """
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_settled(borrowing)
        if amount is None or amount <= 0:
            raise StepRefused(_("The amount to pay in advance must be more than zero."))
        if len(currency or "") != 3:
            raise StepRefused(_("Give the currency as its three-letter code, for example KRW."))
        _check_step(Step.ASK_PREPAYMENT, borrowing)
        currency = currency.upper()
        check_payment_method(currency)
        old = (borrowing.prepayment_requested, borrowing.prepayment_requested_currency)
        change = _record_figure(
            borrowing, MoneyChange.Figure.PREPAYMENT_REQUESTED, old=old, new=(amount, currency), by=by
        )
        if change is None:
            return borrowing
        borrowing.prepayment_requested, borrowing.prepayment_requested_currency = amount, currency
        borrowing.prepayment_requested_at = timezone.now()
        borrowing.save(
            update_fields=["prepayment_requested", "prepayment_requested_currency", "prepayment_requested_at"]
        )
        after_commit("ill.tasks.email_prepayment_request", change.pk)
    return borrowing


def email_prepayment_request(change_id: int) -> SentEmail:
    """Email the user the amount staff asked for (the MoneyChange `change_id`) and how to pay it; once per
    figure asked for. Returns the SentEmail; raises SMTPException or OSError when sending failed."""
    change = MoneyChange.objects.select_related("request__borrowing").get(pk=change_id)
    record = change.request.borrowing
    return send_request_email(
        change.request,
        SentEmail.Kind.PREPAYMENT_REQUEST,
        key=f"prepayment_request:{change.pk}",
        context={
            "borrowing": record,
            "due": PrepaymentDue(cast(Decimal, change.new_amount), change.new_currency, True),  # asked: an amount
            "instructions": list(payment_instructions(change.new_currency)),
        },
    )


def save_payment_instruction(instruction: PaymentInstruction) -> list[IllRequest]:
    """Save a way to pay in advance, as staff record it, and return the requests whose users are to be emailed.

    When the way newly takes a currency (added, shown to users again, or moved to another currency), every
    user asked to prepay in it who has not paid yet is emailed how to pay: once per request, however often
    ways are added or saved. A way for no currency takes every currency.
    """
    instruction.currency = (instruction.currency or "").strip().upper()
    with transaction.atomic():
        before = (
            PaymentInstruction.objects.select_for_update().filter(pk=instruction.pk).first()
            if instruction.pk else None
        )
        instruction.save()
        newly_taken = instruction.is_active and (
            before is None or not before.is_active or before.currency != instruction.currency
        )
        if not newly_taken:
            return []
        waiting = [record.request for record in awaiting_prepayment(instruction.currency)]
        for ill_request in waiting:
            after_commit("ill.tasks.email_how_to_pay", ill_request.pk)
    return waiting


def email_how_to_pay(request_id: int) -> SentEmail | None:
    """Tell a user who was asked to prepay, and has not, how they can pay now; once per request, and only while
    the prepayment is still awaited and some way takes its currency. Returns the SentEmail, or None."""
    record = Borrowing.objects.select_related("request").get(request_id=request_id)
    due = prepayment_due(record)
    if due is None or not awaiting_prepayment(due.currency).filter(pk=record.pk).exists():
        return None
    instructions = list(payment_instructions(due.currency))
    if not instructions:
        return None
    return send_request_email(
        record.request,
        SentEmail.Kind.HOW_TO_PAY,
        key=f"how_to_pay:{record.request_id}",
        context={"borrowing": record, "due": due, "instructions": instructions},
    )


def record_prepayment(
    ill_request: IllRequest,
    *,
    amount: Decimal | None,
    currency: str,
    paid_on: date,
    receipt_number: str,
    by: User | None = None,
    correcting: bool = False,
) -> Borrowing:
    """Record the fees the user paid in advance, as written on the receipt, and return the borrowing.

    Recorded once; with `correcting`, a prepayment already recorded is changed (until the request is
    settled), and the request's history keeps the old and the new figure. Raises StepRefused when the step
    does not apply, the request is settled, the amount is not more than zero, the date is in the future or
    the receipt is recorded for another request.
    """
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_settled(borrowing)
        if amount is None or amount <= 0:
            raise StepRefused(_("The amount paid in advance must be more than zero."))
        _not_future(paid_on, _("of the payment"))
        if Borrowing.objects.filter(prepayment_receipt=receipt_number).exclude(pk=borrowing.pk).exists():
            raise StepRefused(
                _("Receipt %(number)s is already recorded for another request.") % {"number": receipt_number}
            )
        _check_step(Step.CORRECT_PREPAYMENT if correcting else Step.PREPAYMENT, borrowing)
        old = (borrowing.prepaid_amount, borrowing.prepaid_currency)
        borrowing.prepaid_amount, borrowing.prepaid_currency = amount, currency.upper()
        borrowing.prepaid_on, borrowing.prepayment_receipt = paid_on, receipt_number
        _record_figure(
            borrowing, MoneyChange.Figure.PREPAYMENT, old=old, new=(amount, currency.upper()), by=by,
            detail=phrase(Words.PAID, date=paid_on, receipt=receipt_number),
        )
        borrowing.save(
            update_fields=["prepaid_amount", "prepaid_currency", "prepaid_on", "prepayment_receipt"]
        )
    return borrowing


def send_to_lender(
    ill_request: IllRequest,
    *,
    by: User | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> StatusChange:
    """Record that staff sent the request to the lending institution: the request moves to ExpectToSupply.

    Returns that StatusChange. Raises StepRefused when the step does not apply or the prepayment is not
    recorded yet (fees are paid in advance, so that comes first); StaleRequest as workflow.do_transition does.
    """
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.prepaid_amount is None:
            raise StepRefused(
                _("Record the amount the user paid in advance first: fees are paid when the request is made.")
            )
        _check_step(Step.SEND, borrowing)
        change = workflow.do_transition(
            ill_request, Status.EXPECT_TO_SUPPLY, step=Step.SEND, by=by, note=note, expected_version=expected_version
        )
        borrowing.sent_to_lender_at = timezone.now()
        borrowing.save(update_fields=["sent_to_lender_at"])
    return change


def send_to_lender_by_iso18626(
    ill_request: IllRequest,
    *,
    by: User | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> StatusChange:
    """Send the request to a lender that is an ISO 18626 peer, as a `request` message naming NLK as the
    requester and the request's reference as its id (sent after commit, ill.tasks.send_iso18626_message);
    recorded as `send_to_lender` records it, and returns its StatusChange. Raises StepRefused when the
    lender has no ISO 18626 system with messages on, and as `send_to_lender` does."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        peer = lender_peer(borrowing)
        if peer is None:
            raise StepRefused(
                _("The lending institution has no ISO 18626 system with messages on: send the request by hand.")
            )
        _check_step(Step.SEND_ISO18626, borrowing)
        change = send_to_lender(ill_request, by=by, note=note, expected_version=expected_version)
        link = Iso18626Transaction.objects.create(
            request=borrowing.request,
            peer=peer,
            direction=Direction.NLK_BORROWS,
            requesting_agency_request_id=borrowing.request.reference,
            service_type="Copy" if borrowing.request.is_copy else "Loan",
            max_cost=borrowing.max_amount,
            max_cost_currency=borrowing.max_currency if borrowing.max_amount is not None else "",
        )
        max_cost = (
            Money(amount=borrowing.max_amount, currency=borrowing.max_currency)
            if borrowing.max_amount is not None
            else None
        )
        peer_messages.queue_borrowing_request(borrowing.request, link, max_cost=max_cost)
    return change


def tell_lender(ill_request: IllRequest, action: Action, *, by: User | None = None, note: str = "") -> Iso18626Message:
    """Tell the lender by ISO 18626 that the material was received, that a loan was shipped back, or ask
    it to cancel: once each, while it applies. Returns the message queued (sent after commit,
    ill.tasks.send_iso18626_message); raises StepRefused for another action or when it does not apply."""
    step = {Action.RECEIVED: Step.TELL_RECEIVED, Action.SHIPPED_RETURN: Step.TELL_SHIPPED_RETURN,
            Action.CANCEL: Step.ASK_CANCEL}.get(action)
    if step is None:
        raise StepRefused(_("NLK does not send that to a lender."))
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _check_step(step, borrowing)
        link = Iso18626Transaction.objects.select_related("peer").get(request_id=borrowing.request_id)
        return peer_messages.queue_requester_action(
            borrowing.request, link, action, note=note, key=f"{action}:{borrowing.request_id}"
        )


def correct_lender_fees(
    ill_request: IllRequest,
    *,
    fees_currency: str,
    copying_fee: Decimal | None = None,
    loan_fee: Decimal | None = None,
    shipping_fee: Decimal | None = None,
    by: User | None = None,
) -> Borrowing:
    """Correct the lender's fees until the request is settled (say, converted to the currency the user paid
    in, so that the settlement can be made); the request's history keeps the old and the new figures.
    Returns the borrowing; raises StepRefused when the step does not apply, the request is settled, the
    currency is missing or a fee is negative."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_settled(borrowing)
        _check_step(Step.CORRECT_FEES, borrowing)
        if not fees_currency or len(fees_currency.strip()) != 3:
            raise StepRefused(_("Give the currency of the lending institution's fees."))
        if any(fee is not None and fee < 0 for fee in (copying_fee, loan_fee, shipping_fee)):
            raise StepRefused(_("A fee cannot be negative."))
        currency = fees_currency.strip().upper()
        _set_fees(borrowing, currency, copying_fee=copying_fee, loan_fee=loan_fee, shipping_fee=shipping_fee, by=by)
        borrowing.save()
    return borrowing


def _set_fees(
    borrowing: Borrowing,
    currency: str,
    *,
    copying_fee: Decimal | None,
    loan_fee: Decimal | None,
    shipping_fee: Decimal | None,
    by: User | None,
) -> None:
    for figure, field, fee in [
        (MoneyChange.Figure.LENDER_COPYING_FEE, "lender_copying_fee", copying_fee),
        (MoneyChange.Figure.LENDER_LOAN_FEE, "lender_loan_fee", loan_fee),
        (MoneyChange.Figure.SHIPPING_FEE, "shipping_fee", shipping_fee),
    ]:
        old = (getattr(borrowing, field), borrowing.fees_currency)
        _record_figure(borrowing, figure, old=old, new=(fee, currency), by=by)
        setattr(borrowing, field, fee)
    borrowing.fees_currency = currency


def record_lender_answer(
    ill_request: IllRequest,
    *,
    available: bool,
    answered_on: date,
    fees_currency: str = "",
    copying_fee: Decimal | None = None,
    loan_fee: Decimal | None = None,
    shipping_fee: Decimal | None = None,
    by: User | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> StatusChange:
    """Record the lender's answer: it confirmed the material, with its fees (the request moves to WillSupply),
    or said it cannot supply it (Unfilled). Returns the StatusChange. Raises StepRefused when the step does not
    apply, the request was not sent or is settled, the date is in the future, or (available) the fees'
    currency is missing or a fee is negative; StaleRequest as workflow.do_transition does."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_settled(borrowing)
        if borrowing.sent_to_lender_at is None:
            raise StepRefused(_("Record that the request was sent to the lending institution first."))
        _not_future(answered_on, _("of the answer"))
        _check_step(Step.ANSWER, borrowing)
        if available:
            if not fees_currency:
                raise StepRefused(_("Give the currency of the lending institution's fees."))
            if any(fee is not None and fee < 0 for fee in (copying_fee, loan_fee, shipping_fee)):
                raise StepRefused(_("A fee cannot be negative."))
            change = workflow.do_transition(
                ill_request, Status.WILL_SUPPLY, step=Step.ANSWER, by=by, note=note, expected_version=expected_version
            )
            _set_fees(borrowing, fees_currency.upper(), copying_fee=copying_fee, loan_fee=loan_fee,
                      shipping_fee=shipping_fee, by=by)
        else:
            change = workflow.do_transition(
                ill_request, Status.UNFILLED, step=Step.ANSWER, by=by, note=note,
                reason=UnfilledReason.NOT_AVAILABLE_FROM_LENDER, expected_version=expected_version,
            )
        borrowing.lender_answer = LenderAnswer.AVAILABLE if available else LenderAnswer.NOT_AVAILABLE
        borrowing.answered_on = answered_on
        borrowing.save()
    return change


def record_lender_unfilled(ill_request: IllRequest, *, note: str = "", by: User | None = None) -> StatusChange:
    """Record that the lender cannot supply after all, once its answer was recorded or before it came: the
    borrowing is unfilled for that reason (its answer, as the ANSWER step records it). Returns the StatusChange;
    raises StepRefused for a request NLK does not borrow, TransitionNotAllowed when it cannot be unfilled now."""
    with transaction.atomic():
        _locked(ill_request)
        return workflow.do_transition(
            ill_request, Status.UNFILLED, step=Step.ANSWER, by=by, note=note,
            reason=UnfilledReason.NOT_AVAILABLE_FROM_LENDER,
        )


def record_arrival(ill_request: IllRequest, *, arrived_on: date, by: User | None = None) -> Borrowing:
    """Record the day the material arrived at NLK from the lender, and return the borrowing. Raises StepRefused
    before the lender confirmed it, for a date in the future, or when the step does not apply."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.request.status != Status.WILL_SUPPLY:
            raise StepRefused(_("Material can only arrive once the lending institution has confirmed it."))
        _not_future(arrived_on, _("of arrival"))
        _check_step(Step.ARRIVAL, borrowing)
        borrowing.arrived_on = arrived_on
        borrowing.save(update_fields=["arrived_on"])
    return borrowing


def deliver(
    ill_request: IllRequest,
    *,
    delivered_on: date,
    loan_due_on: date | None = None,
    by: User | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> StatusChange:
    """Record that the copy or the loan was handed to the user: the request moves to CopyCompleted, or to
    Loaned until `loan_due_on`. Returns the StatusChange. Raises StepRefused before the arrival is recorded,
    for a delivery in the future or before the arrival, for a loan without a due date after the delivery, or
    when the step does not apply; StaleRequest as workflow.do_transition does."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.arrived_on is None:
            raise StepRefused(_("Record the material's arrival first."))
        _not_future(delivered_on, _("of delivery"))
        if delivered_on < borrowing.arrived_on:
            raise StepRefused(_("The material cannot be delivered before it arrived."))
        is_loan = borrowing.request.is_loan
        if is_loan and (loan_due_on is None or loan_due_on <= delivered_on):
            raise StepRefused(_("Give the date the loan is due back, after the delivery date."))
        _check_step(Step.DELIVER, borrowing)
        to_status = Status.LOANED if is_loan else Status.COPY_COMPLETED
        change = workflow.do_transition(
            ill_request, to_status, step=Step.DELIVER, by=by, note=note, expected_version=expected_version,
            loan_due_date=loan_due_on if is_loan else None,
        )
        borrowing.delivered_on = delivered_on
        borrowing.loan_due_on = loan_due_on if is_loan else None
        borrowing.save(update_fields=["delivered_on", "loan_due_on"])
    return change


def record_return(
    ill_request: IllRequest,
    *,
    returned_on: date,
    by: User | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> StatusChange:
    """Record that the user returned the loan: the request moves to LoanCompleted. Returns the StatusChange.
    Raises StepRefused for a date in the future or before the delivery, or when the step does not apply;
    StaleRequest as workflow.do_transition does."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_future(returned_on, _("of return"))
        if borrowing.delivered_on and returned_on < borrowing.delivered_on:
            raise StepRefused(_("The loan cannot be returned before it was delivered."))
        _check_step(Step.RETURN, borrowing)
        change = workflow.do_transition(
            ill_request, Status.LOAN_COMPLETED, step=Step.RETURN, by=by, note=note, expected_version=expected_version
        )
        borrowing.returned_on = returned_on
        borrowing.save(update_fields=["returned_on"])
    return change


def settle(ill_request: IllRequest, *, bank_fee: Decimal | None, by: User | None = None) -> Borrowing:
    """Fix the settlement once the request is closed, with the bank fees, and have the statement made and
    emailed after commit (ill.tasks.render_statement). Returns the borrowing. Raises StepRefused before the
    request is closed, once settled, or for bank fees missing or negative; ValidationError (MixedCurrencies)
    when the prepayment is missing or the fees are in another currency than it."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_settled(borrowing)
        if borrowing.request.status not in CLOSED:
            raise StepRefused(_("Settle the request once it is closed: delivered and, for a loan, returned."))
        if bank_fee is None or bank_fee < 0:
            raise StepRefused(_("Give the bank fees (zero if there were none)."))
        _check_step(Step.SETTLE, borrowing)
        if not borrowing.fees_currency:
            borrowing.fees_currency = borrowing.prepaid_currency
        old = (borrowing.bank_fee, borrowing.fees_currency)
        borrowing.bank_fee = bank_fee
        settlement.for_borrowing(borrowing)  # refuses a missing prepayment or mixed currencies
        _record_figure(
            borrowing, MoneyChange.Figure.BANK_FEE, old=old, new=(bank_fee, borrowing.fees_currency), by=by
        )
        borrowing.settled_at, borrowing.settled_by = timezone.now(), by
        borrowing.save(update_fields=["bank_fee", "fees_currency", "settled_at", "settled_by"])
        after_commit("ill.tasks.render_statement", borrowing.pk)
    return borrowing


def record_refund_paid(ill_request: IllRequest, *, paid_on: date, by: User | None = None) -> RefundPayout:
    """Record the refund the settlement gives as paid out to the user: once, for the reports to sum. Returns the
    RefundPayout. Raises StepRefused before the settlement, once recorded, when the settlement gives no refund,
    or for a date in the future."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.settled_at is None:
            raise StepRefused(_("Settle the request before recording the refund."))
        if RefundPayout.objects.filter(borrowing=borrowing).exists():
            raise StepRefused(_("The refund is already recorded as paid."))
        refund = settlement.for_borrowing(borrowing).refund
        if refund.amount <= 0:
            raise StepRefused(_("This settlement gives no refund."))
        _not_future(paid_on, _("of the refund"))
        _check_step(Step.REFUND, borrowing)
        _record_figure(
            borrowing, MoneyChange.Figure.REFUND_PAID, old=(None, ""), new=(refund.amount, refund.currency), by=by,
            detail=phrase(Words.PAID_OUT, date=paid_on),
        )
        return RefundPayout.objects.create(
            borrowing=borrowing, amount=refund.amount, currency=refund.currency, paid_on=paid_on, paid_by=by
        )


def record_balance_paid(
    ill_request: IllRequest, *, paid_on: date, receipt_number: str, by: User | None = None
) -> Borrowing:
    """Record the balance a settlement left the user owing as paid to NLK: once. Returns the borrowing. Raises
    StepRefused before the settlement, when it leaves no balance, once recorded, without a receipt number, or
    for a date in the future."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.settled_at is None:
            raise StepRefused(_("Settle the request before recording the balance."))
        if not settlement.for_borrowing(borrowing).is_balance_due:
            raise StepRefused(_("This settlement leaves no balance to pay."))
        if borrowing.balance_paid_on is not None:
            raise StepRefused(_("The balance is already recorded as paid."))
        if not receipt_number.strip():
            raise StepRefused(_("Give the receipt number of the payment."))
        _not_future(paid_on, _("of the balance"))
        _check_step(Step.BALANCE, borrowing)
        balance = settlement.for_borrowing(borrowing).balance_due
        _record_figure(
            borrowing, MoneyChange.Figure.BALANCE_PAID, old=(None, ""), new=(balance.amount, balance.currency), by=by,
            detail=phrase(Words.PAID, date=paid_on, receipt=receipt_number.strip()),
        )
        borrowing.balance_paid_on, borrowing.balance_receipt = paid_on, receipt_number.strip()
        borrowing.balance_recorded_by = by
        borrowing.save(update_fields=["balance_paid_on", "balance_receipt", "balance_recorded_by"])
    return borrowing


def message_user(ill_request: IllRequest, *, text: str | None, by: User | None = None) -> InternalNote:
    """Staff's own message to the user (say, what a lender wrote that the user should know, in staff's
    words): kept on the request as a note, returned, and emailed once after commit as NLK's message
    (ill.tasks.email_message_to_user). Raises StepRefused for an empty message or when the step does not
    apply."""
    text = (text or "").strip()
    if not text:
        raise StepRefused(_("Write the message to the user."))
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _check_step(Step.MESSAGE_USER, borrowing)
        words = phrase(Words.SENT_TO_USER, text=text)
        note = InternalNote.objects.create(
            request=borrowing.request, author=by, text="", text_code=words.code, text_values=words.values
        )
        after_commit("ill.tasks.email_message_to_user", note.pk, text)
    return note


def email_message_to_user(note_id: int, text: str) -> SentEmail:
    """Email the user staff's message `text` kept as the note `note_id`; once per note. Returns the SentEmail;
    raises SMTPException or OSError when sending failed."""
    note = InternalNote.objects.select_related("request").get(pk=note_id)
    return send_request_email(note.request, SentEmail.Kind.MESSAGE, key=f"message:{note.pk}", context={"text": text})


# The statement: rendered once, then emailed once (each its own task, as invoices are).


def store_statement(borrowing_id: int) -> Borrowing:
    """Render and keep the settled borrowing's statement PDF, then have it emailed after commit
    (ill.tasks.email_statement); nothing happens twice, nor before the settlement. Returns the borrowing."""
    with transaction.atomic():
        borrowing = Borrowing.objects.select_for_update().select_related("request").get(pk=borrowing_id)
        if borrowing.statement_pdf or borrowing.settled_at is None:
            return borrowing
        content = pdf.render_statement(borrowing, settlement.for_borrowing(borrowing))
        store_pdf(borrowing.statement_pdf, borrowing.statement_filename, content)
        borrowing.statement_rendered_at = timezone.now()
        borrowing.save(update_fields=["statement_pdf", "statement_rendered_at"])
        after_commit("ill.tasks.email_statement", borrowing.pk)
    return borrowing


def email_statement(borrowing_id: int) -> SentEmail:
    """Email the user the borrowing's statement, its PDF attached; once per borrowing. Returns the SentEmail;
    raises SMTPException or OSError when sending failed."""
    borrowing = Borrowing.objects.select_related("request").get(pk=borrowing_id)
    with borrowing.statement_pdf.open("rb") as stored:
        attachment = (borrowing.statement_filename, stored.read(), "application/pdf")
    return send_request_email(
        borrowing.request,
        SentEmail.Kind.STATEMENT,
        key=f"statement:{borrowing.pk}",
        context={"borrowing": borrowing, "settlement": settlement.for_borrowing(borrowing)},
        attachments=[attachment],
    )
