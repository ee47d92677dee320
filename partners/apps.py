from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        # ILL staff are emailed when a staff account is locked out after failed logins.
        from . import lockouts  # noqa: F401
