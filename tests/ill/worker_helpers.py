"""Watching a real worker from the test: through the database it writes to."""

import time

from nlk_portal.outbox.models import OutboxEntry


def wait_for(condition, timeout=60, interval=0.01, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def all_tasks_finished():
    """Every task handed over has finished; a step hands over the next in its own transaction,
    so a chain (fees -> PDF -> email) counts as finished only once its last step has."""
    return OutboxEntry.objects.exists() and not OutboxEntry.objects.exclude(state__in=["done", "failed"]).exists()


def running(task_name):
    return OutboxEntry.objects.filter(task_name=task_name, state=OutboxEntry.State.RUNNING).first()


def with_subject(messages, start):
    return [message for message in messages if message["Subject"].startswith(start)]
