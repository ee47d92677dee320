from django.urls import path

from . import views

app_name = "ill"

urlpatterns = [
    path("", views.service, name="service"),
    path("request/", views.new_request, name="request"),
    path("submitted/<str:token>/", views.submitted, name="submitted"),
    path("track/<str:token>/", views.track, name="track"),
    path("fee-quote/", views.fee_quote, name="fee_quote"),
    path("libraries/", views.library_search, name="library_search"),
    path("my-library/", views.library_requests, name="library_requests"),
    path("my-library/<str:reference>/", views.library_request, name="library_request"),
]
