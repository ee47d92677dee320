"""The statuses of an ILL request in the ISO 18626 vocabulary, the reasons, and which change may follow which.

The values are the ISO 18626 status codes, so the ISO 18626 messages carry
them one to one. `check_transition` is the one rule of which change is
allowed, with its guards, and `moves_now` what may follow a request now;
ill.services.workflow makes the change. A borrowing makes some moves only
through its own steps (BORROWING_STEP_MOVES), which record what they need.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import BorrowingStep, Service
from .rules import copyright


class Status(models.TextChoices):
    REQUEST_RECEIVED = "RequestReceived", _("Request received")
    EXPECT_TO_SUPPLY = "ExpectToSupply", _("Expect to supply")
    WILL_SUPPLY = "WillSupply", _("Will supply")
    RETRY_POSSIBLE = "RetryPossible", _("Retry possible")
    UNFILLED = "Unfilled", _("Unfilled")
    COPY_COMPLETED = "CopyCompleted", _("Copy completed")
    LOANED = "Loaned", _("Loaned")
    OVERDUE = "Overdue", _("Overdue")
    RECALLED = "Recalled", _("Recalled")
    LOAN_COMPLETED = "LoanCompleted", _("Loan completed")
    COMPLETED_WITHOUT_RETURN = "CompletedWithoutReturn", _("Completed without return")
    CANCELLED = "Cancelled", _("Cancelled")


class UnfilledReason(models.TextChoices):
    NOT_HELD = "not_held", _("Not held by the National Library of Korea")
    NOT_PUBLISHED_IN_KOREA = "not_published_in_korea", _("Not published or issued in Korea")
    AVAILABLE_ELSEWHERE = "available_elsewhere", _("Available elsewhere")
    COPYRIGHT_LIMIT = "copyright_limit", _("Copyright: a copy must be less than one third of the item")
    DAMAGED = "damaged", _("Damaged or too fragile to copy or lend")
    NOT_AVAILABLE_FROM_LENDER = "not_available_from_lender", _("Not available from the lending institution")
    OTHER = "other", _("Other reason")


# What a requester reads for each status: plain words, in their language. Staff, the admin, the reports
# and ISO 18626 messages keep the codes and Status's labels.
REQUESTER_LABELS = {
    Status.REQUEST_RECEIVED: _("Request received"),
    Status.EXPECT_TO_SUPPLY: _("Accepted, being located"),
    Status.WILL_SUPPLY: _("Being copied or prepared"),
    Status.RETRY_POSSIBLE: _("We need something from you"),
    Status.UNFILLED: _("Cannot be supplied"),
    Status.COPY_COMPLETED: _("Copy sent"),
    Status.LOANED: _("Sent on loan"),
    Status.OVERDUE: _("Loan overdue, please return it"),
    Status.RECALLED: _("Recalled, please return it now"),
    Status.LOAN_COMPLETED: _("Loan returned"),
    Status.COMPLETED_WITHOUT_RETURN: _("Closed without return"),
    Status.CANCELLED: _("Cancelled"),
}
# Where NLK borrows for a user in Korea, some steps are the lending library's.
BORROWING_REQUESTER_LABELS = {
    **REQUESTER_LABELS,
    Status.EXPECT_TO_SUPPLY: _("Asked of the lending library"),
    Status.WILL_SUPPLY: _("The lending library will supply it"),
    Status.UNFILLED: _("Cannot be obtained"),
    Status.COPY_COMPLETED: _("Copy handed to you"),
    Status.LOANED: _("On loan to you"),
}


def requester_label(status, *, borrowing=False):
    """The status as the requester reads it (REQUESTER_LABELS); `borrowing` when NLK borrows for them."""
    labels = BORROWING_REQUESTER_LABELS if borrowing else REQUESTER_LABELS
    try:
        return labels[Status(status)]
    except ValueError:
        return status


ALLOWED_TRANSITIONS = {
    Status.REQUEST_RECEIVED: {
        Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY, Status.RETRY_POSSIBLE, Status.UNFILLED, Status.CANCELLED
    },
    Status.EXPECT_TO_SUPPLY: {Status.WILL_SUPPLY, Status.RETRY_POSSIBLE, Status.UNFILLED, Status.CANCELLED},
    # The requester has sent what was missing, so the request is worked again.
    Status.RETRY_POSSIBLE: {Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY, Status.UNFILLED, Status.CANCELLED},
    Status.WILL_SUPPLY: {Status.COPY_COMPLETED, Status.LOANED, Status.UNFILLED, Status.CANCELLED},
    Status.LOANED: {Status.OVERDUE, Status.RECALLED, Status.LOAN_COMPLETED, Status.COMPLETED_WITHOUT_RETURN},
    Status.OVERDUE: {Status.RECALLED, Status.LOAN_COMPLETED, Status.COMPLETED_WITHOUT_RETURN},
    Status.RECALLED: {Status.OVERDUE, Status.LOAN_COMPLETED, Status.COMPLETED_WITHOUT_RETURN},
    Status.UNFILLED: set(),
    Status.COPY_COMPLETED: set(),
    Status.LOAN_COMPLETED: set(),
    Status.COMPLETED_WITHOUT_RETURN: set(),
    Status.CANCELLED: set(),
}

# A request is closed when nothing can follow; every other one is still being worked.
CLOSED = frozenset(status for status, after in ALLOWED_TRANSITIONS.items() if not after)
OPEN = frozenset(Status) - CLOSED
# A request is completed (its turnaround ends) when it first reaches one of these.
COMPLETED = frozenset({Status.COPY_COMPLETED, Status.LOAN_COMPLETED, Status.COMPLETED_WITHOUT_RETURN})
# A loan that is out with the requester, not back yet.
ON_LOAN = frozenset({Status.LOANED, Status.OVERDUE, Status.RECALLED})
# The material went to the requester, whether the loan has come back yet or not.
SUPPLIED = COMPLETED | ON_LOAN

# ISO 18626 sends a reason with these; staff must say why.
NEEDS_REASON = {Status.UNFILLED}
# The requester is asked for something, and the note (emailed to them) says what.
NEEDS_NOTE = {Status.RETRY_POSSIBLE}
# A copy is completed and a loan is lent; the other way round makes no sense.
ONLY_FOR_SERVICE = {Status.COPY_COMPLETED: Service.COPY, Status.LOANED: Service.LOAN}
SERVICE_MISMATCH = {
    Status.COPY_COMPLETED: _("Only a request for a copy can become “Copy completed”; this one asks for a loan."),
    Status.LOANED: _("Only a request for a loan can become “Loaned”; this one asks for a copy."),
}


# What NLK borrows for a user in Korea makes these moves only through the borrowing's own steps
# (ill.services.borrowing), each of which records what its move needs: the prepayment before the request
# goes to the lender, the lender's answer and fees, the material's arrival before it is handed over, the
# date a loan came back. No staff button, list action or message makes them on a borrowing.
BORROWING_STEP_MOVES = {
    BorrowingStep.SEND: frozenset({Status.EXPECT_TO_SUPPLY}),
    BorrowingStep.ANSWER: frozenset({Status.WILL_SUPPLY, Status.UNFILLED}),
    BorrowingStep.DELIVER: frozenset({Status.COPY_COMPLETED, Status.LOANED}),
    BorrowingStep.RETURN: frozenset({Status.LOAN_COMPLETED}),
}
BY_BORROWING_STEP_ONLY = frozenset().union(*BORROWING_STEP_MOVES.values())


class TransitionNotAllowed(ValidationError):
    pass


def possible_next(status):
    """The statuses a request in `status` may move to, in the vocabulary's order."""
    return sorted(ALLOWED_TRANSITIONS[Status(status)], key=list(Status).index)


