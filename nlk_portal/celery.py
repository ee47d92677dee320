"""The Celery app: settings from Django's, tasks found in every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlk_portal.settings")

# DjangoTask adds delay_on_commit(): tasks that act on rows written in the
# current transaction are only sent once that transaction has committed.
app = Celery("nlk_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
