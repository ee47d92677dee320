"""What follows a status change, kept apart from the rule of which changes are allowed."""

from . import tasks
from .dispatch import after_commit


def after_transition(change):
    """Run inside the transaction that recorded `change` (a StatusChange).

    Work for Celery is handed over with dispatch.after_commit, so nothing is
    sent for a change that is rolled back.
    """
    after_commit(tasks.send_status_email, change.pk)