def moves_now(ill_request, *, step=None):
    """The statuses the request may move to now, in the vocabulary's order: those the table allows from its
    status, that fit its service and, for a borrowing, that are not its steps' alone (unless `step` makes
    them). What a move needs besides (a reason, a note, the item's size) is checked as it is made."""
    moves = []
    for wanted in possible_next(ill_request.status):
        try:
            check_move(ill_request, wanted, step=step)
        except TransitionNotAllowed:
            continue
        moves.append(wanted)
    return moves


def check_move(ill_request, to_status, *, step=None):
    """Raise TransitionNotAllowed if the request may not move to `to_status` now, whatever is given with
    the move: the table, the request's service, and on a borrowing the moves only its steps make."""
    current, wanted = Status(ill_request.status), Status(to_status)
    if wanted not in ALLOWED_TRANSITIONS[current]:
        possible = ", ".join(str(s.label) for s in possible_next(current)) or gettext("nothing: it is closed")
        raise TransitionNotAllowed(
            gettext("A request that is “%(current)s” cannot become “%(wanted)s”. Possible next: %(possible)s.")
            % {"current": current.label, "wanted": wanted.label, "possible": possible}
        )
    for guard in (_borrowing_step_makes_it, _service_fits):
        problem = guard(ill_request, wanted, step=step)
        if problem:
            raise TransitionNotAllowed(problem)


