"""Celery entry points. They only call the service that holds the rule, and are safe to run twice.

Tasks are named in nlk_portal.outbox.dispatch.after_commit (the outbox), and
acknowledged late (settings), so a worker killed mid-task leaves the task to
run again. What keeps failing is retried with growing pauses, then recorded
as failed on its outbox row for staff to run again.
"""

from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from .models import IllRequest, Invoice, StatusChange
from .services import borrowing, digests, invoices, notifications, peer_messages, retention, status_emails

# An SMTP server that is down or refuses: worth trying again a little later.
EMAIL_RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 5}
# A render can fail on anything from a full disk to a broken font: each is retried the same way.
RENDER_RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@shared_task(bind=True, **EMAIL_RETRY)
def send_acknowledgement(self, request_id):
    notifications.send_acknowledgement(IllRequest.objects.get(pk=request_id))


# A database that is briefly unreachable or a lock that timed out.
@shared_task(bind=True, autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=5)
def finalise_fees(self, change_id, by_id=None):
    """Issue the invoice a status change made due; `by_id` names the staff member replacing a void one."""
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    invoices.finalise_fees(StatusChange.objects.get(pk=change_id), by=by)


@shared_task(bind=True, **RENDER_RETRY)
def render_invoice(self, invoice_id):
    invoices.store_pdf(invoice_id)


@shared_task(bind=True, **RENDER_RETRY)
def stamp_void_invoice(self, invoice_id):
    invoices.store_void_pdf(invoice_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_invoice(self, invoice_id):
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.status != Invoice.State.VOID:
        notifications.send_invoice(invoice)


@shared_task
def send_payment_reminders():
    invoices.hand_over_reminders()


@shared_task(bind=True, **EMAIL_RETRY)
def send_payment_reminder(self, invoice_id):
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.status == Invoice.State.OPEN:
        notifications.send_payment_reminder(invoice)
        invoices.mark_reminded(invoice)


@shared_task(bind=True, **EMAIL_RETRY)
def send_status_email(self, change_id):
    status_emails.send_status_email(
        StatusChange.objects.select_related("request__requesting_library").get(pk=change_id)
    )


@shared_task(bind=True, **EMAIL_RETRY)
def send_daily_digests(self):
    digests.send_daily_digests()


@shared_task(bind=True, **RENDER_RETRY)
def render_statement(self, borrowing_id):
    borrowing.store_statement(borrowing_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_statement(self, borrowing_id):
    borrowing.email_statement(borrowing_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_prepayment_request(self, change_id):
    borrowing.email_prepayment_request(change_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_how_to_pay(self, request_id):
    borrowing.email_how_to_pay(request_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_message_to_user(self, note_id, text):
    borrowing.email_message_to_user(note_id, text)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_iso18626_message(self, message_id):
    """Post one stored ISO 18626 message to its peer. A peer that does not confirm it leaves it on its row
    with the time of its next attempt, for send_due_iso18626_messages; a database that is briefly away
    is retried here."""
    peer_messages.post_message(message_id)


@shared_task
def send_due_iso18626_messages():
    """Every minute (beat): hand over again the ISO 18626 messages whose pause after a failure is over."""
    peer_messages.send_due_messages()


@shared_task
def purge_personal_data():
    """Daily (beat): remove the personal data past its retention period, and old login records."""
    retention.purge()
