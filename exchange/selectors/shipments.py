"""The shipments as a listing: one row per shipment, every column computed by the database, for an export
(the shipments list in the admin, the exchange report's CSV and XLSX)."""

from django.utils.translation import gettext_lazy as _

from nlk_portal.core.exports.listings import Listing, labelled, typed

from ..models import MaterialCategory, ShipmentDirection

SHIPMENT_HEADERS = [
    _("Date"),
    _("Direction"),
    _("Material category"),
    _("Partner"),
    _("Country"),
    _("Number of items"),
    _("Notes"),
]


def shipment_listing(queryset):
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
