"""Tasks written with the data they are about, and handed to the broker after commit.

A task asked for in a transaction is a row in that transaction. Once it
commits the row is handed to the broker; if the broker is down, the row
waits and the sweep (Celery beat, or `manage.py sweep_outbox`) hands it over
when the broker is back. A row handed over long ago that never finished (a
broker restarted without its data) is handed over again: the tasks are
idempotent, so a second run does nothing twice. The worker's progress is
written back on the row through Celery's signals, so staff see what failed
and can run it again.
"""

import logging
import uuid
from datetime import timedelta

from celery import current_app
from celery.signals import task_failure, task_postrun, task_prerun, task_retry, task_success
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError
from kombu.utils.imports import symbol_by_name

from nlk_portal.core import request_id

from .models import OutboxEntry

logger = logging.getLogger(__name__)
State = OutboxEntry.State
UNFINISHED = [State.QUEUED, State.RUNNING, State.RETRYING]
BATCH = 100
# Finished rows are kept this long for staff to look back on, then removed by the sweep.
KEEP_DONE = timedelta(days=30)
# The task header that carries the id of the request that asked for the task.
REQUEST_ID_HEADER = "request_id"
# The request id each running task replaced, restored when it ends (eager tasks run inside the request).
_replaced_ids = {}
# What a broker that is down or unreachable raises when a task is published.
BROKER_ERRORS = (OperationalError, OSError)


def after_commit(task_name: str, *args) -> OutboxEntry:
    """Have a worker run the task named `task_name` ("ill.tasks.render_invoice") with `args`
    once the current transaction commits.

    The task is written to the outbox in the caller's transaction: if that
    rolls back nothing is sent, and if the broker is down when it commits the
    task waits in the outbox until the sweep hands it over. Outside a
    transaction it is handed over at once. Arguments must be JSON. A name
    that names no task is refused here, in the caller's transaction.
    """
    _task_named(task_name)
    entry = OutboxEntry.objects.create(task_name=task_name, args=list(args), request_id=request_id.current() or "")
    transaction.on_commit(lambda: hand_over(entry.pk))
    return entry


def hand_over(entry_id):
    """Give one waiting row to the broker; if the broker cannot take it, the sweep will."""
    if _eager():
        _run_here(entry_id)
        return
    with transaction.atomic():
        entry = _lock(OutboxEntry.objects.filter(pk=entry_id, state=State.PENDING)).first()
        if entry is not None:
            _publish(entry)


def sweep(now=None):
    """Hand over every waiting row, and again those unfinished for too long; return how many."""
    now = now or timezone.now()
    handed = 0
    while True:
        batch, complete = _sweep_batch(now)
        handed += batch
        if complete or not batch:
            break
    OutboxEntry.objects.filter(state=State.DONE, updated_at__lt=now - KEEP_DONE).delete()
    return handed


def run_again(entries):
    """Staff's retry: the rows are handed over again once the admin's transaction commits."""
    ids = [entry.pk for entry in entries]
    OutboxEntry.objects.filter(pk__in=ids).update(state=State.PENDING, updated_at=timezone.now())
    for entry_id in ids:
        transaction.on_commit(lambda entry_id=entry_id: hand_over(entry_id))
    return len(ids)


def _sweep_batch(now):
    stale = now - timedelta(seconds=settings.ILL_OUTBOX_RESEND_AFTER)
    due = Q(state=State.PENDING) | Q(state__in=UNFINISHED, updated_at__lt=stale)
    if _eager():
        ids = list(OutboxEntry.objects.filter(due).order_by("id").values_list("pk", flat=True)[:BATCH])
        for entry_id in ids:
            OutboxEntry.objects.filter(pk=entry_id).update(state=State.PENDING)
            _run_here(entry_id)
        return len(ids), len(ids) < BATCH
    with transaction.atomic():
        entries = list(_lock(OutboxEntry.objects.filter(due).order_by("id")[:BATCH]))
        for count, entry in enumerate(entries):
            if not _publish(entry):
                return count, True
        return len(entries), len(entries) < BATCH


