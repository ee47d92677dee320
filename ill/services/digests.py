"""The daily digest (Celery beat): each staff member's overdue and due-soon requests, and the unassigned ones.

Each digest is recorded per day and recipient, so a task that runs twice
sends nothing twice.
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from nlk_portal.core import roles
from nlk_portal.core.calendar import days_until, due_phrase, library_today

from ..models import IllRequest, StaffDigest
from ..selectors import queues

# A digest lists this many requests of each kind, then links to the full list.
LISTED = 50
TEAM = "team"


def send_daily_digests(today: date | None = None) -> int:
    """Send today's digests that have not been sent yet (each member of staff's overdue and due requests,
    the team's unassigned ones); return how many were sent. Raises what sending raises (SMTPException,
    OSError); a digest sent before the failure is not sent again."""
    today = today or library_today()
    sent = 0
    for user in _staff_with_requests_due(today):
        sent += _send_once(StaffDigest.Kind.MINE, user.email, today, lambda user=user: _mine(user, today))
    recipients = team_addresses()
    if recipients:
        sent += _send_once(StaffDigest.Kind.UNASSIGNED, TEAM, today, lambda: _unassigned(recipients, today))
    return sent


def team_addresses() -> list[str]:
    """ILL_TEAM_EMAIL if set (a shared mailbox), else every ILL staff member with an email address."""
    if settings.ILL_TEAM_EMAIL:
        return list(settings.ILL_TEAM_EMAIL)
    return sorted(set(roles.ill_staff_members().exclude(email="").values_list("email", flat=True)))


def _staff_with_requests_due(today: date) -> QuerySet[User]:
    assignees = (
        queues.open_requests(IllRequest.objects.filter(assigned_to__isnull=False))
        .filter(due_date__lt=today + timedelta(queues.DUE_SOON_DAYS))
        .values("assigned_to")
    )
    return get_user_model().objects.filter(pk__in=assignees, is_active=True).exclude(email="").order_by("pk")


def _send_once(kind: str, recipient: str, today: date, build: Callable[..., EmailMessage | None]) -> int:
    message = build()
    if message is None:
        return 0
    with transaction.atomic():
        record, _ = StaffDigest.objects.select_for_update().get_or_create(day=today, kind=kind, recipient=recipient)
        if record.sent_at is not None:
            return 0
        message.send()
        record.sent_at = timezone.now()
        record.save(update_fields=["sent_at"])
    return 1


def _mine(user: User, today: date) -> EmailMessage | None:
    mine = IllRequest.objects.filter(assigned_to=user).select_related("requesting_library")
    overdue, due_soon = queues.overdue(mine, today), queues.due_soon(mine, today)
    context: dict[str, Any] = {
        "user": user,
        "overdue": _listing(overdue.order_by("due_date", "id"), today),
        "due_soon": _listing(due_soon.order_by("due_date", "id"), today),
        "list_url": _list_url("assigned=me&due=overdue"),
    }
    if not (context["overdue"]["count"] or context["due_soon"]["count"]):
        return None
    return _message("digest_mine", context, [user.email], today)


def _unassigned(recipients: list[str], today: date) -> EmailMessage | None:
    unassigned = queues.open_requests(
        IllRequest.objects.filter(assigned_to__isnull=True).select_related("requesting_library")
    )
    context: dict[str, Any] = {
        "unassigned": _listing(unassigned.order_by("due_date", "id"), today),
        "overdue_count": queues.capped_count(queues.overdue(unassigned, today), LISTED * 200),
        "list_url": _list_url("assigned=nobody"),
    }
    if not context["unassigned"]["count"]:
        return None
    return _message("digest_unassigned", context, recipients, today)


def _listing(queryset: QuerySet[IllRequest], today: date) -> dict[str, Any]:
    rows = list(queryset[:LISTED])
    count = len(rows) if len(rows) < LISTED else queues.capped_count(queryset, LISTED * 200)
    return {"rows": [(r, _change_url(r), due_phrase(days_until(r.due_date, today))) for r in rows], "count": count}


def _change_url(ill_request: IllRequest) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("admin:ill_illrequest_change", args=[ill_request.pk])


def _list_url(query: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("admin:ill_illrequest_changelist") + "?" + query


def _message(template: str, context: dict[str, Any], recipients: list[str], today: date) -> EmailMessage:
    context = {**context, "today": today}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"ill/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"ill/email/{template}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
