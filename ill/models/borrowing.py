"""What NLK borrows from abroad for users in Korea, the countries' copying rules, and refunds paid out."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Institution

from ..choices import LenderAnswer
from .requests import MAX_TEXT, IllRequest


class CopyPolicy(models.Model):
    """Whether a country's law lets its libraries copy for NLK's users; staff keep it, the borrowing form reads it."""

    country = CountryField(_("country"), unique=True)
    copying_permitted = models.BooleanField(_("copying permitted"), default=True)
    note_en = models.TextField(_("note to users (English)"), max_length=MAX_TEXT, blank=True)
    note_ko = models.TextField(_("note to users (Korean)"), max_length=MAX_TEXT, blank=True)
    deposit_amount = models.DecimalField(
        _("deposit paid in advance"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Only if NLK asks users for a set deposit for requests to this country's libraries. Without one, "
            "staff ask each user for the amount once the lending institution's fees are known."
        ),
    )
    deposit_currency = models.CharField(_("currency of the deposit"), max_length=3, blank=True, default="KRW")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["country"]
        verbose_name = _("copying rule of a country")
        verbose_name_plural = _("copying rules by country")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deposit_amount__isnull=True) | ~models.Q(deposit_currency=""),
                name="deposit_has_a_currency",
            )
        ]

    def __str__(self):
        return str(self.country.name)

    @property
    def note(self):
        """The note in the reader's language, or the other one if that is all there is."""
        if (get_language() or "").startswith("ko"):
            return self.note_ko or self.note_en
        return self.note_en or self.note_ko


class PaymentInstruction(models.Model):
    """A way a user in Korea pays NLK in advance, and the account or desk it is paid at, as staff record it.

    Nothing here is assumed: until staff record one, users are told that staff will tell them how to pay, and
    staff cannot ask for a prepayment in a currency that no way shown to users takes (one with no currency
    takes any).
    """

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        DESK = "desk", _("In person at the desk")
        OTHER = "other", _("Other")

    method = models.CharField(_("payment method"), max_length=20, choices=Method.choices)
    details_ko = models.TextField(
        _("account or desk (Korean)"), max_length=MAX_TEXT, blank=True,
        help_text=_("For a transfer: the bank, account number and holder. For the desk: where and when."),
    )
    details_en = models.TextField(_("account or desk (English)"), max_length=MAX_TEXT, blank=True)
    currency = models.CharField(
        _("currency taken"), max_length=3, blank=True, default="KRW",
        help_text=_("Leave it empty if this way takes any currency. A prepayment can be asked for only in a "
                    "currency that a way shown to users takes."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("shown to users"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("how to pay in advance")
        verbose_name_plural = _("how to pay in advance")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(details_ko="", details_en=""), name="payment_instruction_has_details"
            )
        ]

    def __str__(self):
        return f"{self.get_method_display()}: {self.details_ko or self.details_en}"[:100]

    @property
    def details(self):
        """The account or desk in the reader's language, or the other one if that is all there is."""
        if (get_language() or "").startswith("ko"):
            return self.details_ko or self.details_en
        return self.details_en or self.details_ko


def statement_upload_to(borrowing, filename):
    # In the file storage, never served: only the user's own page and the admin hand it out.
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
    # The user's consent to the request's details going to a library abroad: the privacy notice's version
    # (settings.PRIVACY_NOTICE_VERSION) and when it was given.
    transfer_consent_version = models.CharField(
        _("transfer abroad agreed to (notice)"), max_length=20, blank=True, default="", db_default=""
    )
    transfer_consent_at = models.DateTimeField(_("transfer abroad agreed on"), null=True, blank=True)

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

    # What staff ask the user to pay in advance once the lending institution's fees are known.
    prepayment_requested = models.DecimalField(
        _("prepayment asked for"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    prepayment_requested_currency = models.CharField(_("currency of the prepayment asked for"), max_length=3,
                                                     blank=True)
    prepayment_requested_at = models.DateTimeField(_("prepayment asked for on"), null=True, blank=True)
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
    def lender_has_answered(self):
        return self.lender_answer != LenderAnswer.WAITING

    @property
    def prepayment_left(self):
        """What is still to pay of the prepayment asked for once less was paid (same currency), or None."""
        if self.prepayment_requested is None or self.prepaid_amount is None:
            return None
        if self.prepaid_currency.upper() != self.prepayment_requested_currency.upper():
            return None
        left = self.prepayment_requested - self.prepaid_amount
        return left if left > 0 else None

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
