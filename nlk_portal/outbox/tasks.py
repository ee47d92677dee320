"""The outbox's own Celery task: beat runs the sweep every minute."""

from celery import shared_task

from . import dispatch


@shared_task
def sweep_outbox():
    """Hand over every outbox row still waiting, and again those unfinished for too long; forget old finished
    rows (dispatch.sweep).

    Runs every minute (beat, "outbox-sweep"). Returns nothing."""
    dispatch.sweep()
