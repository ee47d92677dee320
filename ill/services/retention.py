"""Personal data kept only as long as needed: removed from requests and borrowings past their retention period.

A request's or borrowing's personal data is kept PERSONAL_DATA_RETENTION_DAYS from the day it reached a final
status (ill.status.CLOSED, as its status history records). Then `purge` replaces every personal field (the
requester's name, email, postal address and notes, who submitted it, staff's and status changes' notes, the
ISO 18626 patron reference and the raw messages, the addresses of the emails sent, the arguments of its
background tasks and the names of objects in the admin's log of it) with a fixed marker, and marks the request
(`personal_data_removed_at`). What the reports count stays: the reference, the country and library, the dates,
the status history (statuses, times, reasons) and the money (fees, invoices, payments, refunds).
Login records go after LOGIN_RECORD_RETENTION_DAYS (partners.services.retention).

`remove_personal_data(requests)` removes the same data of any requests at once, whatever their age (an
account being closed), and `remove_user_personal_data(user)` that of a user's requests and account.
Each purge is recorded as a PersonalDataPurge. It works in batches of BATCH requests with one UPDATE per kind,
and a request once purged is not touched again.
"""

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from nlk_portal.outbox.models import OutboxEntry
from partners.services import retention as accounts_retention

from ..models import (
    Borrowing,
    IllRequest,
    InternalNote,
    Invoice,
    Iso18626Message,
    Iso18626Transaction,
    MoneyChange,
    PersonalDataPurge,
    SentEmail,
    StatusChange,
)
from ..rules.search import GRAM_FIELDS, search_grams
from ..status import CLOSED
from .peer_messages import UNFINISHED

REMOVED = "(removed)"
BATCH = 1000
FINISHED_TASKS = [OutboxEntry.State.DONE, OutboxEntry.State.FAILED]

# Each ILL task's first argument: the id of a row of this model, and the path from it to its request.
# (A model class: Any, since Model itself has no `objects`.)
TASK_SUBJECTS: dict[str, tuple[Any, str]] = {
    "ill.tasks.send_acknowledgement": (IllRequest, "pk"),
    "ill.tasks.finalise_fees": (StatusChange, "request_id"),
    "ill.tasks.send_status_email": (StatusChange, "request_id"),
    "ill.tasks.render_invoice": (Invoice, "request_id"),
    "ill.tasks.stamp_void_invoice": (Invoice, "request_id"),
    "ill.tasks.email_invoice": (Invoice, "request_id"),
    "ill.tasks.send_payment_reminder": (Invoice, "request_id"),
    "ill.tasks.render_statement": (Borrowing, "request_id"),
    "ill.tasks.email_statement": (Borrowing, "request_id"),
    "ill.tasks.email_prepayment_request": (MoneyChange, "request_id"),
    "ill.tasks.email_message_to_user": (InternalNote, "request_id"),
    "ill.tasks.send_iso18626_message": (Iso18626Message, "request_id"),
}


