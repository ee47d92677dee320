"""A request's whole history in time order, as staff read it behind the admin's History button:
status changes, staff's notes, changes to figures money depends on, emails, and the admin's own log."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from nlk_portal.core.roles import staff_name

from ..models import IllRequest, Invoice


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    kind: str
    what: str
    old: str = ""
    new: str = ""
    detail: str = ""


def _who(user: User | None) -> str:
    return staff_name(user) if user is not None else "—"


def request_history(ill_request: IllRequest) -> list[HistoryEntry]:
    """Every recorded event of the request (its invoices' admin log included), oldest first."""
    entries: list[HistoryEntry] = []
    for change in ill_request.history.select_related("changed_by"):
        entries.append(HistoryEntry(
            change.changed_at, _who(change.changed_by), _("Status"),
            pgettext("history event", "Received") if not change.from_status else _("Status changed"),
            old=change.get_from_status_display() if change.from_status else "",
            new=change.get_to_status_display(),
            detail=" — ".join(str(part) for part in [change.reason_text, change.note] if part),
        ))
    for note in ill_request.internal_notes.select_related("author"):
        entries.append(HistoryEntry(note.created_at, _who(note.author), _("Internal note"), note.shown_text))
    for figure in ill_request.money_changes.select_related("changed_by"):
        entries.append(HistoryEntry(
            figure.changed_at, _who(figure.changed_by), _("Money"), figure.get_figure_display(),
            old=figure.old_value or "—", new=figure.new_value or "—", detail=figure.detail_text,
        ))
    for email in ill_request.emails.all():
        entries.append(HistoryEntry(
            email.sent_at or email.created_at, "—", _("Email"),
            f"{email.get_kind_display()} → {email.recipient}", new=email.get_status_display(),
            detail=email.error or email.subject,
        ))
    for entry in _admin_log(ill_request):
        entries.append(HistoryEntry(
            entry.action_time, _who(entry.user), _("Admin"), entry.get_change_message() or str(entry),
            detail=entry.object_repr if entry.content_type.model_class() is Invoice else "",
        ))
    return sorted(entries, key=lambda entry: entry.when)


# LogEntry rows, as Any: django-stubs declares their user and content_type as ForeignKeys of no type.
def _admin_log(ill_request: IllRequest) -> QuerySet[Any]:
    invoice_ids = [str(pk) for pk in ill_request.invoices.values_list("pk", flat=True)]
    types = ContentType.objects.get_for_models(IllRequest, Invoice)
    return LogEntry.objects.filter(
        Q(content_type=types[IllRequest], object_id=str(ill_request.pk))
        | Q(content_type=types[Invoice], object_id__in=invoice_ids)
    ).select_related("user", "content_type")
