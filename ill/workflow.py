"""The status workflow of an ILL request, in the ISO 18626 vocabulary.

The values are the ISO 18626 status codes, so the later ISO 18626 endpoint
maps them one to one. Every change goes through `do_transition`, which also
keeps two staff members from overwriting each other: an action names the
version of the request its author saw, and is refused if the request has
changed since.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import copyright


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

# A request is closed when nothing can follow; every other one is still being worked.
CLOSED = frozenset(status for status, after in ALLOWED_TRANSITIONS.items() if not after)
OPEN = frozenset(Status) - CLOSED
# A request is completed (its turnaround ends) when it first reaches one of these.
COMPLETED = frozenset({S.COPY_COMPLETED, S.LOAN_COMPLETED, S.COMPLETED_WITHOUT_RETURN})
# The material went to the requester, whether the loan has come back yet or not.
SUPPLIED = COMPLETED | {S.LOANED, S.OVERDUE, S.RECALLED}

# ISO 18626 sends a reason with these; staff must say why.
NEEDS_REASON = {S.UNFILLED}
# The requester is asked for something, and the note (emailed to them) says what.
NEEDS_NOTE = {S.RETRY_POSSIBLE}
# A copy is completed and a loan is lent; the other way round makes no sense.
ONLY_FOR_SERVICE = {S.COPY_COMPLETED: "copy", S.LOANED: "loan"}
SERVICE_MISMATCH = {
    S.COPY_COMPLETED: _("Only a request for a copy can become “Copy completed”; this one asks for a loan."),
    S.LOANED: _("Only a request for a loan can become “Loaned”; this one asks for a copy."),
}


class TransitionNotAllowed(ValidationError):
    pass


class StaleRequest(ValidationError):
    """Someone else changed the request after the staff member acting on it had opened it."""


class AlreadyAssigned(ValidationError):
    pass


def possible_next(status):
    return sorted(ALLOWED_TRANSITIONS[Status(status)], key=list(Status).index)


def check_transition(ill_request, to_status, *, reason="", note="", pages_copied=None):
    """Raise TransitionNotAllowed, naming the current status and what is possible."""
    current, wanted = Status(ill_request.status), Status(to_status)
    if wanted not in ALLOWED_TRANSITIONS[current]:
        possible = ", ".join(str(s.label) for s in possible_next(current)) or gettext("nothing: it is closed")
        raise TransitionNotAllowed(
            gettext("A request that is “%(current)s” cannot become “%(wanted)s”. Possible next: %(possible)s.")
            % {"current": current.label, "wanted": wanted.label, "possible": possible}
        )
    for guard in (_reason_given, _note_given, _service_fits, _copyright_checked, _pages_copied_allowed):
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


def _service_fits(ill_request, wanted, **unused):
    needed = ONLY_FOR_SERVICE.get(wanted)
    if needed and ill_request.service != needed:
        return str(SERVICE_MISMATCH[wanted])
    return None


def _copyright_checked(ill_request, wanted, **unused):
    # The one-third limit is the library's own rule for what it copies; when NLK
    # borrows, the lending library's rules apply.
    if wanted == S.WILL_SUPPLY and ill_request.service == "copy" and ill_request.direction == "supplies":
        return copyright.copy_refusal(ill_request.pages_wanted, ill_request.total_pages)
    return None


def _pages_copied_allowed(ill_request, wanted, *, pages_copied, **unused):
    # The pages copied are counted for what NLK copies itself; a lending library charges its own way.
    if wanted != S.COPY_COMPLETED or ill_request.direction != "supplies":
        return None
    try:
        copyright.check_pages_copied(pages_copied, ill_request.total_pages)
    except ValidationError as error:
        return error.messages[0]
    return None


def record_received(ill_request, *, by=None):
    """The first line of every request's history."""
    from .models import StatusChange

    return StatusChange.objects.create(
        request=ill_request,
        to_status=Status.REQUEST_RECEIVED,
        changed_by=by,
        changed_at=ill_request.received_at,
    )


def do_transition(
    ill_request,
    to_status,
    *,
    by=None,
    note="",
    reason="",
    pages_copied=None,
    total_pages=None,
    expected_version=None,
):
    """Move a request to `to_status` and record who did it, when and why.

    `note` is for the requester: the tracking page and the status email show it.
    `total_pages` records the item's size on the way, which makes the copyright
    check; `pages_copied` is what a completed copy came to. With
    `expected_version`, the move is refused if the request changed since.
    """
    # The models import Status from here, and the effects import the tasks, so both come late.
    from . import effects
    from .models import StatusChange

    with transaction.atomic():
        locked = lock(ill_request, expected_version)
        if total_pages is not None:
            locked.total_pages = total_pages
            locked.copyright_check_needed = False
        check_transition(locked, to_status, reason=reason, note=note, pages_copied=pages_copied)
        change = StatusChange.objects.create(
            request=locked,
            from_status=locked.status,
            to_status=to_status,
            changed_by=by,
            note=note.strip(),
            reason=reason,
        )
        locked.status = to_status
        if to_status == S.COPY_COMPLETED:
            locked.pages_copied = pages_copied
        save_change(locked, ["status", "total_pages", "copyright_check_needed", "pages_copied"], by=by)
        effects.after_transition(change)
    _copy_state(locked, ill_request)
    return change


def assign(ill_request, user, *, by, expected_version=None):
    """Give the request to `user` to work, unless another staff member has it already."""
    with transaction.atomic():
        locked = lock(ill_request, expected_version)
        if locked.assigned_to_id not in (None, user.pk):
            raise AlreadyAssigned(
                gettext("It is already assigned to %(who)s; to take it over, change “assigned to” on its page.")
                % {"who": staff_name(locked.assigned_to)}
            )
        if locked.assigned_to_id != user.pk:
            locked.assigned_to = user
            save_change(locked, ["assigned_to"], by=by)
    _copy_state(locked, ill_request)


def lock(ill_request, expected_version=None):
    """The request's row, locked until the transaction ends; refused if it is past `expected_version`."""
    from .models import IllRequest

    locked = IllRequest.objects.select_for_update().get(pk=ill_request.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleRequest(
            gettext(
                "It was changed by %(who)s at %(when)s, after you opened it, so nothing was changed. "
                "Look at it again before you act."
            )
            % {
                "who": staff_name(locked.updated_by) if locked.updated_by_id else gettext("someone else"),
                "when": timezone.localtime(locked.updated_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    return locked


def save_change(locked, fields, *, by):
    """Save `fields` of a locked request as its next version."""
    locked.version += 1
    locked.updated_by = by
    locked.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


def staff_name(user):
    return user.get_full_name() or user.get_username()


def _copy_state(locked, ill_request):
    if locked is ill_request:
        return
    for field in ["status", "version", "total_pages", "copyright_check_needed", "pages_copied",
                  "assigned_to_id", "updated_by_id", "updated_at"]:
        setattr(ill_request, field, getattr(locked, field))
