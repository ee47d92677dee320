"""What the manager reports read of ILL: the requests a report counts and their figures, computed in SQL.

The reports (exchange.reports) lay these out as tables and charts; they read
ILL only through this module. A request is counted under the institution
abroad it is with: the requesting library when NLK supplies, the lending
institution when NLK borrows for a user in Korea.
"""

from datetime import date

from django.db import connection
from django.db.models import Case, Count, F, FilteredRelation, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractYear, TruncDate, TruncMonth
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.calendar import LIBRARY_TIME_ZONE
from nlk_portal.core.db import AddMonths, DaysBetween, Percentile, percentile
from nlk_portal.core.exports import Listing, text, typed
from partners.models import Institution

from ..choices import Direction
from ..models import IllRequest, Invoice, Payment, RefundPayout, StatusChange
from ..rules import terms
from ..status import COMPLETED, SUPPLIED, Status
from . import queues

DIRECTIONS = [Direction.NLK_SUPPLIES, Direction.NLK_BORROWS]
# Months from receipt within which a request should be completed (ill.rules.terms).
TARGET_MONTHS = {
    Direction.NLK_SUPPLIES: terms.PROCESSING_TIME.months,
    Direction.NLK_BORROWS: terms.BORROWING_LIMIT.months,
}
PARTNER_COUNTRY = Case(
    When(direction=Direction.NLK_BORROWS, then=F("borrowing__lender_country")),
    default=F("requesting_library__country"),
)
# What each grouping counts by, as an annotation of the request.
GROUPS = {
    "status": None,
    "partner_country": PARTNER_COUNTRY,
    "received_year": ExtractYear("received_at"),
    "month": TruncMonth("received_at"),
}


def requests_for(
    *,
    start: date | None = None,
    end: date | None = None,
    country: str = "",
    institution: Institution | None = None,
    direction: str = "",
) -> QuerySet:
    """The requests a report counts: received in the period, with the country, institution and direction."""
    requests = IllRequest.objects.all()
    if start:
        requests = requests.filter(received_at__date__gte=start)
    if end:
        requests = requests.filter(received_at__date__lte=end)
    if country:
        requests = requests.annotate(partner_country=PARTNER_COUNTRY).filter(partner_country=country)
    if institution:
        requests = requests.filter(
            Q(direction=Direction.NLK_SUPPLIES, requesting_library=institution)
            | Q(direction=Direction.NLK_BORROWS, borrowing__lender=institution)
        )
    if direction in DIRECTIONS:
        requests = requests.filter(direction=direction)
    return requests


def count_per_direction(requests: QuerySet, group_by: str) -> dict:
    """{group value: {direction: count}}, grouped by one of GROUPS."""
    if GROUPS[group_by] is not None:
        requests = requests.annotate(**{group_by: GROUPS[group_by]})
    counts = {}
    for row in requests.values(group_by, "direction").annotate(n=Count("id")).order_by():
        counts.setdefault(row[group_by], {})[row["direction"]] = row["n"]
    return counts


def fill_counts(requests: QuerySet) -> dict:
    """{direction: {"supplied": n, "unfilled": n}}."""
    counts = requests.values("direction").annotate(
        supplied=Count("id", filter=Q(status__in=sorted(SUPPLIED))),
        unfilled=Count("id", filter=Q(status=Status.UNFILLED)),
    )
    return {row["direction"]: row for row in counts.order_by()}


def unfilled_reason_counts(requests: QuerySet) -> dict:
    """{reason given: {direction: number of unfilled requests}}."""
    changes = StatusChange.objects.filter(
        request__in=requests.filter(status=Status.UNFILLED), to_status=Status.UNFILLED
    )
    counts = {}
    for row in (
        changes.values("reason", "request__direction").annotate(n=Count("request", distinct=True)).order_by()
    ):
        counts.setdefault(row["reason"], {})[row["request__direction"]] = row["n"]
    return counts


def with_completion(requests: QuerySet) -> QuerySet:
    """The requests, each with `completed_at`: when it reached a completed status (ill.status.COMPLETED).

    A completed status is final, and the one_completion_per_request constraint
    holds the database to it, so a join finds at most one completion per request.
    """
    completion = FilteredRelation("history", condition=Q(history__to_status__in=sorted(COMPLETED)))
    return requests.annotate(completion=completion).annotate(completed_at=F("completion__changed_at"))


def with_turnaround(requests: QuerySet) -> QuerySet:
    """Completed requests, each with `completed_at` and `turnaround_days` computed in SQL."""
    return (
        with_completion(requests)
        .filter(completed_at__isnull=False)
        .annotate(turnaround_days=DaysBetween("completed_at", "received_at"))
    )


def turnaround_percentiles(completed: QuerySet):
    """(median, 90th percentile) of turnaround days.

    percentile_cont on PostgreSQL; the same interpolation in Python on databases without it.
    """
    if connection.vendor == "postgresql":
        result = completed.aggregate(
            median=Percentile("turnaround_days", 0.5), p90=Percentile("turnaround_days", 0.9)
        )
        return result["median"], result["p90"]
    days = sorted(completed.values_list("turnaround_days", flat=True))
    return percentile(days, 0.5), percentile(days, 0.9)


