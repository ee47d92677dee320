"""Changing a request's status, and what follows each change.

Every change goes through `do_transition`, which checks it against the one
table in ill.status, records who, when and why, and hands the follow-up work
(status email, fees) to the outbox. `allowed_moves` is what every entry point
(the admin's buttons and list actions, partners' ISO 18626 messages) asks
before offering or making a move; a borrowing's own steps (ill.services.borrowing)
name themselves, and only they make the moves ill.status reserves for them. It also keeps two staff members from
overwriting each other: an action names the version of the request its
author saw, and is refused if the request has changed since.
"""

from collections.abc import Sequence
from datetime import date
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from nlk_portal.core.calendar import library_today
from nlk_portal.core.roles import staff_name
from nlk_portal.outbox.dispatch import after_commit

from ..models import IllRequest, MoneyChange, StatusChange
from ..rules import terms
from ..rules.fees import FEES_FIXED_AT
from ..status import Status, check_move, check_transition, moves_now
from . import peer_messages
from .history import record_money_change

# The request's own figures money depends on, with their currency ("" for the request's own).
MONEY_FIELDS = {
    "copying_fee": (MoneyChange.Figure.ESTIMATED_COPYING_FEE, ""),
    "shipping_fee": (MoneyChange.Figure.ESTIMATED_SHIPPING_FEE, ""),
    "max_cost_usd": (MoneyChange.Figure.MAX_COST, "USD"),
}


class StaleRequest(ValidationError):
    """Someone else changed the request after the staff member acting on it had opened it."""


class AlreadyAssigned(ValidationError):
    """Another staff member has the request already."""


def record_received(ill_request: IllRequest, *, by: User | None = None) -> StatusChange:
    """Record the first line of every request's history (Request received) and return it."""
    return StatusChange.objects.create(
        request=ill_request,
        to_status=Status.REQUEST_RECEIVED,
        changed_by=by,
        changed_at=ill_request.received_at,
    )


def allowed_moves(ill_request: IllRequest, *, step: str | None = None) -> list[Status]:
    """The statuses `ill_request` may move to now, as ill.status.moves_now gives them; `step` is the
    borrowing step asking (ill.choices.BorrowingStep), if any."""
    return moves_now(ill_request, step=step)


def why_not(ill_request: IllRequest, to_status: str, *, step: str | None = None) -> str:
    """Why the request may not move to `to_status` now, in the words the workflow refuses it with; "" if it may."""
    try:
        check_move(ill_request, to_status, step=step)
    except ValidationError as refusal:
        return " ".join(refusal.messages)
    return ""


def do_transition(
    ill_request: IllRequest,
    to_status: str,
    *,
    step: str | None = None,
    by: User | None = None,
    note: str = "",
    reason: str = "",
    pages_copied: int | None = None,
    total_pages: int | None = None,
    expected_version: int | str | None = None,
    loan_due_date: date | None = None,
) -> StatusChange:
    """Move a request to `to_status` and record who did it, when and why.

    `note` is for the requester: the tracking page and the status email show it.
    `total_pages` records the item's size on the way, which makes the copyright
    check; `pages_copied` is what a completed copy came to. A loan sent (Loaned)
    is due back on `loan_due_date`, by default ILL_LOAN_DAYS after today. With
    `expected_version`, the move is refused if the request changed since. `step` is the borrowing step
    making the move (ill.choices.BorrowingStep): only it may make the moves ill.status reserves for it.

    Returns the StatusChange recorded; the work that follows is handed over after commit (after_transition).
    Raises TransitionNotAllowed (a ValidationError) when the move is not allowed now or lacks what it needs,
    StaleRequest when the request changed since `expected_version`.
    """
    with transaction.atomic():
        locked = lock(ill_request, expected_version)
        if total_pages is not None:
            locked.total_pages = total_pages
            locked.copyright_check_needed = False
        check_transition(locked, to_status, step=step, reason=reason, note=note, pages_copied=pages_copied)
        change = StatusChange.objects.create(
            request=locked,
            from_status=locked.status,
            to_status=to_status,
            changed_by=by,
            note=note.strip(),
            reason=reason,
        )
        locked.status = to_status
        if to_status == Status.COPY_COMPLETED:
            locked.pages_copied = pages_copied
        if to_status == Status.LOANED:
            locked.loan_due_date = loan_due_date or terms.loan_due_date(library_today(), settings.ILL_LOAN_DAYS)
        save_change(
            locked, ["status", "total_pages", "copyright_check_needed", "pages_copied", "loan_due_date"], by=by
        )
        after_transition(change)
    _copy_state(locked, ill_request)
    return change


