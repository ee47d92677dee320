from django.urls import path

from .views.directory import DirectoryView

app_name = "partners"

urlpatterns = [
    path("", DirectoryView.as_view(), name="directory"),
]
