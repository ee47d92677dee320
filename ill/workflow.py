"""The status workflow of an ILL request, in the ISO 18626 vocabulary.

The values are the ISO 18626 status codes, so the later ISO 18626 endpoint
maps them one to one. Every change goes through `do_transition`.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from . import effects


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


S = Status
ALLOWED_TRANSITIONS = {
    S.REQUEST_RECEIVED: {S.EXPECT_TO_SUPPLY, S.WILL_SUPPLY, S.RETRY_POSSIBLE, S.UNFILLED, S.CANCELLED},
    S.EXPECT_TO_SUPPLY: {S.WILL_SUPPLY, S.RETRY_POSSIBLE, S.UNFILLED, S.CANCELLED},
    # The requester has sent what was missing, so the request is worked again.
    S.RETRY_POSSIBLE: {S.EXPECT_TO_SUPPLY, S.WILL_SUPPLY, S.UNFILLED, S.CANCELLED},
    S.WILL_SUPPLY: {S.COPY_COMPLETED, S.LOANED, S.UNFILLED, S.CANCELLED},
    S.LOANED: {S.OVERDUE, S.RECALLED, S.LOAN_COMPLETED, S.COMPLETED_WITHOUT_RETURN},
    S.OVERDUE: {S.RECALLED, S.LOAN_COMPLETED, S.COMPLETED_WITHOUT_RETURN},
    S.RECALLED: {S.OVERDUE, S.LOAN_COMPLETED, S.COMPLETED_WITHOUT_RETURN},
    S.UNFILLED: set(),
    S.COPY_COMPLETED: set(),
    S.LOAN_COMPLETED: set(),
    S.COMPLETED_WITHOUT_RETURN: set(),
    S.CANCELLED: set(),
}

# ISO 18626 sends a reason with these; staff must say why.
NEEDS_REASON = {S.UNFILLED, S.RETRY_POSSIBLE}


class TransitionNotAllowed(ValidationError):
    pass


def possible_next(status):
    return sorted(ALLOWED_TRANSITIONS[Status(status)], key=list(Status).index)


def check_transition(from_status, to_status, reason=""):
    """Raise TransitionNotAllowed, naming the current status and what is possible."""
    current, wanted = Status(from_status), Status(to_status)
    if wanted not in ALLOWED_TRANSITIONS[current]:
        possible = ", ".join(str(s.label) for s in possible_next(current)) or _g("nothing: it is closed")
        raise TransitionNotAllowed(
            _g("A request that is “%(current)s” cannot become “%(wanted)s”. Possible next: %(possible)s.")
            % {"current": current.label, "wanted": wanted.label, "possible": possible}
        )
    if wanted in NEEDS_REASON and not reason.strip():
        raise TransitionNotAllowed(_g("Give a reason for “%(wanted)s”.") % {"wanted": wanted.label})


def record_received(ill_request, *, by=None):
    """The first line of every request's history."""
    from .models import StatusChange

    return StatusChange.objects.create(
        request=ill_request,
        to_status=Status.REQUEST_RECEIVED,
        changed_by=by,
        changed_at=ill_request.received_at,
    )


def do_transition(ill_request, to_status, *, by=None, note="", reason=""):
    """Move a request to `to_status` and record who did it, when and why."""
    # models.py imports Status from here, so the models are imported late.
    from .models import IllRequest, StatusChange

    with transaction.atomic():
        locked = IllRequest.objects.select_for_update().get(pk=ill_request.pk)
        check_transition(locked.status, to_status, reason)
        change = StatusChange.objects.create(
            request=locked,
            from_status=locked.status,
            to_status=to_status,
            changed_by=by,
            note=note,
            reason=reason,
        )
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        effects.after_transition(change)
    ill_request.status = locked.status
    return change