def _lock(queryset):
    # Rows another process is handing over are left to it.
    return queryset.select_for_update(skip_locked=True)


def _publish(entry):
    try:
        _send(entry)
    except BROKER_ERRORS as error:
        logger.warning("Broker unavailable, %s waits in the outbox: %s", entry, error)
        _update(entry, error=_describe(error))
        return False
    except Exception as error:
        logger.exception("Could not hand %s to the broker", entry)
        _update(entry, state=State.FAILED, error=_describe(error))
        return True
    _update(entry, state=State.QUEUED, handed_over_at=timezone.now())
    return True


def _run_here(entry_id):
    """Without a broker (`make run`, the tests) the task runs in this process, after the commit."""
    now = timezone.now()
    claimed = OutboxEntry.objects.filter(pk=entry_id, state=State.PENDING).update(
        state=State.QUEUED, handed_over_at=now, updated_at=now
    )
    if not claimed:
        return
    entry = OutboxEntry.objects.get(pk=entry_id)
    try:
        _send(entry)
    except Exception:
        # The failure is on the row (see _failed) for staff; what the caller committed stands.
        logger.exception("Task %s failed", entry)


def _send(entry):
    # The row's request id goes with the task (a header), also when the sweep sends it again.
    headers = {REQUEST_ID_HEADER: entry.request_id} if entry.request_id else {}
    _task(entry).apply_async(args=entry.args, task_id=str(entry.task_id), headers=headers)


def _task(entry):
    return _task_named(entry.task_name)


def _task_named(name):
    # Imported by name, so the apps that ask for tasks need not import the modules that run them.
    task = symbol_by_name(name)
    if not hasattr(task, "apply_async"):
        raise TypeError(f"{name} is not a Celery task")
    return task


def _eager():
    return current_app.conf.task_always_eager


def _update(entry, **fields):
    OutboxEntry.objects.filter(pk=entry.pk).update(updated_at=timezone.now(), **fields)


def _describe(error):
    return f"{type(error).__name__}: {error}"[:2000]


def _record(task_id, **fields):
    try:
        key = uuid.UUID(str(task_id))
    except ValueError:
        return
    OutboxEntry.objects.filter(task_id=key).update(updated_at=timezone.now(), **fields)


@task_prerun.connect(dispatch_uid="outbox.started")
def _started(task_id=None, **kwargs):
    _record(task_id, state=State.RUNNING, attempts=F("attempts") + 1)


@task_prerun.connect(dispatch_uid="outbox.request_id")
def _use_request_id(task_id=None, task=None, **kwargs):
    # Custom headers arrive as attributes of the task's request (a worker) or in its headers (eager).
    context = getattr(task, "request", None)
    value = getattr(context, REQUEST_ID_HEADER, None) or (getattr(context, "headers", None) or {}).get(
        REQUEST_ID_HEADER
    )
    _replaced_ids.setdefault(task_id, []).append(request_id.use(request_id.sane(value)))


@task_postrun.connect(dispatch_uid="outbox.request_id_done")
def _forget_request_id(task_id=None, **kwargs):
    # A list per task: an eager task's retries run inside it, under the same task id.
    tokens = _replaced_ids.get(task_id)
    if not tokens:
        return
    token = tokens.pop()
    if not tokens:
        del _replaced_ids[task_id]
    try:
        request_id.forget(token)
    except ValueError:
        # Set in another context (a thread pool); that context ends with the task.
        pass


@task_retry.connect(dispatch_uid="outbox.retrying")
def _retrying(request=None, reason=None, **kwargs):
    _record(request.id, state=State.RETRYING, error=_describe(reason))


@task_success.connect(dispatch_uid="outbox.done")
def _done(sender=None, **kwargs):
    _record(sender.request.id, state=State.DONE)


@task_failure.connect(dispatch_uid="outbox.failed")
def _failed(task_id=None, exception=None, **kwargs):
    _record(task_id, state=State.FAILED, error=_describe(exception))
