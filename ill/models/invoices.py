"""Invoices for what NLK supplied, their lines, and the payments received for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fees import FeeSchedule
from .requests import IllRequest


def invoice_upload_to(invoice, filename):
    # In the file storage, never served: views check who asks before handing a PDF out.
    return f"invoices/{invoice.issued_on.year}/{filename}"


class Invoice(models.Model):
    """What the library charges for a supplied request, numbered INV-<year>-<n> without gaps."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    number = models.CharField(_("invoice number"), max_length=20, unique=True)
    request = models.ForeignKey(
        IllRequest, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("ILL request")
    )
    fee_schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, verbose_name=_("fee schedule"))
    issued_on = models.DateField(_("issue date"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.OPEN)
    pdf = models.FileField(_("PDF"), upload_to=invoice_upload_to, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("payment reminder sent"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            # A void invoice keeps its number; only one invoice of a request is in force.
            models.UniqueConstraint(
                fields=["request"], condition=~models.Q(status="void"), name="one_live_invoice_per_request"
            )
        ]

    def __str__(self):
        return self.number

    @property
    def filename(self):
        return f"{self.number}.pdf"

    @property
    def balance_due(self):
        return self.total - (self.payments.aggregate(paid=models.Sum("amount"))["paid"] or 0)

    @property
    def is_open(self):
        return self.status == self.State.OPEN

    @property
    def is_void(self):
        return self.status == self.State.VOID


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        COPYING = "copying", _("Copying")
        SHIPPING = "shipping", _("International shipping (basic charge)")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self):
        return f"{self.invoice.number} {self.kind} {self.amount}"

    @property
    def is_copying(self):
        return self.kind == self.Kind.COPYING


class Payment(models.Model):
    """Cash in USD received for an invoice, as written on the receipt."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    received_on = models.DateField(_("received on"))
    receipt_number = models.CharField(_("receipt number"), max_length=50, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.receipt_number}: {self.currency} {self.amount}"
