"""Celery beat's scheduler for the portal: each schedule entry is sent once per period, however many beats run.

One beat is expected (the Procfile's `beat`). Should a second one be started by mistake, both would send
every entry: each day's digests twice, the monthly report twice. Before sending, this scheduler claims the
entry's period with a row in the database (ScheduledRun, unique per entry and period); the beat that finds
the period already claimed sends nothing and says so in its log. The database is the truth both beats
share, and it outlives a cache or broker restart.
"""

import logging
import math
import os
import socket
from datetime import datetime, timedelta

from celery.beat import PersistentScheduler
from celery.schedules import crontab, schedule
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Claims are kept this long; every schedule's period is shorter (a crontab's is a day at most).
KEEP_CLAIMS = timedelta(days=3)


def period_of(entry_schedule, now: datetime) -> str:
    """The period a run at `now` belongs to: a run every N seconds, N seconds of the clock since the epoch;
    a crontab, the day it runs on (at a fixed hour and minute), the hour (at a fixed minute) or the minute.

    Two runs of one scheduler are at least a period apart, so each lands in a period of its own; two
    schedulers' runs in the same period are one run sent twice.
    """
    if isinstance(entry_schedule, crontab):
        local = timezone.localtime(now)
        if len(entry_schedule.minute) == 1 and len(entry_schedule.hour) == 1:
            return local.strftime("%Y-%m-%d")
        if len(entry_schedule.minute) == 1:
            return local.strftime("%Y-%m-%dT%H")
        return local.strftime("%Y-%m-%dT%H:%M")
    if isinstance(entry_schedule, schedule):
        seconds = entry_schedule.run_every.total_seconds()
        if seconds > 0:
            return f"every {seconds:g}s #{math.floor(now.timestamp() / seconds)}"
    return timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")


def claim(entry_name: str, period: str, by: str) -> bool:
    """Claim `period` of the schedule entry for `by`; False when another scheduler already has."""
    from .models import ScheduledRun

    if not connection.in_atomic_block:
        # Beat runs for months on one connection: one the database dropped (a restart) is opened again.
        close_old_connections()
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(entry=entry_name, period=period, claimed_by=by)
    except IntegrityError:
        return False
    ScheduledRun.objects.filter(claimed_at__lt=timezone.now() - KEEP_CLAIMS).delete()
    return True


class OncePerPeriodScheduler(PersistentScheduler):
    """Celery's own scheduler (its schedule file included), which sends an entry only once it has claimed
    the entry's period."""

    def __init__(self, *args, **kwargs):
        self.node = f"{socket.gethostname()}:{os.getpid()}"
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        period = period_of(entry.schedule, timezone.now())
        if not claim(entry.name, period, self.node):
            logger.info("Scheduler: %s for %s was already sent by another scheduler; not sent again.",
                        entry.name, period)
            if advance:
                self.reserve(entry)
            return None
        return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
