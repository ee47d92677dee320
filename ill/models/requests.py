"""ILL requests, both ways, with their history, staff's notes and the counters that number them."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.money import format_money
from partners.models import Institution

from ..choices import Delivery, Direction, ItemType, Service
from ..rules.copyright import MAX_PAGES
from ..rules.history_words import in_words
from ..rules.search import GRAM_FIELDS, search_grams
from ..status import COMPLETED, ON_LOAN, OPEN, Status, UnfilledReason
from .fees import FeeSchedule

# Text a librarian types; longer input is refused with a message.
MAX_TEXT = 2000
MAX_COST_USD = 10_000


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
    # Defaults in the database too, so rows written in bulk by SQL need not name them.
    part_title = models.CharField(
        _("title of the part (chapter or article)"),
        max_length=500,
        blank=True,
        default="",
        db_default="",
        help_text=_("For a chapter of a book; a serial article's own title is its article title."),
    )
    part_author = models.CharField(_("author of the part"), max_length=300, blank=True, default="", db_default="")
    volume = models.CharField(_("volume"), max_length=50, blank=True)
    issue = models.CharField(_("issue"), max_length=50, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    # A chapter of a book (ISO 18626 titleOfComponent / authorOfComponent); an article has its own fields.
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
    # When a loan is due back: given by staff when they mark it loaned, moved on by a renewal.
    loan_due_date = models.DateField(_("loan due back"), null=True, blank=True)
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
    # One key per filled-in form, so a double click or a resubmitted form makes one request; the digest of
    # the details sent with it lets the key lead back to this request only for the same details.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # A default in the database too, so rows written by older code or in bulk by SQL need not name it.
    submission_digest = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    # Bumped by every change staff make, so that two of them cannot overwrite each other (ill.services.workflow).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The Hangul and Hanja characters and character pairs of GRAM_FIELDS, kept by save() (ill.rules.search).
    search_grams = models.TextField(blank=True, default="", db_default="", editable=False)
    # When the requester's personal data was removed, its retention period over (ill.services.retention).
    personal_data_removed_at = models.DateTimeField(_("personal data removed"), null=True, blank=True, editable=False)

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

    def save(self, *args, **kwargs):
        """Given a model instance save it to the database, with its search grams kept up to date."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not set(GRAM_FIELDS).isdisjoint(update_fields):
            self.search_grams = search_grams(*(getattr(self, name) for name in GRAM_FIELDS))
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_grams"}
        super().save(*args, **kwargs)

    @property
    def display_title(self):
        if self.item_type == ItemType.SERIAL_ARTICLE:
            return self.article_title or self.serial_title
        return self.title

    @property
    def publication(self):
        """Publisher, place and year of publication, those given, joined by commas: "" when none is."""
        return ", ".join(str(part).strip() for part in (self.publisher, self.place, self.year) if str(part or "").strip())

    @property
    def serial_and_issue(self):
        """"Serial, vol. 3, no. 2" of the parts given, in the reader's language: "" when none is."""
        volume, issue = (self.volume or "").strip(), (self.issue or "").strip()
        if volume and issue:
            numbering = _("vol. %(volume)s, no. %(issue)s") % {"volume": volume, "issue": issue}
        elif volume:
            numbering = _("vol. %(volume)s") % {"volume": volume}
        else:
            numbering = _("no. %(issue)s") % {"issue": issue} if issue else ""
        return ", ".join(part for part in ((self.serial_title or "").strip(), numbering) if part)

    @property
    def author_and_publication(self):
        """"Author. Publisher, Place, Year" of the parts given, as an invoice or a statement cites the item."""
        author = (self.author or "").strip().rstrip(".").strip()
        return ". ".join(part for part in (author, self.publication) if part)

    @property
    def total_fee(self):
        return self.copying_fee + self.shipping_fee

    @property
    def is_borrowing(self):
        """NLK borrows it from abroad for a user in Korea (otherwise NLK supplies an overseas library)."""
        return self.direction == Direction.NLK_BORROWS

    @property
    def is_copy(self):
        return self.service == Service.COPY

    @property
    def is_loan(self):
        return self.service == Service.LOAN

    @property
    def is_article(self):
        return self.item_type == ItemType.SERIAL_ARTICLE

    @property
    def is_on_loan(self):
        """Lent and not back yet: loaned, overdue or recalled."""
        return self.status in ON_LOAN


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
            # A completed status is final (ill.status), so a request is completed once; reports join
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
    # What a member of staff typed, as typed; empty for a note the portal wrote, which is kept as a code
    # and values (ill.rules.history_words) and read in the reader's language.
    text = models.TextField(_("note"), max_length=MAX_TEXT)
    text_code = models.CharField(max_length=40, blank=True, editable=False)
    text_values = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self):
        return f"{self.request_id}: {self.shown_text[:50]}"

    @property
    def shown_text(self):
        """The note in the reader's language if the portal wrote it; otherwise as its author typed it."""
        if self.text_code:
            return in_words(self.text_code, self.text_values)
        return self.text


