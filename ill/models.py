import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Institution

from .copyright import MAX_PAGES
from .workflow import COMPLETED, OPEN, Status, UnfilledReason

# Text a librarian types; longer input is refused with a message.
MAX_TEXT = 2000
MAX_COST_USD = 10_000


class Direction(models.TextChoices):
    NLK_SUPPLIES = "supplies", _("NLK supplies an overseas library")
    NLK_BORROWS = "borrows", _("NLK borrows from abroad")


class ItemType(models.TextChoices):
    MONOGRAPH = "monograph", _("Monograph (book)")
    SERIAL_ARTICLE = "article", _("Serial article")


class Service(models.TextChoices):
    COPY = "copy", _("Copy (document delivery)")
    LOAN = "loan", _("Loan")


class Delivery(models.TextChoices):
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronically")


class FeeSchedule(models.Model):
    """The library's fees from a date on; the newest one in force applies."""

    effective_from = models.DateField(_("in force from"), unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    copying_base_fee = models.DecimalField(
        _("copying fee up to the first pages"), max_digits=8, decimal_places=2
    )
    copying_base_pages = models.PositiveIntegerField(_("pages covered by the first fee"))
    copying_step_fee = models.DecimalField(
        _("copying fee for each further block"), max_digits=8, decimal_places=2
    )
    copying_step_pages = models.PositiveIntegerField(_("pages in each further block"))
    shipping_fee = models.DecimalField(
        _("international shipping (basic charge)"), max_digits=8, decimal_places=2
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(copying_base_pages__gt=0, copying_step_pages__gt=0),
                name="fee_schedule_blocks_not_empty",
            )
        ]

    def __str__(self):
        return _(
            "%(currency)s %(base)s for %(base_pages)s pages or less, %(currency)s %(step)s for each "
            "additional %(step_pages)s pages; international shipping %(currency)s %(shipping)s "
            "(in force from %(date)s)"
        ) % {
            "currency": self.currency,
            "base": self.copying_base_fee,
            "base_pages": self.copying_base_pages,
            "step": self.copying_step_fee,
            "step_pages": self.copying_step_pages,
            "shipping": self.shipping_fee,
            "date": self.effective_from.isoformat(),
        }