def check_transition(ill_request, to_status, *, step=None, reason="", note="", pages_copied=None):
    """Raise TransitionNotAllowed, naming the current status and what is possible."""
    check_move(ill_request, to_status, step=step)
    wanted = Status(to_status)
    for guard in (_reason_given, _note_given, _copyright_checked, _pages_copied_allowed):
        problem = guard(ill_request, wanted, reason=reason, note=note, pages_copied=pages_copied)
        if problem:
            raise TransitionNotAllowed(problem)


def _reason_given(ill_request, wanted, *, reason, note, **unused):
    if wanted not in NEEDS_REASON:
        return None
    if reason not in UnfilledReason.values:
        reasons = "; ".join(str(label) for label in UnfilledReason.labels)
        return gettext("Give a reason for “%(wanted)s”: %(reasons)s.") % {"wanted": wanted.label, "reasons": reasons}
    if reason == UnfilledReason.OTHER and not note.strip():
        return gettext("Say in the note what the other reason is: the requester reads it.")
    return None


def _note_given(ill_request, wanted, *, note, **unused):
    if wanted in NEEDS_NOTE and not note.strip():
        return gettext("Write what the requester must send or decide: “%(wanted)s” emails them your message.") % {
            "wanted": wanted.label
        }
    return None


def _borrowing_step_makes_it(ill_request, wanted, *, step, **unused):
    if step is not None and (not ill_request.is_borrowing or wanted not in BORROWING_STEP_MOVES.get(step, ())):
        return gettext("That step of a borrowing does not make a request “%(wanted)s”.") % {"wanted": wanted.label}
    if step is None and ill_request.is_borrowing and wanted in BY_BORROWING_STEP_ONLY:
        return gettext(
            "A borrowing becomes “%(wanted)s” only through its own step on the request's page, which records "
            "what the move needs (the prepayment, the lender's answer, the arrival, the return)."
        ) % {"wanted": wanted.label}
    return None


def _service_fits(ill_request, wanted, **unused):
    needed = ONLY_FOR_SERVICE.get(wanted)
    if needed and ill_request.service != needed:
        return str(SERVICE_MISMATCH[wanted])
    return None


def _copyright_checked(ill_request, wanted, **unused):
    # The one-third limit is the library's own rule for what it copies; when NLK
    # borrows, the lending library's rules apply.
    if wanted == Status.WILL_SUPPLY and ill_request.is_copy and not ill_request.is_borrowing:
        return copyright.copy_refusal(ill_request.pages_wanted, ill_request.total_pages)
    return None


def _pages_copied_allowed(ill_request, wanted, *, pages_copied, **unused):
    # The pages copied are counted for what NLK copies itself; a lending library charges its own way.
    if wanted != Status.COPY_COMPLETED or ill_request.is_borrowing:
        return None
    try:
        copyright.check_pages_copied(pages_copied, ill_request.total_pages)
    except ValidationError as error:
        return error.messages[0]
    return None
