"""The ILL report's figures, as tables: read through ill.selectors.reporting, shaped here."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ill.choices import Direction
from ill.selectors import reporting
from ill.status import Status, UnfilledReason
from nlk_portal.core import charts
from nlk_portal.core.exports.cells import days, share
from nlk_portal.core.money import Money

from .tables import TOP, Table, country_name, title_only

TARGET_TEXT = {
    Direction.NLK_SUPPLIES: _("one month"),
    Direction.NLK_BORROWS: _("one to two months"),
}
# Turnaround distribution: (upper bound in days, label); the last bucket is open-ended.
TURNAROUND_BUCKETS = [
    (7, _("up to 7 days")),
    (14, _("8–14 days")),
    (21, _("15–21 days")),
    (31, _("22–31 days")),
    (62, _("32–62 days")),
    (None, _("over 62 days")),
]
CENT = Decimal("0.01")


def ill_scope(filters):
    """The filters as ill.selectors.reporting takes them."""
    return {
        "start": filters.start,
        "end": filters.end,
        "country": filters.country,
        "institution": filters.institution,
        "direction": filters.program,
    }


def ill_requests(filters):
    """The requests a report counts: received in the period, from the country, institution, direction."""
    return reporting.requests_for(**ill_scope(filters))


def directions(filters):
    return [d for d in reporting.DIRECTIONS if not filters.program or filters.program == d]


def direction_columns(filters):
    short = {Direction.NLK_SUPPLIES: _("NLK supplies"), Direction.NLK_BORROWS: _("NLK borrows")}
    return [short[d] for d in directions(filters)]


def requests_by_status(requests, filters):
    counts = reporting.count_per_direction(requests, "status")
    rows = [
        [str(status.label), *(counts.get(status, {}).get(d, 0) for d in directions(filters))]
        for status in Status
        if status in counts
    ]
    return Table("status", _("Requests by status"), [_("Status"), *direction_columns(filters)], rows)


def requests_by_country(requests, filters):
    counts = reporting.count_per_direction(requests, "partner_country")
    ordered = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    rows = [[country_name(code), *(c.get(d, 0) for d in directions(filters))] for code, c in ordered]
    table = Table("country", _("Requests by country"), [_("Country"), *direction_columns(filters)], rows)
    table.chart = charts.bar_chart(
        _("Top partner countries by ILL requests"),
        [(row[0], sum(row[1:])) for row in rows[:TOP]],
    )
    return table


def requests_by_year(requests, filters):
    counts = reporting.count_per_direction(requests, "received_year")
    rows = [[str(year), *(c.get(d, 0) for d in directions(filters))] for year, c in sorted(counts.items())]
    table = Table("year", _("Requests by year"), [_("Year"), *direction_columns(filters)], rows)
    table.chart = charts.grouped_column_chart(
        _("ILL requests by year"),
        [(row[0], *row[1:]) for row in rows],
        direction_columns(filters) if len(directions(filters)) > 1 else None,
    )
    return table


def requests_by_month(requests, filters):
    counts = reporting.count_per_direction(requests, "month")
    rows = [
        [month.strftime("%Y-%m"), *(c.get(d, 0) for d in directions(filters))]
        for month, c in sorted(counts.items())
    ]
    table = Table("month", _("Requests by month"), [_("Month"), *direction_columns(filters)], rows)
    # A column per direction, as the table beside it has, with a legend when there are two.
    table.chart = charts.grouped_column_chart(
        _("ILL requests by month"),
        [(row[0], *row[1:]) for row in rows],
        direction_columns(filters) if len(directions(filters)) > 1 else None,
    )
    return table


def fill_rate(requests, filters):
    """Supplied against unfilled, per direction."""
    by_direction = reporting.fill_counts(requests)
    rows = []
    for d in directions(filters):
        row = by_direction.get(d, {"supplied": 0, "unfilled": 0})
        decided = row["supplied"] + row["unfilled"]
        rate = share(row["supplied"] / decided if decided else None)
        rows.append([str(Direction(d).label), row["supplied"], row["unfilled"], rate])
    return Table(
        "fill_rate",
        _("Fill rate"),
        [_("Direction"), _("Supplied"), _("Unfilled"), _("Fill rate")],
        rows,
        note=_(
            "Fill rate: supplied requests out of those supplied or unfilled; open and cancelled ones are left out."
        ),
    )


def unfilled_reasons(requests, filters):
    counts = reporting.unfilled_reason_counts(requests)
    labels = dict(UnfilledReason.choices)
    rows = [
        [
            str(labels.get(reason, reason or _("No reason recorded"))),
            *(c.get(d, 0) for d in directions(filters)),
        ]
        for reason, c in sorted(counts.items(), key=lambda item: -sum(item[1].values()))
    ]
    return Table(
        "unfilled_reasons", _("Why requests were unfilled"), [_("Reason"), *direction_columns(filters)], rows
    )


def turnaround(requests, filters):
    rows = []
    for d in directions(filters):
        figures = reporting.turnaround(requests, d)
        within = share(figures["on_time"] / figures["count"] if figures["count"] else None)
        rows.append(
            [
                str(Direction(d).label),
                figures["count"],
                days(figures["median"]),
                days(figures["p90"]),
                str(TARGET_TEXT[d]),
                figures["on_time"],
                within,
            ]
        )
    return Table(
        "turnaround",
        _("Turnaround from receipt to completion"),
        [
            _("Direction"),
            _("Completed"),
            _("Median (days)"),
            _("90th percentile (days)"),
            _("Target"),
            _("Within target"),
            _("Share within target"),
        ],
        rows,
        note=_(
            "Completion is the change to “Copy completed”, “Loan completed” or “Completed without return”."
        ),
        sheet=_("Turnaround"),
    )


def turnaround_distribution(requests, filters):
    counts = reporting.turnaround_counts(
        requests.filter(direction__in=directions(filters)), [upper for upper, _label in TURNAROUND_BUCKETS]
    )
    rows = [[str(label), count] for (_upper, label), count in zip(TURNAROUND_BUCKETS, counts, strict=True)]
    table = Table(
        "turnaround_distribution", _("Turnaround distribution"), [_("Days"), _("Completed requests")], rows
    )
    table.chart = charts.column_chart(_("Turnaround distribution"), [tuple(row) for row in rows])
    return table


def overdue_now(requests, filters):
    counts = reporting.overdue_counts(requests)
    rows = [[str(Direction(d).label), counts.get(d, 0)] for d in directions(filters)]
    return Table(
        "overdue",
        _("Overdue now"),
        [_("Direction"), _("Open requests past their due date")],
        rows,
        note=_("Counted today, among the requests the filters select."),
    )


def fees(filters):
    """Fees invoiced in the period against what was collected in it, per currency; void invoices left out."""
    invoiced, collected = reporting.fees_per_currency(**ill_scope(filters))
    rows = []
    for currency in sorted(set(invoiced) | set(collected)):
        charged, paid = invoiced.get(currency, CENT * 0), collected.get(currency, CENT * 0)
        rows.append([
            currency, *(Money(amount.quantize(CENT), currency) for amount in (charged, paid, charged - paid))
        ])
    return Table(
        "fees",
        _("Fees invoiced and collected"),
        [_("Currency"), _("Invoiced"), _("Collected"), _("Difference")],
        rows,
        note=_("Invoices issued and payments received in the period; void invoices are left out."),
    )


def refunds(filters):
    """Refunds paid out to users in Korea after their borrowings were settled, per currency."""
    paid = reporting.refunds_paid(**ill_scope(filters))
    rows = [[currency, Money(total.quantize(CENT), currency)] for currency, total in sorted(paid["totals"].items())]
    return Table(
        "refunds",
        _("Refunds paid"),
        [_("Currency"), _("Refunds paid")],
        rows,
        note=ngettext(
            "%(count)d refund paid out in the period to users in Korea after settlement.",
            "%(count)d refunds paid out in the period to users in Korea after settlement.",
            paid["count"],
        )
        % {"count": paid["count"]},
    )


def ill_report(filters):
    requests = ill_requests(filters)
    report = title_only("ill", filters)
    report.tables = [
        requests_by_status(requests, filters),
        requests_by_year(requests, filters),
        requests_by_month(requests, filters),
        requests_by_country(requests, filters),
        fill_rate(requests, filters),
        unfilled_reasons(requests, filters),
        turnaround(requests, filters),
        turnaround_distribution(requests, filters),
        overdue_now(requests, filters),
        fees(filters),
        refunds(filters),
    ]
    return report
