"""The outbox's own Celery task: beat runs the sweep every minute."""

from celery import shared_task

from . import dispatch


@shared_task
def sweep_outbox():
    dispatch.sweep()
