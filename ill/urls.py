"""The public ILL pages' URLs."""

from django.urls import path

from nlk_portal.core.converters import ILL_REFERENCE, INVOICE_NUMBER, TRACKING_TOKEN

from .views import borrowing as borrowing_views
from .views import requests as views

app_name = "ill"

# Tokens, references and invoice numbers are matched exactly (nlk_portal.core.converters): anything
# else is a 404 before any view runs.
TOKEN = f"<{TRACKING_TOKEN}:token>"
REFERENCE = f"<{ILL_REFERENCE}:reference>"
NUMBER = f"<{INVOICE_NUMBER}:number>"

urlpatterns = [
    path("", views.service, name="service"),
    path("request/", views.new_request, name="request"),
    path(f"submitted/{TOKEN}/", views.submitted, name="submitted"),
    path(f"track/{TOKEN}/", views.track, name="track"),
    path(f"track/{TOKEN}/invoice/{NUMBER}.pdf", views.track_invoice, name="track_invoice"),
    path("fee-quote/", views.fee_quote, name="fee_quote"),
    path("libraries/", views.library_search, name="library_search"),
    path("borrow/", borrowing_views.borrow, name="borrow"),
    path("borrow/requests/", borrowing_views.borrowing_requests, name="borrowing_requests"),
    path(f"borrow/requests/{REFERENCE}/", borrowing_views.borrowing_request, name="borrowing_request"),
    path(
        f"borrow/requests/{REFERENCE}/statement.pdf",
        borrowing_views.borrowing_statement,
        name="borrowing_statement",
    ),
    path("my-library/", views.library_requests, name="library_requests"),
    path(f"my-library/{REFERENCE}/", views.library_request, name="library_request"),
    path(
        f"my-library/{REFERENCE}/invoice/{NUMBER}.pdf",
        views.library_request_invoice,
        name="library_request_invoice",
    ),
]
