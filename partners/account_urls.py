from django.urls import path

from . import account_views

app_name = "accounts"

urlpatterns = [
    path("register/", account_views.register, name="register"),
    path("register/korea/", account_views.register_korea, name="register_korea"),
    path("confirm/<uidb64>/<token>/", account_views.confirm, name="confirm"),
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
]
