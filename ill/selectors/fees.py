"""The fee schedule in force on a date: read in the transaction that records a fee, or, for the live
preview, from each process's copy of the table."""

import threading
import time
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from ..models import FeeSchedule
from ..rules.fees import Quote, quote


class NoFeeSchedule(LookupError):
    pass


def schedule_in_force(on_date: date) -> FeeSchedule:
    schedule = FeeSchedule.objects.filter(effective_from__lte=on_date).order_by("-effective_from").first()
    if schedule is None:
        raise NoFeeSchedule(_("No fee schedule is in force on %(date)s.") % {"date": on_date.isoformat()})
    return schedule


# The schedules, held in each process for the live fee preview, which asks for them on every
# keystroke. A save or delete anywhere writes a new version to the shared cache once it commits;
# each process compares its version with the shared one at most every
# ILL_FEE_SCHEDULE_RECHECK_SECONDS and reads the table again when it differs, and in any case
# after ILL_FEE_SCHEDULE_MAX_AGE_SECONDS.
SCHEDULES_VERSION_KEY = "ill:fee-schedules:version"
_held: tuple[tuple[FeeSchedule, ...], Any, float, float] | None = None  # (schedules newest first, shared version, loaded at, checked at), replaced whole
_loading = threading.Lock()


def preview_schedule_in_force(on_date: date) -> FeeSchedule:
    """The schedule in force for a preview, from the process's copy of the table (see above).

    What is recorded on a request (its quote, its invoice) comes from `schedule_in_force`, read
    in the transaction that records it.
    """
    for schedule in _schedules():
        if schedule.effective_from <= on_date:
            return schedule
    raise NoFeeSchedule(_("No fee schedule is in force on %(date)s.") % {"date": on_date.isoformat()})


def _schedules() -> tuple[FeeSchedule, ...]:
    global _held
    now = time.monotonic()
    held = _held
    if held is not None:
        schedules, version, loaded_at, checked_at = held
        if now - loaded_at < settings.ILL_FEE_SCHEDULE_MAX_AGE_SECONDS:
            if now - checked_at < settings.ILL_FEE_SCHEDULE_RECHECK_SECONDS:
                return schedules
            if cache.get(SCHEDULES_VERSION_KEY) == version:
                _held = (schedules, version, loaded_at, now)
                return schedules
    with _loading:
        version = cache.get(SCHEDULES_VERSION_KEY)
        schedules = tuple(FeeSchedule.objects.order_by("-effective_from"))
        _held = (schedules, version, now, now)
    return schedules


def forget_schedules() -> None:
    """Drop this process's copy: the next preview reads the table."""
    global _held
    _held = None


def _publish_schedule_change() -> None:
    cache.set(SCHEDULES_VERSION_KEY, uuid.uuid4().hex, None)
    forget_schedules()


@receiver(post_save, sender=FeeSchedule, dispatch_uid="ill.selectors.fees.schedule_saved")
@receiver(post_delete, sender=FeeSchedule, dispatch_uid="ill.selectors.fees.schedule_deleted")
def _schedule_changed(**kwargs: Any) -> None:
    forget_schedules()
    # Other processes learn of it once it is committed, so none of them reads the table too early.
    transaction.on_commit(_publish_schedule_change)




def quote_on(on_date: date, *, service: str, delivery: str, pages: int | None) -> Quote:
    """The fees of a request made on `on_date`, on the schedule in force that day."""
    return quote(service=service, delivery=delivery, pages=pages, schedule=schedule_in_force(on_date))
