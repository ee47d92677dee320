"""The Celery app: settings from Django's, tasks found in every installed app."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlk_portal.settings")

# DjangoTask adds delay_on_commit(): tasks that act on rows written in the
# current transaction are only sent once that transaction has committed.
app = Celery("nlk_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _log_request_ids(logger=None, **kwargs):
    """The worker's log lines carry the id of the request that asked for the task (see
    nlk_portal.core.request_id), as JSON lines with LOG_FORMAT=json."""
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    from nlk_portal.core.request_id import RequestIdFilter

    for handler in logger.handlers:
        if not any(isinstance(existing, RequestIdFilter) for existing in handler.filters):
            handler.addFilter(RequestIdFilter())
        if settings.LOG_FORMAT == "json":
            handler.setFormatter(JsonFormatter(settings.JSON_LOG_FIELDS))