class MoneyChange(models.Model):
    """A change to a figure money depends on (a prepayment, a lender's fee, a refund, an invoice, a payment):
    who, when, from what to what.

    Like the status history it is only ever added to.
    """

    class Figure(models.TextChoices):
        # What NLK borrows for a user in Korea (ill.services.borrowing).
        PREPAYMENT_REQUESTED = "prepayment_requested", _("Prepayment asked for")
        PREPAYMENT = "prepayment", _("Amount paid in advance")
        LENDER_COPYING_FEE = "lender_copying_fee", _("Lender's copying fee")
        LENDER_LOAN_FEE = "lender_loan_fee", _("Lender's loan fee")
        SHIPPING_FEE = "shipping_fee", _("International shipping")
        BANK_FEE = "bank_fee", _("Bank fees")
        REFUND_PAID = "refund_paid", _("Refund paid")
        BALANCE_PAID = "balance_paid", _("Balance paid")
        # What NLK supplies: the estimate on the request, and its invoices (ill.services.invoices).
        ESTIMATED_COPYING_FEE = "estimated_copying_fee", _("Estimated copying fee")
        ESTIMATED_SHIPPING_FEE = "estimated_shipping_fee", _("Estimated shipping fee")
        MAX_COST = "max_cost", _("Most the library will pay")
        INVOICED_COPYING = "invoiced_copying", _("Invoiced: copying")
        INVOICED_SHIPPING = "invoiced_shipping", _("Invoiced: international shipping")
        INVOICED_TOTAL = "invoiced_total", _("Invoice total")
        PAID_ON_INVOICE = "paid_on_invoice", _("Paid on the invoice")

    request = models.ForeignKey(IllRequest, on_delete=models.PROTECT, related_name="money_changes")
    figure = models.CharField(_("figure"), max_length=30, choices=Figure.choices)
    old_amount = models.DecimalField(_("old amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    old_currency = models.CharField(_("old currency"), max_length=3, blank=True)
    new_amount = models.DecimalField(_("new amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    new_currency = models.CharField(_("new currency"), max_length=3, blank=True)
    # Recorded as a code and values (ill.rules.history_words) and read in the reader's language; `detail`
    # holds the text of changes recorded before, as it was written then.
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    detail_code = models.CharField(max_length=40, blank=True, editable=False)
    detail_values = models.JSONField(default=dict, blank=True, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("change to a figure")
        verbose_name_plural = _("changes to figures")

    def __str__(self):
        return f"{self.request_id} {self.figure}: {self.old_value or '—'} → {self.new_value or '—'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A request's history is never edited; record a new change instead.")
        super().save(*args, **kwargs)

    @property
    def old_value(self):
        return format_money(self.old_amount, self.old_currency)

    @property
    def detail_text(self):
        """What the change was about (an invoice, a receipt, the day it was paid), in the reader's language."""
        if self.detail_code:
            return in_words(self.detail_code, self.detail_values)
        return self.detail

    @property
    def new_value(self):
        return format_money(self.new_amount, self.new_currency)
