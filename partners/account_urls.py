from django.urls import path

from .views import accounts as account_views

app_name = "accounts"

urlpatterns = [
    path("register/", account_views.register, name="register"),
    path("register/korea/", account_views.register_korea, name="register_korea"),
    path("confirm/again/", account_views.confirm_again, name="confirm_again"),
    path("confirm/<uidb64>/<token>/", account_views.confirm, name="confirm"),
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("password/reset/", account_views.password_reset, name="password_reset"),
    path("password/reset/done/", account_views.password_reset_complete, name="password_reset_complete"),
    path(
        "password/reset/<uidb64>/<token>/", account_views.password_reset_confirm, name="password_reset_confirm"
    ),
]
