from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("ill/", views.ReportView.as_view(report="ill"), name="ill"),
    path("exchange/", views.ReportView.as_view(report="exchange"), name="exchange"),
    path("<str:report>/download.<str:fmt>", views.DownloadView.as_view(), name="download"),
]