class SequenceCounter(models.Model):
    """The last number handed out in a series (ILL references, invoices) for a year."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="one_counter_per_series_and_year")
        ]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last_number}"


def new_tracking_token():
    # 256 random bits: the token is the only key to a request's tracking page.
    return secrets.token_urlsafe(32)


class IllRequest(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.NLK_SUPPLIES
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.REQUEST_RECEIVED
    )

    requesting_library = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="ill_requests",
        verbose_name=_("requesting library"),
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("email"))
    postal_address = models.TextField(_("postal address for delivery"), max_length=MAX_TEXT, blank=True)

    item_type = models.CharField(_("type of material"), max_length=10, choices=ItemType.choices)
    title = models.CharField(_("title"), max_length=500, blank=True)
    article_title = models.CharField(_("article title"), max_length=500, blank=True)
    serial_title = models.CharField(_("serial title"), max_length=500, blank=True)
    volume = models.CharField(_("volume"), max_length=50, blank=True)
    issue = models.CharField(_("issue"), max_length=50, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    place = models.CharField(_("place of publication"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year of publication"), null=True, blank=True, validators=[MinValueValidator(1000)]
    )
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True)
    issn = models.CharField(_("ISSN"), max_length=8, blank=True)
    nlk_number = models.CharField(_("NLK call number or control number"), max_length=100, blank=True)
    citation_source = models.CharField(_("where the citation was found"), max_length=500, blank=True)

    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    pages_wanted = models.CharField(_("pages wanted"), max_length=200, blank=True)
    pages_copied = models.PositiveIntegerField(
        _("pages copied"),
        null=True,
        blank=True,
        help_text=_("Recorded when the copy is completed; the charged fee is set from it."),
    )
    page_count = models.PositiveIntegerField(_("number of pages wanted"), null=True, blank=True)
    total_pages = models.PositiveIntegerField(
        _("total pages of the item"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PAGES)],
    )
    max_cost_usd = models.DecimalField(
        _("maximum cost (USD)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_COST_USD)],
    )
    notes = models.TextField(_("notes"), max_length=MAX_TEXT, blank=True)
    confirms_published_in_korea = models.BooleanField(_("published or issued in Korea"), default=False)
    confirms_not_available_elsewhere = models.BooleanField(_("not available elsewhere"), default=False)
    copyright_check_needed = models.BooleanField(
        _("copyright check needed"),
        default=False,
        help_text=_("The total pages were not given: check the one-third limit before copying."),
    )

    fee_schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, verbose_name=_("fee schedule"))
    copying_fee = models.DecimalField(_("copying fee"), max_digits=8, decimal_places=2)
    shipping_fee = models.DecimalField(_("shipping fee"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_date = models.DateField(_("due date"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_ill_requests",
        verbose_name=_("assigned to"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_ill_requests",
        verbose_name=_("submitted by"),
    )
    tracking_token = models.CharField(max_length=64, unique=True, default=new_tracking_token, editable=False)
    # One key per filled-in form, so a double click or a resubmitted form makes one request.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    # Bumped by every change staff make, so that two of them cannot overwrite each other (ill.workflow).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("ILL request")
        verbose_name_plural = _("ILL requests")
        # The staff list is ordered by due date and filtered by these; each filter has its index.
        indexes = [
            models.Index(fields=["status", "due_date"], name="ill_status_due"),
            models.Index(fields=["due_date", "id"], name="ill_due_id"),
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(status__in=sorted(s.value for s in OPEN)),
                name="ill_open_due",
            ),
            models.Index(fields=["direction", "due_date"], name="ill_direction_due"),
            models.Index(fields=["service", "due_date"], name="ill_service_due"),
            models.Index(fields=["assigned_to", "due_date"], name="ill_assigned_due"),
            models.Index(fields=["requesting_library", "due_date"], name="ill_library_due"),
            models.Index(fields=["-received_at"], name="ill_received"),
        ]

    def __str__(self):
        return f"{self.reference} {self.display_title}"

    @property
    def display_title(self):
        if self.item_type == ItemType.SERIAL_ARTICLE:
            return self.article_title or self.serial_title
        return self.title

    @property
    def total_fee(self):
        return self.copying_fee + self.shipping_fee


class StatusChange(models.Model):
    """One step in a request's history: the tracking page's timeline and the staff's record.

    The note and the reason are the requester's to read; staff keep their own in InternalNote.
    """

    # A request with a history is never deleted, so the history is never lost.
    request = models.ForeignKey(IllRequest, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(_("from"), max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            # A completed status is final (ill.workflow), so a request is completed once; reports join
            # each request to its completion through this index.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(to_status__in=sorted(s.value for s in COMPLETED)),
                name="one_completion_per_request",
            )
        ]

    def __str__(self):
        return f"{self.request.reference}: {self.from_status or '-'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A request's history is never edited; record a new change instead.")
        super().save(*args, **kwargs)

    @property
    def reason_text(self):
        """The reason in words, whether it is one of the library's unfilled reasons or free text."""
        if self.reason in UnfilledReason.values:
            return UnfilledReason(self.reason).label
        return self.reason


