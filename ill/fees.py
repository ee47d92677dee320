"""What a request costs, from the fee schedule in force.

The library's page: copying USD 5.00 for 10 pages or less and USD 4.00 for
each additional 10 pages (or part of them); international shipping USD 3.00
basic charge. Shipping is charged for what is sent by post: a copy delivered
electronically crosses no border, so it has no shipping fee. A loan has no
copying fee and always travels by post.

The fees charged are fixed once the work is done: at CopyCompleted from the
pages actually copied, at Loaned for the shipping; always on the schedule the
request was quoted with, the one in force when it was received.
"""

import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from . import terms
from .models import Delivery, FeeSchedule, Service
from .workflow import Status

ZERO = Decimal("0.00")
# The statuses at which what was supplied is known, so the fees are charged.
FEES_FIXED_AT = {Status.COPY_COMPLETED, Status.LOANED}


class NoFeeSchedule(LookupError):
    pass


@dataclass(frozen=True)
class Quote:
    copying_fee: Decimal
    shipping_fee: Decimal
    currency: str
    schedule: FeeSchedule = field(compare=False)

    @property
    def total(self):
        return self.copying_fee + self.shipping_fee


def schedule_in_force(on_date: date):
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
_held = None  # (schedules newest first, shared version, loaded at, checked at), replaced whole
_loading = threading.Lock()


def preview_schedule_in_force(on_date: date):
    """The schedule in force for a preview, from the process's copy of the table (see above).

    What is recorded on a request (its quote, its invoice) comes from `schedule_in_force`, read
    in the transaction that records it.
    """
    for schedule in _schedules():
        if schedule.effective_from <= on_date:
            return schedule
    raise NoFeeSchedule(_("No fee schedule is in force on %(date)s.") % {"date": on_date.isoformat()})


def _schedules():
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


def forget_schedules():
    """Drop this process's copy: the next preview reads the table."""
    global _held
    _held = None


def _publish_schedule_change():
    cache.set(SCHEDULES_VERSION_KEY, uuid.uuid4().hex, None)
    forget_schedules()


@receiver(post_save, sender=FeeSchedule, dispatch_uid="ill.fees.schedule_saved")
@receiver(post_delete, sender=FeeSchedule, dispatch_uid="ill.fees.schedule_deleted")
def _schedule_changed(**kwargs):
    forget_schedules()
    # Other processes learn of it once it is committed, so none of them reads the table too early.
    transaction.on_commit(_publish_schedule_change)


def copying_fee(schedule, pages):
    if pages < 1:
        raise ValueError("a copy has at least one page")
    extra_pages = max(0, pages - schedule.copying_base_pages)
    extra_blocks = -(-extra_pages // schedule.copying_step_pages)
    return schedule.copying_base_fee + extra_blocks * schedule.copying_step_fee


def quote(*, service, delivery, pages, on_date: date, schedule=None):
    """The one fee calculation: preview, form, confirmation, email and invoice all call it."""
    schedule = schedule or schedule_in_force(on_date)
    copying = copying_fee(schedule, pages) if service == Service.COPY else ZERO
    shipping = schedule.shipping_fee if delivery == Delivery.POST else ZERO
    return Quote(
        copying_fee=Decimal(copying).quantize(ZERO),
        shipping_fee=Decimal(shipping).quantize(ZERO),
        currency=schedule.currency,
        schedule=schedule,
    )


def recorded_quote(ill_request):
    """The estimate a request was given when it was made, as a Quote."""
    return Quote(
        copying_fee=ill_request.copying_fee,
        shipping_fee=ill_request.shipping_fee,
        currency=ill_request.currency,
        schedule=ill_request.fee_schedule,
    )


def charged_quote(ill_request, status):
    """The fees charged when a request reaches `status`, or None when nothing is charged there."""
    common = {"on_date": terms.library_date(ill_request.received_at), "schedule": ill_request.fee_schedule}
    if status == Status.COPY_COMPLETED:
        # Staff record the pages copied; until they do, the pages asked for are what was copied.
        pages = ill_request.pages_copied or ill_request.page_count
        return quote(service=Service.COPY, delivery=ill_request.delivery, pages=pages, **common)
    if status == Status.LOANED:
        return quote(service=Service.LOAN, delivery=Delivery.POST, pages=None, **common)
    return None
