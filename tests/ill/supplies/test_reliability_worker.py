"""Emails and invoices reach the requester exactly once, whatever happens to the worker or the broker."""

import os
import signal
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from ill.models import IllRequest, Invoice, SentEmail
from nlk_portal.outbox.dispatch import after_commit
from nlk_portal.outbox.models import OutboxEntry
from tests.factories import InstitutionFactory
from tests.ill.forms import form_data
from tests.ill.supply import supply_copy
from tests.ill.worker_helpers import all_tasks_finished, running, wait_for, with_subject

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
# Short, so that Redis gives the killed worker's task to the restarted one within the test.
VISIBILITY_TIMEOUT = 4


def assert_one_invoice_emailed_with_its_pdf(worker):
    invoice = Invoice.objects.get()
    assert invoice.pdf and invoice.pdf.read().startswith(b"%PDF")
    invoice_emails = with_subject(worker.sent_emails(), f"Invoice {invoice.number}")
    assert len(invoice_emails) == 1
    [attachment] = list(invoice_emails[0].iter_attachments())
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert SentEmail.objects.filter(kind="invoice").count() == 1
    return invoice


def test_the_fee_finalisation_run_twice_issues_one_invoice_and_sends_one_email(
    celery_worker, source_fee_schedule
):
    ill_request = supply_copy(pages_copied=23)
    copied = ill_request.history.get(to_status="CopyCompleted")

    # The same tasks handed over again, as a redelivery or a second sweep would.
    after_commit("ill.tasks.finalise_fees", copied.pk)
    wait_for(lambda: Invoice.objects.exclude(pdf="").exists(), what="the invoice PDF")
    invoice = Invoice.objects.get()
    after_commit("ill.tasks.render_invoice", invoice.pk)
    after_commit("ill.tasks.email_invoice", invoice.pk)
    wait_for(all_tasks_finished, what="every task to finish")

    invoice = assert_one_invoice_emailed_with_its_pdf(celery_worker)
    assert invoice.total == 16
    assert OutboxEntry.objects.filter(task_name="ill.tasks.finalise_fees", state="done").count() == 2


@pytest.mark.celery_worker(env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)})
def test_a_worker_killed_while_rendering_an_invoice_makes_it_once_after_a_restart(
    own_redis, celery_worker, source_fee_schedule
):
    supply_copy(pages_copied=23)
    wait_for(lambda: running("ill.tasks.render_invoice"), what="the render to start")

    celery_worker.kill()
    killed_at = time.monotonic()

    invoice = Invoice.objects.get()
    assert not invoice.pdf, "the worker should have died before storing the PDF"
    # Redis hands an unacknowledged task to the next worker once the visibility timeout is over.
    time.sleep(max(0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - killed_at)))
    celery_worker.start()
    wait_for(lambda: with_subject(celery_worker.sent_emails(), "Invoice"), what="the invoice email")
    wait_for(all_tasks_finished, what="every task to finish")

    assert_one_invoice_emailed_with_its_pdf(celery_worker)
    assert Invoice.objects.get().number == invoice.number


def test_a_pool_process_killed_while_rendering_is_replaced_and_the_invoice_made_once(
    celery_worker, source_fee_schedule
):
    supply_copy(pages_copied=23)
    wait_for(lambda: running("ill.tasks.render_invoice"), what="the render to start")

    for pid in celery_worker.pool_pids():
        os.kill(pid, signal.SIGKILL)

    assert not Invoice.objects.get().pdf, "the pool process should have died before storing the PDF"
    wait_for(lambda: with_subject(celery_worker.sent_emails(), "Invoice"), what="the invoice email")
    wait_for(all_tasks_finished, what="every task to finish")
    assert_one_invoice_emailed_with_its_pdf(celery_worker)


def test_a_request_submitted_while_the_broker_is_down_is_acknowledged_once_it_is_back(
    own_redis, celery_worker, client, source_fee_schedule
):
    library = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    own_redis.stop()

    response = client.post(reverse("ill:request"), form_data(library, action="submit"))

    assert response.status_code == 302
    ill_request = IllRequest.objects.get()
    assert f"Request {ill_request.reference} received" in client.get(response["Location"]).content.decode()
    waiting = OutboxEntry.objects.get(task_name="ill.tasks.send_acknowledgement")
    assert waiting.state == "pending" and waiting.error

    own_redis.start()
    celery_worker.wait_until_ready()
    call_command("sweep_outbox", stdout=open(os.devnull, "w"))

    messages = celery_worker.wait_for_emails(1)
    wait_for(all_tasks_finished, what="the acknowledgement task to finish")
    assert [m["Subject"] for m in celery_worker.sent_emails()] == [
        f"ILL request {ill_request.reference} received"
    ]
    assert messages[0]["To"] == ill_request.email
    assert SentEmail.objects.get(request=ill_request).status == "sent"