class InternalNote(models.Model):
    """What staff write down about a request for each other; the requester never sees it."""

    request = models.ForeignKey(IllRequest, on_delete=models.PROTECT, related_name="internal_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    text = models.TextField(_("note"), max_length=MAX_TEXT)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self):
        return f"{self.request_id}: {self.text[:50]}"


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

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

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

    def __str__(self):
        return f"{self.request.reference} {self.kind} → {self.recipient}"


def invoice_upload_to(invoice, filename):
    # Under MEDIA_ROOT, which is never served: views check who asks before handing a PDF out.
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


class OutboxEntry(models.Model):
    """A task for a worker, written in the transaction that asked for it.

    It is handed to the broker once that transaction commits; whatever could
    not be handed over (the broker was down, the process died) is swept up
    later, so no email or invoice is lost.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the broker")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        RETRYING = "retrying", _("Retrying")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    task_id = models.UUIDField(_("task id"), unique=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    handed_over_at = models.DateTimeField(_("handed to the broker"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        indexes = [models.Index(fields=["state", "updated_at"], name="outbox_state_updated")]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)} {self.state}"


class CopyPolicy(models.Model):
    """Whether a country's law lets its libraries copy for NLK's users; staff keep it, the borrowing form reads it."""

    country = CountryField(_("country"), unique=True)
    copying_permitted = models.BooleanField(_("copying permitted"), default=True)
    note_en = models.TextField(_("note to users (English)"), max_length=MAX_TEXT, blank=True)
    note_ko = models.TextField(_("note to users (Korean)"), max_length=MAX_TEXT, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["country"]
        verbose_name = _("copying rule of a country")
        verbose_name_plural = _("copying rules by country")

    def __str__(self):
        return str(self.country.name)

    @property
    def note(self):
        """The note in the reader's language, or the other one if that is all there is."""
        if (get_language() or "").startswith("ko"):
            return self.note_ko or self.note_en
        return self.note_en or self.note_ko


class LenderAnswer(models.TextChoices):
    WAITING = "waiting", _("No answer yet")
    AVAILABLE = "available", _("Available: the lending institution will supply it")
    NOT_AVAILABLE = "not_available", _("Not available from the lending institution")


def statement_upload_to(borrowing, filename):
    # Under MEDIA_ROOT, which is never served: only the user's own page and the admin hand it out.
    return f"statements/{borrowing.settled_at.year}/{filename}"


class Borrowing(models.Model):
    """What NLK borrows from abroad for a user in Korea: the lender, its answer and fees, the prepayment,
    the material's way to the user and back, and the settlement of the prepayment."""

    request = models.OneToOneField(
        IllRequest, on_delete=models.PROTECT, related_name="borrowing", verbose_name=_("ILL request")
    )
    lender = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="borrowings",
        verbose_name=_("lending institution"),
    )
    lender_name = models.CharField(
        _("lending institution as typed"), max_length=255, blank=True,
        help_text=_("When the user named an institution the directory does not list."),
    )
    lender_country = CountryField(_("country of the lending institution"))
    max_amount = models.DecimalField(
        _("the most the user will pay"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    max_currency = models.CharField(_("currency"), max_length=3, default="KRW")
    target_date = models.DateField(_("target date"))

    sent_to_lender_at = models.DateTimeField(_("sent to the lending institution"), null=True, blank=True)
    lender_answer = models.CharField(
        _("lending institution's answer"), max_length=20, choices=LenderAnswer.choices, default=LenderAnswer.WAITING
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    fees_currency = models.CharField(_("currency of the fees"), max_length=3, blank=True)
    lender_copying_fee = models.DecimalField(
        _("lending institution's copying fee"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    lender_loan_fee = models.DecimalField(
        _("lending institution's loan fee"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    shipping_fee = models.DecimalField(
        _("international shipping"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    bank_fee = models.DecimalField(_("bank fees"), max_digits=12, decimal_places=2, null=True, blank=True)

    prepaid_amount = models.DecimalField(
        _("amount paid in advance"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    prepaid_currency = models.CharField(_("currency paid in"), max_length=3, blank=True)
    prepaid_on = models.DateField(_("paid in advance on"), null=True, blank=True)
    prepayment_receipt = models.CharField(_("receipt number"), max_length=50, blank=True)

    arrived_on = models.DateField(_("material arrived on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered to the user on"), null=True, blank=True)
    loan_due_on = models.DateField(_("loan due back on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("settled by"),
    )
    # A settlement that leaves the user owing: when and how they paid the balance.
    balance_paid_on = models.DateField(_("balance paid on"), null=True, blank=True)
    balance_receipt = models.CharField(_("receipt number of the balance"), max_length=50, blank=True)
    balance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("balance recorded by"),
    )
    statement_pdf = models.FileField(_("settlement statement"), upload_to=statement_upload_to, blank=True, editable=False)
    statement_rendered_at = models.DateTimeField(_("statement rendered"), null=True, blank=True)

    class Meta:
        verbose_name = _("borrowing from abroad")
        verbose_name_plural = _("borrowings from abroad")
        constraints = [
            models.UniqueConstraint(
                fields=["prepayment_receipt"], condition=~models.Q(prepayment_receipt=""),
                name="one_borrowing_per_prepayment_receipt",
            )
        ]

    def __str__(self):
        return f"{self.request.reference} ← {self.lender_display}"

    @property
    def lender_display(self):
        return self.lender.display_name if self.lender_id else self.lender_name

    @property
    def statement_filename(self):
        return f"{self.request.reference}-statement.pdf"


class RefundPayout(models.Model):
    """The difference paid back to the user after settlement, as the payment was made."""

    borrowing = models.OneToOneField(
        Borrowing, on_delete=models.PROTECT, related_name="refund", verbose_name=_("borrowing from abroad")
    )
    amount = models.DecimalField(_("amount refunded"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    paid_on = models.DateField(_("paid on"))
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("paid by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("refund paid out")
        verbose_name_plural = _("refunds paid out")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"{self.borrowing.request.reference}: {self.currency} {self.amount}"
