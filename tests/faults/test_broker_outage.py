"""The broker stopped while librarians submit requests, then started again without its data.

The test runs a redis-server of its own (the `own_redis` fixture) and a real
worker on it; the machine's Redis is left alone. Twenty librarians submit
through the public form: some while all is well, some while the worker is
behind (their tasks are lost with the broker), some while the broker is down,
some after it is back. The outbox sweep
runs every second, as Celery beat would every minute, and hands over again
what the broker lost.
"""

import os

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ill.models import IllRequest, SentEmail
from nlk_portal.outbox.models import OutboxEntry
from tests.factories import InstitutionFactory
from tests.ill.forms import form_data
from tests.ill.worker_helpers import all_tasks_finished, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
LIBRARIES = 20


def submit(posted, number):
    """One librarian's browser, from an address of its own (the form's rate limit counts per address)."""
    browser = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
    response = browser.post(reverse("ill:request"), posted)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def sweep_until(condition, what):
    def swept():
        call_command("sweep_outbox", stdout=open(os.devnull, "w"))
        return condition()

    return wait_for(swept, timeout=90, interval=1, what=what)


def test_requests_submitted_around_a_broker_outage_are_each_saved_and_acknowledged_once(
    own_redis, celery_worker, source_fee_schedule, settings
):
    # Tasks handed to the broker and not finished 2 s later are handed over again: the broker
    # restarts empty, so what it held is gone (in production, after the visibility timeout).
    settings.ILL_OUTBOX_RESEND_AFTER = 2
    library = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    forms = [
        form_data(library, action="submit", email=f"ill{n}@library.example.org", title=f"한국 문학 {n}")
        for n in range(LIBRARIES)
    ]

    for number in range(0, 4):
        submit(forms[number], number)
    wait_for(lambda: SentEmail.objects.filter(status="sent").count() == 4, what="the first acknowledgements")
    # The worker falls behind (here: stops), so the broker holds the next tasks when it stops.
    celery_worker.stop()
    for number in range(4, 7):
        submit(forms[number], number)
    held = OutboxEntry.objects.filter(state="queued")
    assert held.count() == 3
    own_redis.stop()  # without persistence: the three tasks it held are gone
    for number in range(7, 14):
        submit(forms[number], number)
    submit(forms[10], 10)  # a librarian who sent the form twice while it was slow
    waiting = OutboxEntry.objects.filter(state="pending")
    assert waiting.count() == 7 and all(entry.error for entry in waiting)
    own_redis.start()
    celery_worker.start()
    for number in range(14, LIBRARIES):
        submit(forms[number], number)

    sweep_until(
        lambda: SentEmail.objects.filter(status="sent").count() == LIBRARIES and all_tasks_finished(),
        what="every acknowledgement to be sent",
    )

    requests = list(IllRequest.objects.order_by("reference"))
    assert sorted(r.email for r in requests) == sorted(f["email"] for f in forms)
    # Numbered without a gap, each with its one first line of history.
    assert [int(r.reference.rsplit("-", 1)[1]) for r in requests] == list(range(1, LIBRARIES + 1))
    assert all([c.to_status for c in r.history.all()] == ["RequestReceived"] for r in requests)
    # Each acknowledgement written by the worker's mail backend exactly once, to its librarian.
    sent = sorted((m["To"], m["Subject"]) for m in celery_worker.sent_emails())
    assert sent == sorted((r.email, f"ILL request {r.reference} received") for r in requests)
    assert not OutboxEntry.objects.exclude(state="done").exists()
