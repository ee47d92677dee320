"""What the manager reports read of ILL: the requests a report counts and their figures, computed in SQL.

The reports (exchange.reports) lay these out as tables and charts; they read
ILL only through this module. A request is counted under the institution
abroad it is with: the requesting library when NLK supplies, the lending
institution when NLK borrows for a user in Korea.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, NullIf, TruncDate, TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nlk_portal.core.calendar import LIBRARY_TIME_ZONE
from nlk_portal.core.db import AddMonths, DaysBetween, Percentile, percentile
from nlk_portal.core.exports.listings import Listing, as_date, as_money, as_number, labelled, text, typed
from partners.models import Institution

from ..choices import Direction, ItemType, Service
from ..models import IllRequest, Invoice, InvoiceLine, Payment, RefundPayout, StatusChange
from ..rules import terms
from ..status import COMPLETED, OPEN, SUPPLIED, Status
from . import queues

DIRECTIONS = [Direction.NLK_SUPPLIES, Direction.NLK_BORROWS]
# Months from receipt within which a request should be completed (ill.rules.terms).
TARGET_MONTHS: dict[str, int] = {
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
    counts: dict[Any, dict[str, int]] = {}
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
    counts: dict[str, dict[str, int]] = {}
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


def turnaround_percentiles(completed: QuerySet) -> tuple[float | None, float | None]:
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
    _("Library abroad (requesting or lending)"),
    _("Country"),
    _("Received on"),
    _("Due date"),
    _("Completed on"),
    _("Turnaround (days)"),
    _("Copying fee"),
    _("Loan fee"),
    _("International shipping"),
    _("Bank fees"),
    _("Currency"),
    pgettext_lazy("report column", "What the fees are"),
]
BORROWS = Q(direction=Direction.NLK_BORROWS)
# The institution abroad: the requesting library when NLK supplies, the lending institution (from the
# directory, or as the user typed it) when NLK borrows.
PARTNER_NAME = Case(
    When(BORROWS, then=Coalesce(NullIf("borrowing__lender__name_en", Value("")), "borrowing__lender_name")),
    default=F("requesting_library__name_en"),
    output_field=CharField(),
)
# The fees as the request records them: NLK's own estimate when it supplies, the lending institution's fees
# in their currency when it borrows.
RECORDED_FEES = {
    "copying": Case(When(BORROWS, then=F("borrowing__lender_copying_fee")), default=F("copying_fee")),
    "loan": Case(When(BORROWS, then=F("borrowing__lender_loan_fee")), default=None),
    "shipping": Case(When(BORROWS, then=F("borrowing__shipping_fee")), default=F("shipping_fee")),
    "bank": Case(When(BORROWS, then=F("borrowing__bank_fee")), default=None),
}
RECORDED_CURRENCY = Case(
    When(BORROWS, then=F("borrowing__fees_currency")), default=F("currency"), output_field=CharField()
)


def invoice_in_force() -> FilteredRelation:
    """The request's invoice in force, joined: the one_live_invoice_per_request constraint keeps it to one row."""
    return FilteredRelation("invoices", condition=~Q(invoices__status=Invoice.State.VOID))


# What each fee column holds when the request has an invoice in force: the invoice's line, if it has one.
INVOICE_LINES = {"copying": InvoiceLine.Kind.COPYING, "shipping": InvoiceLine.Kind.SHIPPING}


class FeeBasis(models.TextChoices):
    """What a request's fee columns hold, by what is known of its money, first that applies.

    Only what was charged is given for a request that is over: an estimate of one never supplied (Unfilled,
    Cancelled) would overstate what the library took in.
    """

    INVOICED = "invoiced", pgettext_lazy("fee basis", "Invoiced")
    SETTLED = "settled", pgettext_lazy("fee basis", "Charged at settlement")
    TO_SETTLE = "to_settle", pgettext_lazy("fee basis", "Charged by the lending institution, to be settled")
    ESTIMATE = "estimate", pgettext_lazy("fee basis", "Estimate: the request is still open")
    NOT_INVOICED = "not_invoiced", pgettext_lazy("fee basis", "Supplied, no invoice in force")
    NOT_SUPPLIED = "not_supplied", pgettext_lazy("fee basis", "Not supplied: nothing charged")


