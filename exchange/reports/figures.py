"""The figures of the two manager reports, as tables: computed in SQL, read by pages and exports alike."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from ill.choices import Direction
from ill.selectors import reporting
from ill.status import Status, UnfilledReason
from nlk_portal.core import charts
from nlk_portal.core.calendar import library_today
from nlk_portal.core.exports import Figure, days, share
from nlk_portal.core.money import Money

from ..models import (
    AgreementStatus,
    DepositReceipt,
    ExchangeAgreement,
    KoreanStudiesSupply,
    MaterialCategory,
    Meeting,
    PartnershipParticipant,
    Shipment,
    VolumeDelivery,
    WindowOnKoreaSite,
)
from ..models import Direction as ShipmentDirection
from ..selectors import plans
from .filters import Program

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
TOP = 10
CENT = Decimal("0.01")
# What a table sets right, its heading with it; "–" (nothing to give) goes with either.
NUMBERS = (int, float, Decimal, Money, Figure)
NOTHING = ("–", "", None)


def is_number(value):
    return isinstance(value, NUMBERS) and not isinstance(value, bool)


@dataclass
class Table:
    """One table of a report: on the page, a CSV section, an XLSX sheet, a PDF table.

    Its values keep their types (numbers, Money, shares and days as Figure), which print as text on the
    page and in the PDF and are numbers in the XLSX.
    """

    key: str
    title: str
    columns: list
    rows: list
    note: str = ""
    chart: str = ""  # SVG drawn from the same rows
    sheet: str = ""  # a shorter title for the XLSX sheet, whose name holds 31 characters

    @property
    def sheet_name(self):
        return self.sheet or self.title

    @property
    def numeric(self):
        """For each column, whether it holds numbers, set right with its heading; the first names the row."""
        flags = []
        for n in range(len(self.columns)):
            values = [row[n] for row in self.rows if row[n] not in NOTHING]
            flags.append(n > 0 and bool(values) and all(is_number(value) for value in values))
        return flags

    @property
    def headings(self):
        """(column, numeric) for each column."""
        return list(zip(self.columns, self.numeric, strict=True))

    @property
    def cells(self):
        """The rows as (value, numeric) for each value; an amount without its currency, which the row names."""
        numeric = self.numeric
        return [
            [(value.amount_text if isinstance(value, Money) else value, flag) for value, flag in zip(row, numeric, strict=True)]
            for row in self.rows
        ]


@dataclass
class Report:
    key: str
    title: str
    filters: object
    tables: list = field(default_factory=list)

    def table(self, key):
        return next(table for table in self.tables if table.key == key)


def country_name(code):
    return str(countries.name(code)) if code else str(_("Country not known"))


# ILL


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


# Exchange


def by_partner_filters(queryset, filters, institution="institution"):
    if filters.country:
        queryset = queryset.filter(**{f"{institution}__country": filters.country})
    if filters.institution:
        queryset = queryset.filter(**{institution: filters.institution})
    return queryset


def in_years(queryset, filters, year="year"):
    if filters.first_year:
        queryset = queryset.filter(**{f"{year}__gte": filters.first_year})
    if filters.last_year:
        queryset = queryset.filter(**{f"{year}__lte": filters.last_year})
    return queryset


def shipments(filters):
    queryset = by_partner_filters(Shipment.objects.all(), filters)
    if filters.start:
        queryset = queryset.filter(date__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(date__lte=filters.end)
    return queryset


SENT, RECEIVED = ShipmentDirection.SENT, ShipmentDirection.RECEIVED
SHIPMENT_SUMS = {
    "sent_shipments": Count("id", filter=Q(direction=SENT)),
    "sent_items": Sum("items", filter=Q(direction=SENT), default=0),
    "received_shipments": Count("id", filter=Q(direction=RECEIVED)),
    "received_items": Sum("items", filter=Q(direction=RECEIVED), default=0),
}
SHIPMENT_COLUMNS = [_("Shipments sent"), _("Items sent"), _("Shipments received"), _("Items received")]


def sums(row):
    return [row[key] for key in SHIPMENT_SUMS]


def shipments_by_category(queryset):
    totals = {
        row["category"]: row for row in queryset.values("category").annotate(**SHIPMENT_SUMS).order_by()
    }
    rows = [
        [str(label), *sums(totals[value])] for value, label in MaterialCategory.choices if value in totals
    ]
    return Table(
        "shipments_category",
        _("Shipments by material category"),
        [_("Material category"), *SHIPMENT_COLUMNS],
        rows,
    )


def shipments_by_partner(queryset):
    totals = (
        queryset.values("institution__name_en", "institution__country")
        .annotate(**SHIPMENT_SUMS)
        .order_by("-sent_items", "institution__name_en")
    )
    rows = [
        [row["institution__name_en"], country_name(row["institution__country"]), *sums(row)] for row in totals
    ]
    return Table(
        "shipments_partner", _("Shipments by partner"), [_("Partner"), _("Country"), *SHIPMENT_COLUMNS], rows
    )


def shipments_by_country(queryset):
    totals = queryset.values("institution__country").annotate(**SHIPMENT_SUMS).order_by()
    rows = sorted(
        ([country_name(row["institution__country"]), *sums(row)] for row in totals),
        key=lambda row: (-(row[2] + row[4]), row[0]),
    )
    table = Table("shipments_country", _("Shipments by country"), [_("Country"), *SHIPMENT_COLUMNS], rows)
    table.chart = charts.bar_chart(
        _("Top partner countries by items exchanged"), [(row[0], row[2] + row[4]) for row in rows[:TOP]]
    )
    return table


def shipments_by_year(queryset):
    totals = (
        queryset.annotate(year=ExtractYear("date")).values("year").annotate(**SHIPMENT_SUMS).order_by("year")
    )
    rows = [[str(row["year"]), *sums(row)] for row in totals]
    table = Table("shipments_year", _("Shipments by year"), [_("Year"), *SHIPMENT_COLUMNS], rows)
    table.chart = charts.grouped_column_chart(
        _("Items exchanged by year"),
        [(row[0], row[2], row[4]) for row in rows],
        (_("Items sent"), _("Items received")),
    )
    return table


def active_agreements(filters):
    agreements = by_partner_filters(ExchangeAgreement.objects.filter(status=AgreementStatus.ACTIVE), filters)
    if filters.last_year:
        agreements = agreements.filter(Q(since__lte=filters.last_year) | Q(since=None))
    rows = [
        [
            a.institution.name_en,
            country_name(a.institution.country),
            str(a.get_kind_display()),
            a.since or "–",
        ]
        for a in agreements.select_related("institution")
    ]
    return Table(
        "agreements",
        _("Active exchange agreements"),
        [_("Partner"), _("Country"), _("Kind"), _("Since")],
        rows,
    )


def deposits(filters):
    receipts = by_partner_filters(DepositReceipt.objects.all(), filters, "depositor__institution")
    if filters.start:
        receipts = receipts.filter(received_on__gte=filters.start)
    if filters.end:
        receipts = receipts.filter(received_on__lte=filters.end)
    totals = (
        receipts.values("depositor__acronym")
        .annotate(receipts=Count("id"), items=Sum("items"))
        .order_by("depositor__acronym")
    )
    rows = [[row["depositor__acronym"], row["receipts"], row["items"]] for row in totals]
    return Table(
        "deposits",
        _("Deposits by international organization"),
        [_("Organization"), _("Receipts"), _("Items")],
        rows,
        sheet=_("Deposits by organization"),
    )


def korean_studies(filters):
    supplies = in_years(by_partner_filters(KoreanStudiesSupply.objects.all(), filters), filters)
    totals = (
        supplies.values("institution__country")
        .annotate(libraries=Count("institution", distinct=True), items=Sum("items"))
        .order_by()
    )
    rows = sorted(
        ([country_name(row["institution__country"]), row["libraries"], row["items"]] for row in totals),
        key=lambda row: (-row[2], row[0]),
    )
    return Table(
        "korean_studies",
        _("Korean Studies supply by country"),
        [_("Country"), _("Libraries"), _("Items")],
        rows,
        sheet=_("Korean Studies supply"),
    )


def window_on_korea(filters, today):
    sites = by_partner_filters(WindowOnKoreaSite.objects.all(), filters)
    deliveries = in_years(VolumeDelivery.objects.filter(site__in=sites), filters)
    in_period = dict(deliveries.values_list("site").annotate(total=Sum("volumes")).order_by())
    rows = []
    for site in plans.with_delivered(sites.select_related("institution")):
        progress = plans.progress(site, site.delivered, today)
        expected = (
            "–" if progress.expected_min is None else f"{progress.expected_min}–{progress.expected_max}"
        )
        rows.append(
            [
                site.institution.name_en,
                country_name(site.country),
                site.established_year or "–",
                in_period.get(site.pk, 0),
                site.delivered,
                expected,
                str(progress.get_status_display()),
            ]
        )
    return Table(
        "window_on_korea",
        _("Window on Korea sites: volumes delivered against plan"),
        [
            _("Site"),
            _("Country"),
            _("Established"),
            _("Volumes in the period"),
            _("Volumes to date"),
            _("Planned to date"),
            _("Plan"),
        ],
        rows,
        sheet=_("Window on Korea"),
    )


def cultural_partnership(filters):
    participants = in_years(PartnershipParticipant.objects.all(), filters, "cohort__year")
    if filters.country:
        participants = participants.filter(country=filters.country)
    if filters.institution:
        participants = participants.filter(institution=filters.institution)
    totals = (
        participants.values("cohort__year", "country")
        .annotate(n=Count("id"))
        .order_by("cohort__year", "country")
    )
    rows = [[row["cohort__year"] or "–", country_name(row["country"]), row["n"]] for row in totals]
    return Table(
        "cultural_partnership",
        _("Cultural Partnership participants by year and country"),
        [_("Year"), _("Country"), _("Participants")],
        rows,
        sheet=_("Cultural Partnership"),
    )


def business_exchange(filters):
    meetings = in_years(by_partner_filters(Meeting.objects.all(), filters, "exchange__institution"), filters)
    rows = [
        [
            m.year,
            m.exchange.institution.name_en,
            country_name(m.exchange.institution.country),
            str(m.get_host_display()) if m.host else "–",
        ]
        for m in meetings.select_related("exchange__institution").order_by(
            "year", "exchange__institution__name_en"
        )
    ]
    return Table(
        "business_exchange",
        _("Business exchange meetings"),
        [_("Year"), _("Partner library"), _("Country"), _("Host")],
        rows,
    )


def exchange_report(filters, today):
    report = title_only("exchange", filters)
    if filters.shows(Program.MATERIALS_EXCHANGE):
        sent_and_received = shipments(filters)
        report.tables += [
            shipments_by_year(sent_and_received),
            shipments_by_category(sent_and_received),
            shipments_by_country(sent_and_received),
            shipments_by_partner(sent_and_received),
            active_agreements(filters),
        ]
    if filters.shows(Program.DEPOSITS):
        report.tables.append(deposits(filters))
    if filters.shows(Program.KOREAN_STUDIES):
        report.tables.append(korean_studies(filters))
    if filters.shows(Program.WINDOW_ON_KOREA):
        report.tables.append(window_on_korea(filters, today))
    if filters.shows(Program.CULTURAL_PARTNERSHIP):
        report.tables.append(cultural_partnership(filters))
    if filters.shows(Program.BUSINESS_EXCHANGE):
        report.tables.append(business_exchange(filters))
    return report


TITLES = {"ill": _("ILL report"), "exchange": _("Exchange report")}


def title_only(report, filters):
    return Report(report, TITLES[report], filters)


def build(report, filters, today=None):
    today = today or library_today()
    return ill_report(filters) if report == "ill" else exchange_report(filters, today)
