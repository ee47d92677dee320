from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IllConfig(AppConfig):
    name = "ill"
    verbose_name = _("Interlibrary loan")

    def ready(self):
        # Given the app registry, connect the fee schedules' change signals in every process that may
        # save one.
        from .selectors import fees  # noqa: F401
