"""Row-by-row listings behind the reports: the shipments, and the requests as ill.selectors.reporting lists them.

Every column is computed by the database, so that an export reads plain
tuples and builds no model instances.
"""

from django.utils.translation import gettext_lazy as _

from ill.selectors import reporting
from nlk_portal.core.exports import Listing, labelled, typed

from ..models import Direction as ShipmentDirection
from ..models import MaterialCategory
from . import figures

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
    """One row per shipment, its direction and category as their labels."""
    rows = queryset.order_by("date", "id").values_list(
        "date",
        labelled("direction", ShipmentDirection.choices),
        labelled("category", MaterialCategory.choices),
        typed("institution__name_en"),
        "institution__country",
        "items",
        typed("notes"),
    )
    return Listing(str(_("Shipments")), SHIPMENT_HEADERS, rows)


def for_report(report, filters):
    """The listing a report's CSV and XLSX carry: the requests, or the shipments."""
    if report == "ill":
        return reporting.request_listing(figures.ill_requests(filters))
    return shipments(figures.shipments(filters))
