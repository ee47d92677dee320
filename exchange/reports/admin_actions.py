"""Admin list actions that download the chosen rows (or the whole filtered list) as CSV or XLSX.

They write with the reports' own export code; downloading is for holders of
exchange.export_reports, as for the reports.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ill import terms

from . import exports, rows

EXPORT = "exchange.export_reports"
FORMATS = {"csv": _("Download the selected rows as CSV"), "xlsx": _("Download the selected rows as XLSX")}


class ExportPermission:
    """Mixed into a ModelAdmin whose list offers the export actions."""

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT)


def export_actions(listing, name):
    """The CSV and XLSX actions for a list whose rows `listing(queryset)` gives."""

    def action(fmt):
        def export(model_admin, request, queryset):
            return exports.listing_download(listing(queryset), fmt, f"{name}_{terms.library_today()}")

        export.__name__ = f"export_{fmt}"
        return admin.action(description=FORMATS[fmt], permissions=["export"])(export)

    return [action(fmt) for fmt in FORMATS]


ILL_REQUESTS = export_actions(rows.ill_requests, "ill-requests")
SHIPMENTS = export_actions(rows.shipments, "shipments")
INSTITUTIONS = export_actions(rows.institutions, "institutions")