NOT_YET_SUPPLIED = sorted(OPEN - SUPPLIED)
FEE_BASIS_CONDITIONS = {
    FeeBasis.INVOICED: Q(invoice_in_force_pk__isnull=False),
    FeeBasis.SETTLED: BORROWS & Q(borrowing__settled_at__isnull=False),
    FeeBasis.TO_SETTLE: BORROWS & Q(status__in=sorted(SUPPLIED)),
    FeeBasis.ESTIMATE: Q(status__in=NOT_YET_SUPPLIED),
    FeeBasis.NOT_INVOICED: Q(status__in=sorted(SUPPLIED)),
}
# The bases under which the fee columns give the fees the request records.
RECORDED_BASES = (FeeBasis.SETTLED, FeeBasis.TO_SETTLE, FeeBasis.ESTIMATE)
AMOUNT: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=12, decimal_places=2)


def fee_basis() -> Case:
    """FeeBasis of each request, as its label in the language in force."""
    return Case(
        *(When(condition, then=Value(str(basis.label))) for basis, condition in FEE_BASIS_CONDITIONS.items()),
        default=Value(str(FeeBasis.NOT_SUPPLIED.label)),
        output_field=CharField(),
    )


def shows_recorded() -> Q:
    """The requests (not invoiced) whose fee columns give the fees the request records."""
    condition = Q()
    for basis in RECORDED_BASES:
        condition |= FEE_BASIS_CONDITIONS[basis]
    return ~FEE_BASIS_CONDITIONS[FeeBasis.INVOICED] & condition


def shown_fee(name: str) -> Case:
    """A fee column: the invoice's line where an invoice is in force, else the recorded fee where FeeBasis says
    so, else nothing."""
    invoiced = None
    if name in INVOICE_LINES:
        lines = InvoiceLine.objects.filter(invoice=OuterRef("invoice_in_force_pk"), kind=INVOICE_LINES[name])
        invoiced = Subquery(lines.values("amount")[:1])
    return Case(
        When(FEE_BASIS_CONDITIONS[FeeBasis.INVOICED], then=invoiced),
        When(shows_recorded(), then=RECORDED_FEES[name]),
        default=None,
        output_field=AMOUNT,
    )


def shown_currency() -> Case:
    return Case(
        When(FEE_BASIS_CONDITIONS[FeeBasis.INVOICED], then=F("invoice_in_force__currency")),
        When(shows_recorded(), then=RECORDED_CURRENCY),
        default=Value(""),
        output_field=CharField(),
    )


CURRENCY_COLUMN = 15
# How a spreadsheet types the columns the listing reads as text.
REQUEST_KINDS = [
    None, None, None, None, None, None, None, as_date, as_date, as_date, as_number,
    *[as_money(CURRENCY_COLUMN)] * 4, None, None,
]


def request_listing(requests: QuerySet) -> Listing:
    """One row per request, oldest first, every derived column computed by the database; the kinds of request
    as their labels, the fees as FeeBasis says."""
    rows = (
        with_completion(requests)
        .annotate(invoice_in_force=invoice_in_force())
        .annotate(
            invoice_in_force_pk=F("invoice_in_force__id"),
            partner_name=PARTNER_NAME,
            partner_country=PARTNER_COUNTRY,
            **{f"shown_{name}_fee": shown_fee(name) for name in RECORDED_FEES},
        )
        .order_by("id")
        .values_list(
            "reference",
            labelled("direction", Direction.choices),
            labelled("status", Status.choices),
            labelled("service", Service.choices),
            labelled("item_type", ItemType.choices),
            typed("partner_name"),
            "partner_country",
            # Dates and amounts as the database writes them: no conversion to Python and back per row.
            text(TruncDate("received_at", tzinfo=LIBRARY_TIME_ZONE)),
            text("due_date"),
            text(TruncDate("completed_at", tzinfo=LIBRARY_TIME_ZONE)),
            text(DaysBetween("completed_at", "received_at")),
            text("shown_copying_fee"),
            text("shown_loan_fee"),
            text("shown_shipping_fee"),
            text("shown_bank_fee"),
            shown_currency(),
            fee_basis(),
        )
    )
    return Listing(str(_("Requests")), REQUEST_HEADERS, rows, REQUEST_KINDS)
