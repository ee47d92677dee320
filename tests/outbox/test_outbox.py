"""Background work is never lost: it waits in the outbox, failures show in the admin, staff run it again."""

import os
import socket
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ill.models import Invoice, SentEmail
from nlk_portal.outbox.dispatch import after_commit
from nlk_portal.outbox.models import OutboxEntry
from tests.factories import submit_ill_request
from tests.ill.staff import ill_clerk
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp_server_down(settings):
    """Email goes to an SMTP port where nothing listens, as when the mail server is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


def run_again_in_the_admin(client, entries):
    client.force_login(ill_clerk())
    return client.post(
        reverse("admin:outbox_outboxentry_changelist"),
        {"action": "run_again", "_selected_action": [entry.pk for entry in entries]},
    )


def test_work_asked_for_in_a_transaction_that_rolls_back_is_never_done(source_fee_schedule):
    ill_request = submit_ill_request()
    sent_before = len(mail.outbox)

    with pytest.raises(RuntimeError), transaction.atomic():
        after_commit("ill.tasks.send_acknowledgement", ill_request.pk)
        raise RuntimeError("the staff member's change failed")

    assert len(mail.outbox) == sent_before
    assert OutboxEntry.objects.count() == 1  # the submission's own acknowledgement


def test_a_failing_smtp_server_is_retried_then_shown_to_staff_who_send_it_again(
    client, smtp_server_down, source_fee_schedule
):
    ill_request = submit_ill_request()

    email = SentEmail.objects.get(request=ill_request)
    entry = OutboxEntry.objects.get(task_name="ill.tasks.send_acknowledgement")
    assert (email.status, email.attempts) == ("failed", 6)
    assert "ConnectionRefusedError" in email.error
    assert (entry.state, entry.attempts) == ("failed", 6)
    client.force_login(ill_clerk())
    failed_list = client.get(reverse("admin:outbox_outboxentry_changelist"), {"state__exact": "failed"})
    assert "ill.tasks.send_acknowledgement" in failed_list.content.decode()

    smtp_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_again_in_the_admin(client, [entry])

    email.refresh_from_db()
    entry.refresh_from_db()
    assert (email.status, entry.state) == ("sent", "done")
    assert [m.subject for m in mail.outbox] == [f"ILL request {ill_request.reference} received"]


def test_a_failing_render_is_retried_then_staff_make_the_pdf_again(client, settings, tmp_path, source_fee_schedule):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the invoices folder should be")
    settings.MEDIA_ROOT = blocker / "media"

    ill_request = supply_copy(pages_copied=23)

    invoice = Invoice.objects.get(request=ill_request)
    render = OutboxEntry.objects.get(task_name="ill.tasks.render_invoice")
    assert not invoice.pdf
    assert (render.state, render.attempts) == ("failed", 6)
    assert "NotADirectoryError" in render.error

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(ill_clerk())
    client.post(
        reverse("admin:ill_invoice_changelist"), {"action": "render_pdfs_again", "_selected_action": [invoice.pk]}
    )

    invoice.refresh_from_db()
    assert invoice.pdf.read().startswith(b"%PDF")
    assert [m.subject for m in mail.outbox if m.subject.startswith("Invoice")] == [
        f"Invoice {invoice.number} for ILL request {ill_request.reference}"
    ]


def test_the_sweep_hands_over_what_waits_and_what_never_finished(source_fee_schedule):
    ill_request = submit_ill_request()
    SentEmail.objects.all().delete()
    mail.outbox.clear()
    # One row the broker never took; one it took an hour ago that never ran (a broker restarted empty).
    waiting = OutboxEntry.objects.create(task_name="ill.tasks.send_acknowledgement", args=[ill_request.pk])
    lost = OutboxEntry.objects.get(task_name="ill.tasks.send_acknowledgement", state="done")
    OutboxEntry.objects.filter(pk=lost.pk).update(state="queued", updated_at=timezone.now() - timedelta(hours=2))

    out = StringIO()
    call_command("sweep_outbox", stdout=out)

    assert out.getvalue().strip() == "2 task(s) handed to the broker."
    assert set(OutboxEntry.objects.values_list("state", flat=True)) == {"done"}
    assert len(mail.outbox) == 1  # two runs of one email, sent once
    assert waiting.pk != lost.pk


def test_finished_work_is_cleared_after_a_month(source_fee_schedule):
    submit_ill_request()
    OutboxEntry.objects.update(updated_at=timezone.now() - timedelta(days=31))

    call_command("sweep_outbox", stdout=open(os.devnull, "w"))

    assert not OutboxEntry.objects.exists()
