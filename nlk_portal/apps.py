from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "nlk_portal"
    verbose_name = "NLK International Cooperation Portal"


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the portal's site as its default (admin.site); named in INSTALLED_APPS."""

    default = False
    default_site = "nlk_portal.core.admin_site.PortalAdminSite"
