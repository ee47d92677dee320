"""Emails to requesters: rendered in the request's language, sent once, and recorded."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from nlk_portal.core import db

from ..models import IllRequest, Invoice, SentEmail
from ..rules import terms
from ..selectors.borrowing import payment_instructions, prepayment_due
from ..selectors.tracking import tracking_url

ACK_WINDOW = timedelta(hours=1)


def send_acknowledgement(ill_request: IllRequest) -> SentEmail:
    """Acknowledge a new request, unless its address already had ILL_ACK_EMAILS_PER_ADDRESS_HOUR
    acknowledgements in the last hour: then the email is recorded as not sent, with the reason.
    Returns the SentEmail; raises SMTPException or OSError when sending failed (recorded as failed).

    The public form is limited per client address; this keeps anyone from using it to fill one
    mailbox from many addresses. The request itself is made either way, for staff to see.
    """
    # A user in Korea is told what borrowing from abroad takes: the lender's fees, paid in advance, and how.
    template: str | None = None
    context: dict[str, Any] = {}
    if ill_request.is_borrowing:
        template = "borrowing_acknowledgement"
        due = prepayment_due(ill_request.borrowing)
        context = {"due": due, "instructions": list(payment_instructions(due.currency if due else None))}
    kind, key = SentEmail.Kind.ACKNOWLEDGEMENT, f"acknowledgement:{ill_request.pk}"
    limit = settings.ILL_ACK_EMAILS_PER_ADDRESS_HOUR
    with transaction.atomic():
        # One address's acknowledgements are counted and sent one at a time, so that requests made at
        # the same moment cannot each find the address under the limit.
        db.hold_lock(f"acknowledgements:{ill_request.email.lower()}")
        if acknowledgements_to(ill_request.email, since=timezone.now() - ACK_WINDOW, besides=key) >= limit:
            reason = ngettext(
                "Not sent: %(limit)s acknowledgement already went to this address within an hour.",
                "Not sent: %(limit)s acknowledgements already went to this address within an hour.",
                limit,
            ) % {"limit": limit}
            return skip_request_email(ill_request, kind, key=key, reason=reason, context=context, template=template)
        try:
            return send_request_email(ill_request, kind, key=key, context=context, template=template)
        except (SMTPException, OSError) as exc:
            # The failure is recorded: raised once that is committed, for the task to try again.
            error = exc
    raise error


def acknowledgements_to(address: str, *, since: datetime, besides: str | None = None) -> int:
    """How many acknowledgements were sent, or are being sent, to `address` (any case) since `since`."""
    sent = SentEmail.objects.filter(
        kind=SentEmail.Kind.ACKNOWLEDGEMENT, recipient__iexact=address, created_at__gte=since
    ).exclude(status=SentEmail.Outcome.SKIPPED)
    return sent.exclude(key=besides).count() if besides else sent.count()


def send_invoice(invoice: Invoice) -> SentEmail:
    """Email the invoice, with its PDF attached, once per invoice number (see send_request_email): the SentEmail."""
    return send_request_email(
        invoice.request,
        SentEmail.Kind.INVOICE,
        key=f"invoice:{invoice.number}",
        context={"invoice": invoice},
        attachments=[_pdf_attachment(invoice)],
    )


def send_payment_reminder(invoice: Invoice) -> SentEmail:
    """Email a reminder to pay the invoice, its PDF attached, once per invoice (see send_request_email)."""
    return send_request_email(
        invoice.request,
        SentEmail.Kind.PAYMENT_REMINDER,
        key=f"payment_reminder:{invoice.number}",
        context={"invoice": invoice},
        attachments=[_pdf_attachment(invoice)],
    )


def _pdf_attachment(invoice: Invoice) -> tuple[str, bytes, str]:
    with invoice.pdf.open("rb") as stored:
        return invoice.filename, stored.read(), "application/pdf"


def send_request_email(
    ill_request: IllRequest,
    kind: str,
    *,
    key: str,
    context: Mapping[str, Any] | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    template: str | None = None,
) -> SentEmail:
    """Send the `kind` email about a request unless `key` was already sent.

    `context` adds to what the templates ill/email/<kind>* are given.

    The row is locked while sending, so a task that runs twice at once still
    sends one email; a failure is recorded and raised for the task to retry.
    For a request without an email address the email is recorded as not sent (skipped), with the subject it
    would have had, and nothing fails.
    `context` adds to the templates' context; `attachments` are
    (filename, content, mimetype). Returns the SentEmail; raises SMTPException or OSError when sending failed.
    """
    if not ill_request.email:
        # A partner system's request may give no email: its system follows it by ISO 18626 instead.
        reason = gettext("Not sent: the request has no email address (its library follows it by ISO 18626).")
        return skip_request_email(ill_request, kind, key=key, reason=reason, context=context, template=template)
    message = _build(ill_request, template or kind, context or {}, attachments)
    error: Exception | None = None
    with transaction.atomic():
        record, _ = SentEmail.objects.select_for_update().get_or_create(
            key=key, defaults={"request": ill_request, "kind": kind, "recipient": ill_request.email}
        )
        if record.status in (SentEmail.Outcome.SENT, SentEmail.Outcome.SKIPPED):
            return record
        try:
            message.send()
        except (SMTPException, OSError) as exc:
            error = exc
        _record_outcome(record, message, error)
    if error is not None:
        raise error
    return record


def skip_request_email(
    ill_request: IllRequest,
    kind: str,
    *,
    key: str,
    reason: str,
    context: Mapping[str, Any] | None = None,
    template: str | None = None,
) -> SentEmail:
    """Record the `kind` email about a request as not sent, for `reason`, unless it was sent already: the SentEmail."""
    with transaction.atomic():
        record, _ = SentEmail.objects.select_for_update().get_or_create(
            key=key, defaults={"request": ill_request, "kind": kind, "recipient": ill_request.email}
        )
        if record.status in (SentEmail.Outcome.SENT, SentEmail.Outcome.SKIPPED):
            return record
        record.subject = _build(ill_request, template or kind, context or {}, ()).subject[:300]
        record.status, record.error = SentEmail.Outcome.SKIPPED, reason
        record.save()
    return record


def _build(
    ill_request: IllRequest,
    template: str,
    extra_context: Mapping[str, Any],
    attachments: Iterable[tuple[str, bytes, str]],
) -> EmailMultiAlternatives:
    context: dict[str, Any] = {"ill_request": ill_request, "tracking_url": tracking_url(ill_request), "terms": terms}
    context.update(extra_context)
    with translation.override(ill_request.language):
        subject = render_to_string(f"ill/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"ill/email/{template}.txt", context)
        html = render_to_string(f"ill/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [ill_request.email])
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message


def _record_outcome(record: SentEmail, message: EmailMultiAlternatives, error: Exception | None) -> None:
    record.subject = message.subject[:300]
    record.attempts += 1
    if error is None:
        record.status, record.error, record.sent_at = SentEmail.Outcome.SENT, "", timezone.now()
    else:
        record.status, record.error = SentEmail.Outcome.FAILED, f"{type(error).__name__}: {error}"[:2000]
    record.save()
