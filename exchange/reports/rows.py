"""Row-by-row listings behind the reports and the admin exports: headers and a values_list query.

Every derived column (completion date, turnaround days) is computed by the
database, so that an export reads plain tuples and builds no model instances.
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils.translation import gettext_lazy as _

from ill import terms

from .sql import DaysBetween, with_completion

# What makes a spreadsheet read a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Listing:
    name: str
    headers: list
    rows: QuerySet  # a values_list query


def text(expression):
    return Cast(expression, CharField())


def typed(field):
    """A column people typed, with a leading apostrophe where a spreadsheet would take it for a formula."""
    looks_like_formula = Q()
    for start in FORMULA_STARTS:
        looks_like_formula |= Q(**{f"{field}__startswith": start})
    return Case(
        When(looks_like_formula, then=Concat(Value("'"), F(field))),
        default=F(field),
        output_field=CharField(),
    )


ILL_HEADERS = [
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


def ill_requests(requests):
    """One row per request, oldest first."""
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
            text(TruncDate("received_at", tzinfo=terms.LIBRARY_TIME_ZONE)),
            text("due_date"),
            text(TruncDate("completed_at", tzinfo=terms.LIBRARY_TIME_ZONE)),
            text(DaysBetween("completed_at", "received_at")),
            text("copying_fee"),
            text("shipping_fee"),
            "currency",
        )
    )
    return Listing(str(_("Requests")), ILL_HEADERS, rows)


SHIPMENT_HEADERS = [
    _("Date"),
    _("Direction"),
    _("Material category"),
    _("Partner"),
    _("Country"),
    _("Number of items"),
    _("Notes"),
]


def shipments(queryset):
    rows = queryset.order_by("date", "id").values_list(
        "date",
        "direction",
        "category",
        typed("institution__name_en"),
        "institution__country",
        "items",
        typed("notes"),
    )
    return Listing(str(_("Shipments")), SHIPMENT_HEADERS, rows)


INSTITUTION_HEADERS = [
    _("Name (English)"),
    _("Name (Korean)"),
    _("Kind"),
    _("Country"),
    _("City"),
    _("Active"),
    _("Verified"),
]


def institutions(queryset):
    rows = queryset.order_by("name_en", "id").values_list(
        typed("name_en"), typed("name_ko"), "kind", "country", typed("city"), "is_active", "is_verified"
    )
    return Listing(str(_("Institutions")), INSTITUTION_HEADERS, rows)


def for_report(report, filters):
    """The listing a report's CSV and XLSX carry: the requests, or the shipments."""
    from . import figures

    if report == "ill":
        return ill_requests(figures.ill_requests(filters))
    return shipments(figures.shipments(filters))
