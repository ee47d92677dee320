"""Exports as downloads: the HTTP responses that carry CSV, XLSX and PDF, and the admin actions that
download a list's selection.

Who may download is a setting, EXPORT_PERMISSION, which names the permission of the app that holds it;
a ModelAdmin offers the actions with ExportPermission mixed in.
"""

import tempfile
from collections.abc import Callable, Iterable
from typing import IO, Any, cast

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from ..calendar import library_today
from .listings import Listing, listing_rows
from .writers import Row, csv_chunks, write_xlsx

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# An admin action that downloads the selection: (model admin, request, selected rows) -> the download.
# ModelAdmin takes a type argument in its stubs only, hence the quotes.
ExportAction = Callable[
    ["admin.ModelAdmin[Any]", HttpRequest, QuerySet[Any, Any]], StreamingHttpResponse | FileResponse
]
FORMATS = {"csv": _("Download the selected rows as CSV"), "xlsx": _("Download the selected rows as XLSX")}


def streaming_csv(rows: Iterable[Row], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(rows), content_type=CONTENT_TYPES["csv"])
    # An attachment always has a header (None is for an inline response without a name).
    response["Content-Disposition"] = cast(str, content_disposition_header(True, name))
    response["Cache-Control"] = "private, no-store"
    # Proxies such as nginx would otherwise hold the stream back until it ends.
    response["X-Accel-Buffering"] = "no"
    return response


def file_response(file: IO[bytes], name: str, fmt: str) -> FileResponse:
    file.seek(0)
    response = FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(sheets: Iterable[tuple[object, Iterable[Row]]], name: str) -> FileResponse:
    # On disk rather than in memory: a workbook of a million rows is tens of megabytes.
    file = tempfile.TemporaryFile()
    write_xlsx(sheets, file)
    return file_response(file, name, "xlsx")


def listing_download(listing: Listing, fmt: str, name: str) -> StreamingHttpResponse | FileResponse:
    """A listing as CSV or XLSX, under `name` with the format's extension."""
    if fmt == "csv":
        return streaming_csv(listing_rows(listing), f"{name}.csv")
    return xlsx_response([(listing.name, listing_rows(listing, typed_cells=True))], f"{name}.xlsx")


class ExportPermission:
    """Mixed into a ModelAdmin whose list offers the export actions; who may use them is the permission
    settings.EXPORT_PERMISSION names."""

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(settings.EXPORT_PERMISSION)


def export_actions(listing: Callable[[QuerySet[Any, Any]], Listing], name: str) -> list[ExportAction]:
    """The CSV and XLSX actions for a list whose rows `listing(queryset)` gives."""

    def action(fmt: str) -> ExportAction:
        def export(
            model_admin: "admin.ModelAdmin[Any]", request: HttpRequest, queryset: QuerySet[Any, Any]
        ) -> StreamingHttpResponse | FileResponse:
            return listing_download(listing(queryset), fmt, f"{name}_{library_today()}")

        export.__name__ = f"export_{fmt}"
        return admin.action(description=FORMATS[fmt], permissions=["export"])(export)

    return [action(fmt) for fmt in FORMATS]
