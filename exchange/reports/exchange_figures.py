"""The exchange report's figures, as tables: the programs' records counted in SQL."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from nlk_portal.core import charts

from ..models import (
    AgreementStatus,
    DepositReceipt,
    ExchangeAgreement,
    KoreanStudiesSupply,
    MaterialCategory,
    Meeting,
    PartnershipParticipant,
    Shipment,
    ShipmentDirection,
    VolumeDelivery,
    WindowOnKoreaSite,
)
from ..selectors import plans
from .filters import Program
from .tables import TOP, Table, country_name, title_only


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