@dataclass
class Counts:
    """How many of each kind a purge removed (or, in a dry run, would remove)."""

    requests: int = 0
    borrowings: int = 0
    status_notes: int = 0
    internal_notes: int = 0
    iso18626_transactions: int = 0
    iso18626_messages: int = 0
    sent_emails: int = 0
    outbox_entries: int = 0
    admin_log_entries: int = 0
    login_records: int = 0

    def add(self, other: "Counts") -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Requests that reached a final status before this are past their retention period."""
    return (now or timezone.now()) - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def login_cutoff(now: datetime | None = None) -> datetime:
    """Login records from before this are past their retention period."""
    return (now or timezone.now()) - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)


def past_retention(now: datetime | None = None) -> QuerySet[IllRequest]:
    """The requests whose personal data is due for removal: closed, their final status reached before the
    cutoff, and not purged yet."""
    closed_before = StatusChange.objects.filter(
        request=OuterRef("pk"), to_status__in=sorted(CLOSED), changed_at__lt=retention_cutoff(now)
    )
    return IllRequest.objects.filter(
        Exists(closed_before), status__in=sorted(CLOSED), personal_data_removed_at__isnull=True
    )


def purge(*, dry_run: bool = False, now: datetime | None = None) -> PersonalDataPurge:
    """Remove the personal data past its retention period (requests and what belongs to them, login
    records), record the purge and return its record. A dry run counts the same and changes nothing but
    the record of it."""
    now = now or timezone.now()
    started = timezone.now()
    counts = Counts()
    due = past_retention(now)
    last = 0
    while True:
        ids = list(due.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        counts.add(_requests_batch(ids, dry_run=dry_run, now=now))
        last = ids[-1]
    if counts.requests:
        # The tasks and admin log of the requests this purge removed (in a dry run, would remove).
        purged = past_retention(now) if dry_run else IllRequest.objects.filter(personal_data_removed_at=now)
        counts.outbox_entries = _outbox(purged, dry_run=dry_run)
        counts.admin_log_entries = _admin_log(purged, dry_run=dry_run)
    counts.login_records = accounts_retention.remove_login_records(login_cutoff(now), dry_run=dry_run)
    return PersonalDataPurge.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        dry_run=dry_run,
        retention_days=settings.PERSONAL_DATA_RETENTION_DAYS,
        login_retention_days=settings.LOGIN_RECORD_RETENTION_DAYS,
        **counts.as_dict(),
    )


def remove_personal_data(requests: QuerySet[IllRequest], *, now: datetime | None = None) -> Counts:
    """Remove the personal data of `requests` (a queryset of IllRequest) as the purge does, whatever their age
    or status; requests already purged are left as they are. Return the counts of what was removed."""
    now = now or timezone.now()
    counts = Counts()
    ids = list(requests.filter(personal_data_removed_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        counts.add(_requests_batch(ids[start:start + BATCH], dry_run=False, now=now))
    if ids:
        purged = IllRequest.objects.filter(pk__in=ids)
        counts.outbox_entries = _outbox(purged, dry_run=False)
        counts.admin_log_entries = _admin_log(purged, dry_run=False)
    return counts


def remove_user_personal_data(user: User, *, now: datetime | None = None) -> Counts:
    """Remove the personal data of every request `user` submitted and of their account (names, email,
    username, phone, postal address, login records), which is closed. The caller decides whether it may be
    (a user's open request, say). Returns the counts of what was removed."""
    with transaction.atomic():
        counts = remove_personal_data(IllRequest.objects.filter(submitted_by=user), now=now)
        accounts_retention.remove_account_personal_data(user)
    return counts


def _requests_batch(ids: list[int], *, dry_run: bool, now: datetime) -> Counts:
    with transaction.atomic():
        requests = IllRequest.objects.filter(pk__in=ids, personal_data_removed_at__isnull=True)
        ids = list(requests.select_for_update().values_list("pk", flat=True))
        kinds = {
            "status_notes": StatusChange.objects.filter(request_id__in=ids).exclude(note=""),
            "internal_notes": InternalNote.objects.filter(request_id__in=ids),
            "iso18626_transactions": Iso18626Transaction.objects.filter(request_id__in=ids).exclude(
                patron_reference=""
            ),
            "iso18626_messages": Iso18626Message.objects.filter(request_id__in=ids),
            "sent_emails": SentEmail.objects.filter(request_id__in=ids),
        }
        counts = Counts(requests=len(ids), borrowings=Borrowing.objects.filter(request_id__in=ids).count())
        if dry_run:
            for kind, rows in kinds.items():
                setattr(counts, kind, rows.count())
            return counts
        _regram(ids)
        IllRequest.objects.filter(pk__in=ids).update(
            contact_name=REMOVED,
            email="",
            postal_address="",
            notes="",
            submitted_by=None,
            submission_digest="",
            personal_data_removed_at=now,
        )
        counts.status_notes = kinds["status_notes"].update(note=REMOVED)
        # A note the portal wrote holds its names and words in its values: they go with the text.
        counts.internal_notes = kinds["internal_notes"].update(text=REMOVED, text_code="", text_values={})
        counts.iso18626_transactions = kinds["iso18626_transactions"].update(patron_reference="")
        # A message not yet confirmed (or refused) is never sent now: its body is gone.
        kinds["iso18626_messages"].filter(incoming=False, state__in=UNFINISHED).update(
            state=Iso18626Message.State.DROPPED, next_attempt_at=None
        )
        counts.iso18626_messages = kinds["iso18626_messages"].update(
            body=REMOVED, confirmation=REMOVED, body_digest="", error=""
        )
        counts.sent_emails = kinds["sent_emails"].update(recipient="", error="")
        return counts


# The searched text the purge removes; its grams go with it (a name, or an email's domain, may be in Hangul).
PERSONAL_GRAM_FIELDS = ("contact_name", "email")


def _regram(ids: list[int]) -> None:
    """The search grams without those of the contact's name and email."""
    changed = []
    rows = IllRequest.objects.filter(pk__in=ids).exclude(search_grams="").values_list("pk", *GRAM_FIELDS)
    for pk, *texts in rows:
        values = dict(zip(GRAM_FIELDS, texts, strict=True))
        if all(values[name].isascii() for name in PERSONAL_GRAM_FIELDS):
            continue
        values.update(dict.fromkeys(PERSONAL_GRAM_FIELDS, ""))
        changed.append(IllRequest(pk=pk, search_grams=search_grams(*(values[name] for name in GRAM_FIELDS))))
    IllRequest.objects.bulk_update(changed, ["search_grams"], batch_size=BATCH)


def _outbox(purged: QuerySet[IllRequest], *, dry_run: bool) -> int:
    """Empty the arguments (and errors) of the ILL tasks about the `purged` requests; a task not finished
    yet is marked failed, since it can no longer run. Return how many."""
    count = 0
    last = 0
    rows = OutboxEntry.objects.filter(task_name__in=list(TASK_SUBJECTS)).exclude(args=[]).order_by("pk")
    while True:
        batch = list(rows.filter(pk__gt=last).values_list("pk", "task_name", "args")[:BATCH])
        if not batch:
            return count
        last = batch[-1][0]
        subjects: dict[str, dict[int, int]] = {}
        for pk, task_name, args in batch:
            if args and isinstance(args[0], int):
                subjects.setdefault(task_name, {})[args[0]] = pk
        entry_ids = []
        for task_name, by_subject in subjects.items():
            model, to_request = TASK_SUBJECTS[task_name]
            of_purged = (
                model.objects.filter(pk__in=list(by_subject))
                .filter(**{f"{to_request}__in": purged.values("pk")})
                .values_list("pk", flat=True)
            )
            entry_ids += [by_subject[subject] for subject in of_purged]
        if dry_run:
            count += len(entry_ids)
            continue
        entries = OutboxEntry.objects.filter(pk__in=entry_ids)
        entries.exclude(state__in=FINISHED_TASKS).update(state=OutboxEntry.State.FAILED)
        count += entries.update(args=[], error="")


def _admin_log(purged: QuerySet[IllRequest], *, dry_run: bool) -> int:
    """Take the names of the objects (staff's notes among them) out of the admin's log of the `purged`
    requests; what was added, changed or deleted, and which fields, stay. Return how many entries."""
    count = 0
    content_type = ContentType.objects.get_for_model(IllRequest)
    object_ids = [str(pk) for pk in purged.order_by("pk").values_list("pk", flat=True)]
    for start in range(0, len(object_ids), BATCH):
        rows = LogEntry.objects.filter(
            content_type=content_type, object_id__in=object_ids[start:start + BATCH],
            change_message__contains='"object"',
        ).values_list("pk", "change_message")
        changed = [
            LogEntry(pk=pk, change_message=rewritten)
            for pk, message in rows
            if (rewritten := _without_object_names(message)) != message
        ]
        count += len(changed)
        if not dry_run:
            LogEntry.objects.bulk_update(changed, ["change_message"], batch_size=BATCH)
    return count


def _without_object_names(message: str) -> str:
    try:
        parts = json.loads(message)
    except ValueError:
        return ""
    if not isinstance(parts, list):
        return ""
    changed = False
    for part in parts:
        for detail in part.values() if isinstance(part, dict) else ():
            if isinstance(detail, dict) and detail.get("object", REMOVED) != REMOVED:
                detail["object"] = REMOVED
                changed = True
    return json.dumps(parts) if changed else message


def counts_of(record: PersonalDataPurge) -> dict[str, int]:
    """A purge's counts by kind, as recorded."""
    return {field.name: getattr(record, field.name) for field in fields(Counts)}

