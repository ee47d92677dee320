"""A row the broker refused waits for the next sweep, not for the hour a row handed over waits before it is
handed over again. The broker is real: first a Redis URL on a port of 127.0.0.1 where nothing listens, so
publishing really fails, then kombu's in-memory transport, which takes the message."""

import socket

import pytest
from django.db import transaction

from nlk_portal.celery import app
from nlk_portal.outbox import dispatch
from nlk_portal.outbox.dispatch import after_commit
from nlk_portal.outbox.models import OutboxEntry

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker(monkeypatch):
    """Switches this process's Celery app to the broker at a URL, with tasks published rather than run."""
    previous_url, previous_eager = app.conf.broker_url, app.conf.task_always_eager

    def use(url):
        # The app keeps its pools for the broker it first used; dropping them makes it connect to `url`.
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        app.conf.broker_url = url

    app.conf.task_always_eager = False
    yield use
    app.conf.task_always_eager = previous_eager
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app.conf.broker_url = previous_url


def test_a_row_the_broker_refused_is_not_handed_over_and_goes_at_the_next_sweep(broker, source_fee_schedule):
    broker(f"redis://127.0.0.1:{closed_port()}/0")
    with transaction.atomic():
        entry = after_commit("ill.tasks.send_acknowledgement", 1)

    refused = OutboxEntry.objects.get(pk=entry.pk)
    assert (refused.state, refused.handed_over_at) == (OutboxEntry.State.PENDING, None)
    assert refused.error.startswith("OperationalError")

    broker("memory://")
    assert dispatch.sweep() == 1

    handed = OutboxEntry.objects.get(pk=entry.pk)
    assert handed.state == OutboxEntry.State.QUEUED and handed.handed_over_at is not None
    with app.connection_for_write() as connection, connection.SimpleQueue("celery") as queue:
        message = queue.get(timeout=5)
        message.ack()
    assert message.headers["id"] == str(entry.task_id)
    assert message.headers["task"] == "ill.tasks.send_acknowledgement"
