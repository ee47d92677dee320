from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "nlk_portal.outbox"
    label = "outbox"
    verbose_name = _("Background tasks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Given the app registry, connect the Celery signals that write a task's progress on its row.
        from . import dispatch  # noqa: F401