def assign(
    ill_request: IllRequest, user: User, *, by: User | None, expected_version: int | str | None = None
) -> None:
    """Give the request to `user` to work. Raises AlreadyAssigned when another staff member has it already,
    StaleRequest when it changed since `expected_version`."""
    with transaction.atomic():
        locked = lock(ill_request, expected_version)
        if locked.assigned_to_id not in (None, user.pk):
            raise AlreadyAssigned(
                gettext("It is already assigned to %(who)s; to take it over, change “assigned to” on its page.")
                % {"who": staff_name(cast(User, locked.assigned_to))}
            )
        if locked.assigned_to_id != user.pk:
            locked.assigned_to = user
            save_change(locked, ["assigned_to"], by=by)
    _copy_state(locked, ill_request)


def lock(ill_request: IllRequest, expected_version: int | str | None = None) -> IllRequest:
    """The request's row, locked until the transaction ends; raises StaleRequest if it is past
    `expected_version`."""
    locked = IllRequest.objects.select_for_update().get(pk=ill_request.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleRequest(
            gettext(
                "It was changed by %(who)s at %(when)s, after you opened it, so nothing was changed. "
                "Look at it again before you act."
            )
            % {
                "who": staff_name(cast(User, locked.updated_by)) if locked.updated_by_id else gettext("someone else"),
                "when": timezone.localtime(locked.updated_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    return locked


def save_staff_edit(ill_request: IllRequest, fields: Sequence[str], *, by: User | None) -> None:
    """Save what staff changed on the request's page (`fields`), locked by the admin's form.

    The one-third check is for copies NLK makes; a lending library applies its own rules. A changed
    figure money depends on (an estimated fee, the most the library will pay) is kept in the request's
    money history.
    """
    ill_request.copyright_check_needed = (
        ill_request.is_copy and not ill_request.is_borrowing and ill_request.total_pages is None
    )
    money_fields = [name for name in fields if name in MONEY_FIELDS]
    if money_fields:
        saved = IllRequest.objects.filter(pk=ill_request.pk).values(*money_fields, "currency").get()
        for name in money_fields:
            figure, currency = MONEY_FIELDS[name]
            record_money_change(
                ill_request, figure, old=(saved[name], currency or saved["currency"]),
                new=(getattr(ill_request, name), currency or ill_request.currency), by=by,
            )
    save_change(ill_request, [*fields, "copyright_check_needed"], by=by)


def save_change(locked: IllRequest, fields: Sequence[str], *, by: User | None) -> None:
    """Save `fields` of a locked request as its next version."""
    locked.version += 1
    locked.updated_by = by
    locked.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


def after_transition(change: StatusChange) -> None:
    """Hand over the work that follows `change` (a StatusChange), in the transaction that recorded it,
    so nothing is sent for a change that is rolled back."""
    # NLK's fee schedule and invoices are for what NLK supplies; a borrowing is settled against
    # its prepayment instead (ill.rules.settlement).
    if change.to_status in FEES_FIXED_AT and not change.request.is_borrowing:
        after_commit("ill.tasks.finalise_fees", change.pk)
    after_commit("ill.tasks.send_status_email", change.pk)
    # A request a partner system sent NLK: its system hears of every change by ISO 18626.
    message = peer_messages.store_status_change(change)
    if message is not None:
        after_commit("ill.tasks.send_iso18626_message", message.pk)


def _copy_state(locked: IllRequest, ill_request: IllRequest) -> None:
    if locked is ill_request:
        return
    for field in ["status", "version", "total_pages", "copyright_check_needed", "pages_copied",
                  "loan_due_date", "assigned_to_id", "updated_by_id", "updated_at"]:
        setattr(ill_request, field, getattr(locked, field))
