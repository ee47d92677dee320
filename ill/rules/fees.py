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

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, cast

from ..choices import Delivery, Service
from ..status import Status

ZERO = Decimal("0.00")
# The statuses at which what was supplied is known, so the fees are charged.
FEES_FIXED_AT = {Status.COPY_COMPLETED, Status.LOANED}


class Schedule(Protocol):
    """The figures of a fee schedule (ill.models.FeeSchedule) a quote is computed on."""

    @property
    def currency(self) -> str: ...
    @property
    def copying_base_fee(self) -> Decimal: ...
    @property
    def copying_base_pages(self) -> int: ...
    @property
    def copying_step_fee(self) -> Decimal: ...
    @property
    def copying_step_pages(self) -> int: ...
    @property
    def shipping_fee(self) -> Decimal: ...


class QuotedRequest(Protocol):
    """What a request (ill.models.IllRequest) records of its fees."""

    @property
    def copying_fee(self) -> Decimal: ...
    @property
    def shipping_fee(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def fee_schedule(self) -> Schedule: ...
    @property
    def delivery(self) -> str: ...
    @property
    def pages_copied(self) -> int | None: ...
    @property
    def page_count(self) -> int | None: ...


@dataclass(frozen=True)
class Quote:
    copying_fee: Decimal
    shipping_fee: Decimal
    currency: str
    schedule: Any = field(compare=False)  # the FeeSchedule it was computed on (a Schedule)

    @property
    def total(self) -> Decimal:
        return self.copying_fee + self.shipping_fee


def copying_fee(schedule: Schedule, pages: int) -> Decimal:
    if pages < 1:
        raise ValueError("a copy has at least one page")
    extra_pages = max(0, pages - schedule.copying_base_pages)
    extra_blocks = -(-extra_pages // schedule.copying_step_pages)
    return schedule.copying_base_fee + extra_blocks * schedule.copying_step_fee


def quote(*, service: str, delivery: str, pages: int | None, schedule: Schedule) -> Quote:
    """The one fee calculation: preview, form, confirmation, email and invoice all call it."""
    # A copy always has its pages; only a loan comes without.
    copying = copying_fee(schedule, cast(int, pages)) if service == Service.COPY else ZERO
    shipping = schedule.shipping_fee if delivery == Delivery.POST else ZERO
    return Quote(
        copying_fee=Decimal(copying).quantize(ZERO),
        shipping_fee=Decimal(shipping).quantize(ZERO),
        currency=schedule.currency,
        schedule=schedule,
    )


def recorded_quote(ill_request: QuotedRequest) -> Quote:
    """The estimate a request was given when it was made, as a Quote."""
    return Quote(
        copying_fee=ill_request.copying_fee,
        shipping_fee=ill_request.shipping_fee,
        currency=ill_request.currency,
        schedule=ill_request.fee_schedule,
    )


def charged_quote(ill_request: QuotedRequest, status: str) -> Quote | None:
    """The fees charged when a request reaches `status`, or None when nothing is charged there."""
    common = {"schedule": ill_request.fee_schedule}
    if status == Status.COPY_COMPLETED:
        # Staff record the pages copied; until they do, the pages asked for are what was copied.
        pages = ill_request.pages_copied or ill_request.page_count
        return quote(service=Service.COPY, delivery=ill_request.delivery, pages=pages, **common)
    if status == Status.LOANED:
        return quote(service=Service.LOAN, delivery=Delivery.POST, pages=None, **common)
    return None
