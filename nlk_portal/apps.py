from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "nlk_portal"
    verbose_name = "NLK International Cooperation Portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .core.two_factor import decide_at_sign_in

        # Whether a session must give a one-time code is decided as the user signs in.
        user_logged_in.connect(decide_at_sign_in, dispatch_uid="staff_two_factor")
        # Celery workers count their tasks' failures for /metrics (nlk_portal.metrics.count_task_failure).
        from . import metrics  # noqa: F401


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the portal's site as its default (admin.site); named in INSTALLED_APPS."""

    default = False
    default_site = "nlk_portal.core.admin_site.PortalAdminSite"


class PortalAxesConfig(axes_apps.AppConfig):
    """django-axes (the record of logins and lockouts), under a name the admin shows in the user's language."""

    default = False
    verbose_name = _("Login records")
