"""Celery entry points. They only call the service that holds the rule, and are safe to run twice.

Tasks are named in nlk_portal.outbox.dispatch.after_commit (the outbox), and
acknowledged late (settings), so a worker killed mid-task leaves the task to
run again. A task named there runs once the transaction that wrote its outbox row commits (or when the
outbox sweep hands the row over, if the broker could not take it then); the others run on beat's schedule
(settings.CELERY_BEAT_SCHEDULE). What keeps failing is retried with growing pauses, then recorded
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
    """Acknowledge a new request by email, or record why not (notifications.send_acknowledgement).

    Runs after a request is made (ill.services.submission: the form, a borrowing, an ISO 18626 request), on
    its outbox row. Returns nothing; an SMTP failure is retried."""
    notifications.send_acknowledgement(IllRequest.objects.get(pk=request_id))


# A database that is briefly unreachable or a lock that timed out.
@shared_task(bind=True, autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=5)
def finalise_fees(self, change_id, by_id=None):
    """Issue the invoice a status change made due (invoices.finalise_fees); `by_id` names the staff member
    replacing a void one.

    Runs after a status change that fixes the fees of what NLK supplies (workflow.after_transition), and
    after staff replace a void invoice (invoices.reissue), on its outbox row. Returns nothing."""
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    invoices.finalise_fees(StatusChange.objects.get(pk=change_id), by=by)


@shared_task(bind=True, **RENDER_RETRY)
def render_invoice(self, invoice_id):
    """Render and keep the invoice's PDF, then have it emailed (invoices.store_pdf).

    Runs after an invoice is issued (invoices.finalise_fees) and when staff render missing PDFs again
    (invoices.render_again), on its outbox row. Returns nothing; any failure is retried."""
    invoices.store_pdf(invoice_id)


@shared_task(bind=True, **RENDER_RETRY)
def stamp_void_invoice(self, invoice_id):
    """Print the void invoice's PDF again, stamped void (invoices.store_void_pdf).

    Runs after staff void an invoice (invoices.void), on its outbox row. Returns nothing; any failure is
    retried."""
    invoices.store_void_pdf(invoice_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_invoice(self, invoice_id):
    """Email the invoice with its PDF, unless it was voided meanwhile (notifications.send_invoice).

    Runs after its PDF is stored (invoices.store_pdf), on its outbox row. Returns nothing; an SMTP failure is
    retried."""
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.status != Invoice.State.VOID:
        notifications.send_invoice(invoice)


@shared_task
def send_payment_reminders():
    """Hand over a reminder for each open invoice due for one (invoices.hand_over_reminders).

    Runs daily at 09:00 (beat, "ill-payment-reminders"). Returns nothing."""
    invoices.hand_over_reminders()


@shared_task(bind=True, **EMAIL_RETRY)
def send_payment_reminder(self, invoice_id):
    """Email the payment reminder of an invoice still open, and record that it went.

    Runs after send_payment_reminders picks the invoice (invoices.hand_over_reminders), on its outbox row.
    Returns nothing; an SMTP failure is retried."""
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.status == Invoice.State.OPEN:
        notifications.send_payment_reminder(invoice)
        invoices.mark_reminded(invoice)


@shared_task(bind=True, **EMAIL_RETRY)
def send_status_email(self, change_id):
    """Email the requester about a status change, if it is one they hear of (status_emails.send_status_email).

    Runs after every status change (workflow.after_transition), on its outbox row. Returns nothing; an SMTP
    failure is retried."""
    status_emails.send_status_email(
        StatusChange.objects.select_related("request__requesting_library").get(pk=change_id)
    )


@shared_task(bind=True, **EMAIL_RETRY)
def send_daily_digests(self):
    """Send today's staff digests not sent yet (digests.send_daily_digests).

    Runs daily at 08:00 (beat, "ill-daily-digests"). Returns nothing; an SMTP failure is retried, and a digest
    already sent is not sent again."""
    digests.send_daily_digests()


@shared_task(bind=True, **RENDER_RETRY)
def render_statement(self, borrowing_id):
    """Render and keep a settled borrowing's statement PDF, then have it emailed (borrowing.store_statement).

    Runs after staff settle a borrowing (borrowing.settle), on its outbox row. Returns nothing; any failure is
    retried."""
    borrowing.store_statement(borrowing_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_statement(self, borrowing_id):
    """Email the user the borrowing's statement (borrowing.email_statement).

    Runs after the statement is stored (borrowing.store_statement), on its outbox row. Returns nothing; an
    SMTP failure is retried."""
    borrowing.email_statement(borrowing_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_prepayment_request(self, change_id):
    """Email the user the prepayment staff asked for and how to pay it (borrowing.email_prepayment_request).

    Runs after staff ask for a prepayment (borrowing.ask_for_prepayment), on its outbox row. Returns nothing;
    an SMTP failure is retried."""
    borrowing.email_prepayment_request(change_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_how_to_pay(self, request_id):
    """Email a user still to prepay how they can pay now (borrowing.email_how_to_pay).

    Runs after staff add a way to pay in the user's currency (borrowing.save_payment_instruction), on its
    outbox row. Returns nothing; an SMTP failure is retried."""
    borrowing.email_how_to_pay(request_id)


@shared_task(bind=True, **EMAIL_RETRY)
def email_message_to_user(self, note_id, text):
    """Email the user staff's message (borrowing.email_message_to_user).

    Runs after staff write to the user (borrowing.message_user), on its outbox row. Returns nothing; an SMTP
    failure is retried."""
    borrowing.email_message_to_user(note_id, text)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_iso18626_message(self, message_id):
    """Post one stored ISO 18626 message to its peer (peer_messages.post_message). A peer that does not confirm it
    leaves it on its row with the time of its next attempt, for send_due_iso18626_messages; a database that is
    briefly away is retried here.

    Runs after a message is queued (peer_messages.queue: a status change of a peer's request, a borrowing sent
    or told by ISO 18626, an answer to a peer) or handed over again (send_due_messages, send_again, drop), on
    its outbox row. Returns nothing."""
    peer_messages.post_message(message_id)


@shared_task
def send_due_iso18626_messages():
    """Hand over again the ISO 18626 messages whose pause after a failure is over
    (peer_messages.send_due_messages).

    Runs every minute (beat, "ill-iso18626-messages"). Returns nothing."""
    peer_messages.send_due_messages()


@shared_task
def purge_personal_data():
    """Remove the personal data past its retention period, and old login records (retention.purge).

    Runs daily at 03:30 (beat, "ill-purge-personal-data"). Returns nothing; the purge is recorded as a
    PersonalDataPurge."""
    retention.purge()
