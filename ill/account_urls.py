"""The signed-in registrant's own account: /accounts/mine/ (the project's URLs put it there)."""

from django.urls import path

from .views import account as views

app_name = "my_account"

urlpatterns = [
    path("", views.account, name="account"),
    path("data.json", views.data_json, name="data_json"),
    path("data.csv", views.data_csv, name="data_csv"),
    path("close/", views.close, name="close"),
]
