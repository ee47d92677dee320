from django.urls import path

from .views import CooperationView

app_name = "exchange"

urlpatterns = [
    path("", CooperationView.as_view(), name="cooperation"),
]
