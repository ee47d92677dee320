"""The project's URLs: the site's pages, the apps' pages, the reports and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ill.views.iso18626 import endpoint as iso18626_endpoint
from partners.views import accounts as account_views

from . import health, metrics
from .views import FaviconView, HomeView, PrivacyView

admin.site.site_header = _("NLK International Cooperation Portal")
admin.site.site_title = _("NLK portal admin")
ADMIN_PAGE = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}

# MEDIA_ROOT is deliberately not served: invoices and statements stored there
# are only handed out by views that check who is asking.
urlpatterns = [
    # Probes and the Prometheus scrape: no login, no rate limit, never cached (see README, "Monitoring").
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("", HomeView.as_view(), name="home"),
    path("favicon.ico", FaviconView.as_view()),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("partners/", include("partners.urls")),
    path("ill/", include("ill.urls")),
    # Partner ILL systems post their ISO 18626 messages here.
    path("iso18626/", iso18626_endpoint, name="iso18626"),
    path("accounts/", include("partners.account_urls")),
    path("accounts/mine/", include("ill.account_urls")),
    path("cooperation/", include("exchange.urls")),
    path("reports/", include("exchange.reports.urls")),
    # Staff's own password reset by email (the admin's login page links to it by its name).
    path(
        "admin/password_reset/",
        account_views.StaffPasswordResetView.as_view(extra_context=ADMIN_PAGE),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(extra_context=ADMIN_PAGE),
        name="password_reset_done",
    ),
    path(
        "admin/password_reset/<uidb64>/<token>/",
        account_views.StaffPasswordResetConfirmView.as_view(extra_context=ADMIN_PAGE),
        name="password_reset_confirm",
    ),
    path(
        "admin/password_reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=ADMIN_PAGE),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
]

# The 500 page in the site frame, without the database (see the view).
handler500 = "nlk_portal.views.server_error"
