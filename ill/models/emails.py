"""What the portal has emailed: each email about a request, and the staff's daily digests."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .requests import IllRequest


class StaffDigest(models.Model):
    """A daily digest sent to a member of staff or the team; one per day and recipient."""

    class Kind(models.TextChoices):
        MINE = "mine", _("Overdue and due this week")
        UNASSIGNED = "unassigned", _("Unassigned requests")

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The staff member's email address, or "team" for the unassigned digest.
    recipient = models.CharField(_("recipient"), max_length=254)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("staff digest")
        verbose_name_plural = _("staff digests")
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "recipient"], name="one_digest_per_day_and_recipient")
        ]

    def __str__(self):
        return f"{self.day} {self.kind} → {self.recipient}"


class SentEmail(models.Model):
    """Each email the portal sends about a request; `key` makes a second attempt send nothing."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        INVOICE = "invoice", _("Invoice")
        PAYMENT_REMINDER = "payment_reminder", _("Payment reminder")
        STATUS = "status", _("Status change")
        STATEMENT = "statement", _("Settlement statement")
        PREPAYMENT_REQUEST = "prepayment_request", _("Prepayment request")
        MESSAGE = "message", _("Message from staff")
        HOW_TO_PAY = "how_to_pay", _("How to pay in advance")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Deliberately not sent (the reason is in `error`), and never sent later.
        SKIPPED = "skipped", _("Not sent")

    key = models.CharField(max_length=100, unique=True, editable=False)
    request = models.ForeignKey(IllRequest, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
        # The emails deliberately not sent: few, and counted on every /metrics scrape.
        indexes = [models.Index(fields=["id"], condition=Q(status="skipped"), name="sentemail_skipped")]

    def __str__(self):
        return f"{self.request.reference} {self.kind} → {self.recipient}"
