"""Invoices for supplied requests: issued once, numbered without gaps, paid in cash or voided.

Each step is its own task, handed over in the transaction of the step before
(fees fixed -> PDF rendered -> emailed), so a worker killed between steps
leaves the next step in the outbox rather than lost, and a step run twice
finds its work done. Each line issued, each invoice voided and each payment is
kept in the request's money history (MoneyChange), with who and when.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nlk_portal.core.calendar import library_today
from nlk_portal.core.printing import store_pdf as store_file
from nlk_portal.outbox.dispatch import after_commit

from ..models import IllRequest, Invoice, InvoiceLine, MoneyChange, Payment, StatusChange
from ..rules import fees
from ..rules.history_words import Words, phrase
from . import pdf
from .history import NONE, record_money_change
from .numbering import INVOICE_SERIES, next_reference

State = Invoice.State
LINE_FIGURES: dict[str, MoneyChange.Figure] = {
    InvoiceLine.Kind.COPYING: MoneyChange.Figure.INVOICED_COPYING,
    InvoiceLine.Kind.SHIPPING: MoneyChange.Figure.INVOICED_SHIPPING,
}


def finalise_fees(change: StatusChange, *, by: User | None = None) -> Invoice | None:
    """Fix the fees `change` (a StatusChange) makes due and issue the invoice, once per request.

    `by` issues it (staff replacing a void invoice); by default, whoever made the change. Returns the
    invoice in force (the one issued now, or the one the request had already), or None for a borrowing and
    where nothing is charged. The PDF is rendered after commit (ill.tasks.render_invoice).
    """
    by = by or change.changed_by
    with transaction.atomic():
        ill_request = IllRequest.objects.select_for_update().get(pk=change.request_id)
        if ill_request.is_borrowing:
            return None
        existing = ill_request.invoices.exclude(status=State.VOID).first()
        if existing is not None:
            return existing
        quote = fees.charged_quote(ill_request, change.to_status)
        if quote is None or not quote.total:
            return None
        return _issue(ill_request, quote, by)


def _issue(ill_request: IllRequest, quote: fees.Quote, by: User | None) -> Invoice:
    issued_on = library_today()
    replaced = ill_request.invoices.filter(status=State.VOID).order_by("-created_at", "-pk").first()
    invoice = Invoice.objects.create(
        # Taken in this transaction: a rolled-back invoice gives its number back.
        number=next_reference(INVOICE_SERIES, issued_on.year),
        request=ill_request,
        fee_schedule=quote.schedule,
        issued_on=issued_on,
        currency=quote.currency,
        total=quote.total,
    )
    lines = [
        InvoiceLine(invoice=invoice, kind=kind, pages=pages, amount=amount)
        for kind, pages, amount in [
            (InvoiceLine.Kind.COPYING, ill_request.pages_copied or ill_request.page_count, quote.copying_fee),
            (InvoiceLine.Kind.SHIPPING, None, quote.shipping_fee),
        ]
        if amount
    ]
    InvoiceLine.objects.bulk_create(lines)
    if replaced is None:
        detail = phrase(Words.INVOICE, number=invoice.number)
    else:
        detail = phrase(Words.INVOICE_REPLACING, number=invoice.number, void=replaced.number)
    for line in lines:
        record_money_change(
            ill_request, LINE_FIGURES[line.kind], old=NONE, new=(line.amount, invoice.currency), by=by, detail=detail
        )
    record_money_change(
        ill_request, MoneyChange.Figure.INVOICED_TOTAL, old=NONE, new=(invoice.total, invoice.currency), by=by,
        detail=detail,
    )
    after_commit("ill.tasks.render_invoice", invoice.pk)
    return invoice


def reissue(void_invoice: Invoice, *, by: User | None = None) -> None:
    """Have a new invoice issued, after commit (ill.tasks.finalise_fees), for the request of a void one, from the
    change that made the fees due, by `by`. Raises ValidationError unless the invoice is void and the request
    was supplied."""
    change = void_invoice.request.history.filter(to_status__in=fees.FEES_FIXED_AT).last()
    if void_invoice.status != State.VOID or change is None:
        raise ValidationError(_("Only a void invoice of a supplied request can be replaced."))
    after_commit("ill.tasks.finalise_fees", change.pk, by.pk if by else None)


def store_pdf(invoice_id: int) -> Invoice:
    """Render and keep the invoice's PDF, then have it emailed after commit (ill.tasks.email_invoice); nothing
    happens twice. Returns the invoice."""
    with transaction.atomic():
        # The lock makes a second delivery of the task wait, then find the PDF there.
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.pdf:
            return invoice
        store_file(invoice.pdf, invoice.filename, pdf.render_invoice(invoice))
        invoice.pdf_rendered_at = timezone.now()
        invoice.save(update_fields=["pdf", "pdf_rendered_at"])
        after_commit("ill.tasks.email_invoice", invoice.pk)
    return invoice


def store_void_pdf(invoice_id: int) -> Invoice:
    """Replace a void invoice's PDF with one stamped void; running it again changes nothing more. Returns the
    invoice (unchanged if it is not void)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.status != State.VOID:
            return invoice
        store_file(invoice.pdf, invoice.filename, pdf.render_invoice(invoice))
        invoice.pdf_rendered_at = timezone.now()
        invoice.save(update_fields=["pdf", "pdf_rendered_at"])
    return invoice