def turnaround(requests: QuerySet, direction: str) -> dict:
    """The completed requests of one direction: how many, how many within the target, median and p90 days."""
    completed = with_turnaround(requests.filter(direction=direction))
    median, p90 = turnaround_percentiles(completed)
    counts = completed.aggregate(
        n=Count("id"),
        on_time=Count("id", filter=Q(completed_at__lte=AddMonths("received_at", TARGET_MONTHS[direction]))),
    )
    return {"count": counts["n"], "on_time": counts["on_time"], "median": median, "p90": p90}


def turnaround_counts(requests: QuerySet, bounds: list) -> list:
    """How many completed requests took up to each bound in days (None: any longer), each bucket above the
    one before."""
    completed = with_turnaround(requests)
    buckets, lower = {}, None
    for n, upper in enumerate(bounds):
        condition = Q()
        if lower is not None:
            condition &= Q(turnaround_days__gt=lower)
        if upper is not None:
            condition &= Q(turnaround_days__lte=upper)
        buckets[f"bucket_{n}"] = Count("id", filter=condition)
        lower = upper
    counts = completed.aggregate(**buckets)
    return [counts[f"bucket_{n}"] for n in range(len(bounds))]


def overdue_counts(requests: QuerySet) -> dict:
    """{direction: open requests past their due date}, today."""
    overdue = queues.overdue(requests)
    return dict(overdue.values_list("direction").annotate(n=Count("id")).order_by())


def fees_per_currency(
    *,
    start: date | None = None,
    end: date | None = None,
    country: str = "",
    institution: Institution | None = None,
    direction: str = "",
) -> tuple[dict, dict]:
    """({currency: invoiced}, {currency: collected}) in the period; void invoices left out."""
    invoices = Invoice.objects.exclude(status=Invoice.State.VOID)
    payments = Payment.objects.all()
    if start:
        invoices, payments = invoices.filter(issued_on__gte=start), payments.filter(received_on__gte=start)
    if end:
        invoices, payments = invoices.filter(issued_on__lte=end), payments.filter(received_on__lte=end)
    if country:
        invoices = invoices.filter(request__requesting_library__country=country)
        payments = payments.filter(invoice__request__requesting_library__country=country)
    if institution:
        invoices = invoices.filter(request__requesting_library=institution)
        payments = payments.filter(invoice__request__requesting_library=institution)
    if direction in DIRECTIONS:
        invoices = invoices.filter(request__direction=direction)
        payments = payments.filter(invoice__request__direction=direction)
    invoiced = dict(invoices.values_list("currency").annotate(total=Sum("total")).order_by())
    collected = dict(payments.values_list("currency").annotate(total=Sum("amount")).order_by())
    return invoiced, collected


def refunds_paid(
    *,
    start: date | None = None,
    end: date | None = None,
    country: str = "",
    institution: Institution | None = None,
    direction: str = "",
) -> dict:
    """Refunds paid out to users in Korea after settlement: {"totals": {currency: sum}, "count": n}."""
    payouts = RefundPayout.objects.all()
    if start:
        payouts = payouts.filter(paid_on__gte=start)
    if end:
        payouts = payouts.filter(paid_on__lte=end)
    # For a borrowing, the institution abroad is the lender.
    if country:
        payouts = payouts.filter(borrowing__lender__country=country)
    if institution:
        payouts = payouts.filter(borrowing__lender=institution)
    if direction in DIRECTIONS and direction != Direction.NLK_BORROWS:
        payouts = payouts.none()
    rows = payouts.order_by().values("currency").annotate(total=Sum("amount"), count=Count("id"))
    totals = {row["currency"]: row["total"] for row in rows}
    return {"totals": totals, "count": sum(row["count"] for row in rows)}


REQUEST_HEADERS = [
    _("Reference"),
    _("Direction"),
    _("Status (ISO 18626)"),
    _("Service"),
    _("Type of material"),
    _("Requesting library"),
    _("Country"),
    _("Received on"),
    _("Due date"),
    _("Completed on"),
    _("Turnaround (days)"),
    _("Copying fee"),
    _("Shipping fee"),
    _("Currency"),
]


def request_listing(requests: QuerySet) -> Listing:
    """One row per request, oldest first, every derived column computed by the database."""
    rows = (
        with_completion(requests)
        .order_by("id")
        .values_list(
            "reference",
            "direction",
            "status",
            "service",
            "item_type",
            typed("requesting_library__name_en"),
            "requesting_library__country",
            # Dates and amounts as the database writes them: no conversion to Python and back per row.
            text(TruncDate("received_at", tzinfo=LIBRARY_TIME_ZONE)),
            text("due_date"),
            text(TruncDate("completed_at", tzinfo=LIBRARY_TIME_ZONE)),
            text(DaysBetween("completed_at", "received_at")),
            text("copying_fee"),
            text("shipping_fee"),
            "currency",
        )
    )
    return Listing(str(_("Requests")), REQUEST_HEADERS, rows)
