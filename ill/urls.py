"""The public ILL pages' URLs."""

from django.urls import path

from .views import borrowing as borrowing_views
from .views import requests as views

app_name = "ill"

urlpatterns = [
    path("", views.service, name="service"),
    path("request/", views.new_request, name="request"),
    path("submitted/<str:token>/", views.submitted, name="submitted"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/invoice/<str:number>.pdf", views.track_invoice, name="track_invoice"),
    path("fee-quote/", views.fee_quote, name="fee_quote"),
    path("libraries/", views.library_search, name="library_search"),
    path("borrow/", borrowing_views.borrow, name="borrow"),
    path("borrow/requests/", borrowing_views.borrowing_requests, name="borrowing_requests"),
    path("borrow/requests/<str:reference>/", borrowing_views.borrowing_request, name="borrowing_request"),
    path(
        "borrow/requests/<str:reference>/statement.pdf",
        borrowing_views.borrowing_statement,
        name="borrowing_statement",
    ),
    path("my-library/", views.library_requests, name="library_requests"),
    path("my-library/<str:reference>/", views.library_request, name="library_request"),
    path(
        "my-library/<str:reference>/invoice/<str:number>.pdf",
        views.library_request_invoice,
        name="library_request_invoice",
    ),
]