def render_again(invoices: Iterable[Invoice]) -> int:
    """Staff's retry for invoices whose PDF could not be made: each is rendered again after commit
    (ill.tasks.render_invoice). Returns how many."""
    missing = [invoice for invoice in invoices if not invoice.pdf]
    for invoice in missing:
        after_commit("ill.tasks.render_invoice", invoice.pk)
    return len(missing)


def check_payment(invoice: Invoice, amount: Decimal | None, received_on: date | None) -> None:
    """Raise ValidationError unless `amount` in cash on `received_on` can be recorded."""
    if invoice.status == State.VOID:
        raise ValidationError(_("A void invoice cannot be paid."))
    if invoice.status == State.PAID:
        raise ValidationError(_("This invoice is already paid."))
    if amount is not None and amount > invoice.balance_due:
        raise ValidationError(
            _("The amount is more than the balance due (%(currency)s %(balance)s).")
            % {"currency": invoice.currency, "balance": invoice.balance_due}
        )
    if received_on is not None and received_on > library_today():
        raise ValidationError(_("The payment date is in the future."))


def record_payment(
    invoice: Invoice, *, amount: Decimal, received_on: date, receipt_number: str, by: User | None = None
) -> Payment:
    """Record cash received (USD only, as the terms say); the invoice is paid once nothing is due. Returns the
    Payment; raises ValidationError when the payment cannot be recorded (see check_payment)."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        check_payment(locked, amount, received_on)
        paid_before = locked.total - locked.balance_due
        payment = Payment.objects.create(
            invoice=locked,
            amount=amount,
            currency=locked.currency,
            received_on=received_on,
            receipt_number=receipt_number,
            recorded_by=by,
        )
        record_money_change(
            locked.request,
            MoneyChange.Figure.PAID_ON_INVOICE,
            old=(paid_before, locked.currency),
            new=(paid_before + amount, locked.currency),
            by=by,
            detail=phrase(Words.INVOICE_PAID, number=locked.number, receipt=receipt_number, date=received_on),
        )
        if locked.balance_due <= 0:
            locked.status = State.PAID
            locked.save(update_fields=["status"])
    invoice.status = locked.status
    return payment


def void(invoice: Invoice, *, by: User | None = None) -> Invoice:
    """Cancel an unpaid invoice; it keeps its number, so the sequence keeps no gap. Its PDF is stamped void after
    commit (ill.tasks.stamp_void_invoice). Returns the invoice as locked and saved; raises ValidationError for
    an invoice that is not open or has payments."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != State.OPEN or locked.payments.exists():
            raise ValidationError(
                _("Invoice %(number)s cannot be voided: only an open invoice without payments can.")
                % {"number": locked.number}
            )
        locked.status, locked.voided_at, locked.voided_by = State.VOID, timezone.now(), by
        locked.save(update_fields=["status", "voided_at", "voided_by"])
        detail = phrase(Words.INVOICE_VOIDED, number=locked.number)
        for line in locked.lines.all():
            record_money_change(
                locked.request, LINE_FIGURES[line.kind], old=(line.amount, locked.currency), new=NONE, by=by,
                detail=detail,
            )
        record_money_change(
            locked.request, MoneyChange.Figure.INVOICED_TOTAL, old=(locked.total, locked.currency), new=NONE, by=by,
            detail=detail,
        )
        # Its PDF is printed again, stamped void, so a copy found later is not paid.
        after_commit("ill.tasks.stamp_void_invoice", locked.pk)
    invoice.status = locked.status
    return locked


def due_for_reminder(today: date | None = None) -> QuerySet[Invoice]:
    """Open invoices issued ILL_INVOICE_REMINDER_DAYS or more days ago that had no reminder."""
    today = today or library_today()
    cutoff = today - timedelta(days=settings.ILL_INVOICE_REMINDER_DAYS)
    return Invoice.objects.filter(status=State.OPEN, issued_on__lte=cutoff, reminded_at__isnull=True)


def hand_over_reminders(today: date | None = None) -> int:
    """Have a reminder emailed, after commit (ill.tasks.send_payment_reminder), for each invoice due for one.
    Returns how many."""
    with transaction.atomic():
        ids = list(due_for_reminder(today).values_list("pk", flat=True))
        for invoice_id in ids:
            after_commit("ill.tasks.send_payment_reminder", invoice_id)
    return len(ids)


def mark_reminded(invoice: Invoice) -> None:
    """Record that the invoice's reminder went, unless one was recorded already."""
    Invoice.objects.filter(pk=invoice.pk, reminded_at__isnull=True).update(reminded_at=timezone.now())
