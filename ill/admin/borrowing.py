"""Borrowing from abroad in the admin: the steps staff record on a request's page, the borrowing's
facts and settlement beneath it, the per-country copying rules and the refunds paid out.

The rules are in ill.services.borrowing (which steps apply, and each step) and
ill.rules.settlement; this module gathers what a step needs and reports what happened.
"""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nlk_portal.core.calendar import library_date, library_today
from nlk_portal.core.money import format_amount, format_money
from nlk_portal.core.posted import posted_number

from ..choices import BorrowingStep
from ..iso18626.vocabulary import Action
from ..models import MAX_TEXT, Borrowing, CopyPolicy, InternalNote, PaymentInstruction, RefundPayout
from ..rules import settlement
from ..services import borrowing


def _today():
    return library_today()


class StepForm(forms.Form):
    def __init__(self, *args, ill_request, **kwargs):
        self.ill_request = ill_request
        super().__init__(*args, **kwargs)


def _note():
    return forms.CharField(
        label=_("Message to the user"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Optional. The user reads it on their page and in the status email."),
    )


def _amount(label, **options):
    return forms.DecimalField(label=label, required=False, min_value=0, max_digits=12, decimal_places=2, **options)


def _date(label, **options):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **options)


class AskPrepaymentForm(StepForm):
    """The amount the user is asked to pay in advance, once the lending institution's policy is known."""

    amount = _amount(_("Amount to pay in advance"))
    currency = forms.CharField(label=_("Currency"), min_length=3, max_length=3, initial="KRW")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = True
        self.fields["amount"].help_text = _(
            "The user is emailed the amount and how to pay (Admin › How to pay in advance)."
        )
        record = self.ill_request.borrowing
        if record.prepayment_requested is not None:
            self.fields["amount"].initial = record.prepayment_requested
            self.fields["currency"].initial = record.prepayment_requested_currency
        # Said before staff fill the form: the step is refused while users are shown no way to pay.
        self.notice = no_payment_method_notice(self.fields["currency"].initial)

    def clean(self):
        data = super().clean()
        currency = (data.get("currency") or "").upper()
        if len(currency) == 3:
            try:
                borrowing.check_payment_method(currency)
            except ValidationError:
                raise ValidationError(no_payment_method_notice(currency)) from None
        return data

    def perform(self, user, version):
        data = self.cleaned_data
        return borrowing.ask_for_prepayment(
            self.ill_request, amount=data["amount"], currency=data["currency"], by=user
        )


def no_payment_method_notice(currency):
    """Why a prepayment in `currency` cannot be asked for yet, with a link to add a way to pay; None if it can."""
    try:
        borrowing.check_payment_method(currency)
    except ValidationError as error:
        add_url = reverse("admin:ill_paymentinstruction_add") + "?" + urlencode({"currency": currency.upper()})
        return format_html(
            '{} <a href="{}">{}</a>', " ".join(error.messages), add_url,
            _("Add a way to pay in %(currency)s") % {"currency": currency.upper()},
        )
    return None


def ask_prepayment_notice(ill_request, steps):
    """On a request's page, beside the step's button (`steps` are those it offers): that asking for the
    prepayment would be refused now."""
    if BorrowingStep.ASK_PREPAYMENT not in {step.name for step in steps}:
        return None
    return no_payment_method_notice(ill_request.borrowing.prepayment_requested_currency or "KRW")


class PrepaymentForm(StepForm):
    amount = _amount(_("Amount paid in advance"))
    currency = forms.CharField(label=_("Currency"), min_length=3, max_length=3, initial="KRW")
    paid_on = _date(_("Paid on"), initial=_today)
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=50)

    correcting = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = True
        record = self.ill_request.borrowing
        if not self.correcting and record.prepayment_requested is not None:
            self.fields["amount"].initial = record.prepayment_requested
            self.fields["currency"].initial = record.prepayment_requested_currency

    def perform(self, user, version):
        data = self.cleaned_data
        return borrowing.record_prepayment(
            self.ill_request,
            amount=data["amount"],
            currency=data["currency"],
            paid_on=data["paid_on"],
            receipt_number=data["receipt_number"],
            by=user,
            correcting=self.correcting,
        )


class CorrectPrepaymentForm(PrepaymentForm):
    """The prepayment as recorded, to be corrected; the request's history keeps the old figure."""

    correcting = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = self.ill_request.borrowing
        self.fields["amount"].initial = record.prepaid_amount
        self.fields["currency"].initial = record.prepaid_currency
        self.fields["paid_on"].initial = record.prepaid_on
        self.fields["receipt_number"].initial = record.prepayment_receipt


class SendForm(StepForm):
    note = _note()

    def perform(self, user, version):
        return borrowing.send_to_lender(
            self.ill_request, by=user, note=self.cleaned_data["note"], expected_version=version
        )


class SendIso18626Form(StepForm):
    note = _note()

    def perform(self, user, version):
        return borrowing.send_to_lender_by_iso18626(
            self.ill_request, by=user, note=self.cleaned_data["note"], expected_version=version
        )


class TellLenderForm(StepForm):
    """What NLK tells the lender's ISO 18626 system; the note goes with the message, in English."""

    action = None
    note = forms.CharField(
        label=_("Note to the lending institution"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Optional, in English: it travels with the ISO 18626 message."),
    )

    def perform(self, user, version):
        return borrowing.tell_lender(self.ill_request, self.action, by=user, note=self.cleaned_data["note"])


class TellReceivedForm(TellLenderForm):
    action = Action.RECEIVED


class TellShippedReturnForm(TellLenderForm):
    action = Action.SHIPPED_RETURN


class AskCancelForm(TellLenderForm):
    action = Action.CANCEL


class AnswerForm(StepForm):
    available = forms.TypedChoiceField(
        label=_("The lending institution's answer"),
        choices=[("yes", _("Available: it will supply the material")), ("no", _("Not available"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    answered_on = _date(_("Answered on"), initial=_today)
    fees_currency = forms.CharField(
        label=_("Currency of the fees"),
        max_length=3,
        required=False,
        help_text=_("The currency the user paid in, so that the settlement can be made."),
    )
    copying_fee = _amount(_("Copying fee"))
    loan_fee = _amount(_("Loan fee"))
    shipping_fee = _amount(_("International shipping"))
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fees_currency"].initial = self.ill_request.borrowing.prepaid_currency or "KRW"

    def perform(self, user, version):
        data = self.cleaned_data
        return borrowing.record_lender_answer(
            self.ill_request,
            available=data["available"],
            answered_on=data["answered_on"],
            fees_currency=data["fees_currency"],
            copying_fee=data["copying_fee"],
            loan_fee=data["loan_fee"],
            shipping_fee=data["shipping_fee"],
            by=user,
            note=data["note"],
            expected_version=version,
        )


class CorrectFeesForm(StepForm):
    """The lender's fees as recorded, to be corrected (converted to the currency the user paid in, say)."""

    fees_currency = forms.CharField(label=_("Currency of the fees"), min_length=3, max_length=3)
    copying_fee = _amount(_("Copying fee"))
    loan_fee = _amount(_("Loan fee"))
    shipping_fee = _amount(_("International shipping"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = self.ill_request.borrowing
        self.fields["fees_currency"].initial = record.fees_currency or record.prepaid_currency
        self.fields["fees_currency"].help_text = _("The user paid in %(currency)s.") % {
            "currency": record.prepaid_currency or "—"
        }
        for name, field in [("copying_fee", "lender_copying_fee"), ("loan_fee", "lender_loan_fee"),
                            ("shipping_fee", "shipping_fee")]:
            self.fields[name].initial = getattr(record, field)

    def perform(self, user, version):
        data = self.cleaned_data
        return borrowing.correct_lender_fees(
            self.ill_request, fees_currency=data["fees_currency"], copying_fee=data["copying_fee"],
            loan_fee=data["loan_fee"], shipping_fee=data["shipping_fee"], by=user,
        )


class ArrivalForm(StepForm):
    arrived_on = _date(_("Arrived on"), initial=_today)

    def perform(self, user, version):
        return borrowing.record_arrival(self.ill_request, arrived_on=self.cleaned_data["arrived_on"], by=user)


class DeliveryForm(StepForm):
    delivered_on = _date(_("Handed to the user on"), initial=_today)
    loan_due_on = _date(_("Loan due back on"), required=False)
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.ill_request.is_loan:
            self.fields["loan_due_on"].required = True
            self.fields["loan_due_on"].initial = _today() + timedelta(days=28)
        else:
            del self.fields["loan_due_on"]

    def perform(self, user, version):
        data = self.cleaned_data
        return borrowing.deliver(
            self.ill_request,
            delivered_on=data["delivered_on"],
            loan_due_on=data.get("loan_due_on"),
            by=user,
            note=data["note"],
            expected_version=version,
        )


class ReturnForm(StepForm):
    returned_on = _date(_("Returned on"), initial=_today)
    note = _note()

    def perform(self, user, version):
        data = self.cleaned_data
        return borrowing.record_return(
            self.ill_request, returned_on=data["returned_on"], by=user, note=data["note"], expected_version=version
        )


class SettleForm(StepForm):
    bank_fee = _amount(_("Bank fees"), initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_fee"].required = True

    def perform(self, user, version):
        return borrowing.settle(self.ill_request, bank_fee=self.cleaned_data["bank_fee"], by=user)


class RefundForm(StepForm):
    paid_on = _date(_("Refund paid on"), initial=_today)

    def perform(self, user, version):
        return borrowing.record_refund_paid(self.ill_request, paid_on=self.cleaned_data["paid_on"], by=user)


class BalanceForm(StepForm):
    paid_on = _date(_("Balance paid on"), initial=_today)
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=50)

    def perform(self, user, version):
        data = self.cleaned_data
        return borrowing.record_balance_paid(
            self.ill_request, paid_on=data["paid_on"], receipt_number=data["receipt_number"], by=user
        )


class MessageUserForm(StepForm):
    """Staff's message to the user, in their own words: what a lender wrote reaches the user only this way."""

    text = forms.CharField(
        label=_("Message to the user"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("Emailed to the user as the National Library of Korea's message. Write what the user should "
                    "know of the lender's notes below; copy the lender's words only if they should be sent as ours."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the exchange noted on the request (the lender's words among it), for staff to read and word anew.
        self.lender_notes = list(InternalNote.objects.filter(request=self.ill_request, author__isnull=True))

    def perform(self, user, version):
        return borrowing.message_user(self.ill_request, text=self.cleaned_data["text"], by=user)


@dataclass(frozen=True)
class Step:
    name: BorrowingStep
    label: str
    form_class: type


STEPS = [
    Step(BorrowingStep.ASK_PREPAYMENT, _("Ask for the prepayment"), AskPrepaymentForm),
    Step(BorrowingStep.PREPAYMENT, _("Record the prepayment"), PrepaymentForm),
    Step(BorrowingStep.CORRECT_PREPAYMENT, _("Correct the prepayment"), CorrectPrepaymentForm),
    Step(BorrowingStep.SEND_ISO18626, _("Send to the lender by ISO 18626"), SendIso18626Form),
    Step(BorrowingStep.SEND, _("Sent to the lending institution"), SendForm),
    Step(BorrowingStep.ANSWER, _("Record the lender's answer"), AnswerForm),
    Step(BorrowingStep.CORRECT_FEES, _("Correct the lender's fees"), CorrectFeesForm),
    Step(BorrowingStep.TELL_RECEIVED, _("Tell the lender: received"), TellReceivedForm),
    Step(BorrowingStep.TELL_SHIPPED_RETURN, _("Tell the lender: loan shipped back"), TellShippedReturnForm),
    Step(BorrowingStep.ASK_CANCEL, _("Ask the lender to cancel"), AskCancelForm),
    Step(BorrowingStep.ARRIVAL, _("Material arrived"), ArrivalForm),
    Step(BorrowingStep.DELIVER, _("Delivered to the user"), DeliveryForm),
    Step(BorrowingStep.RETURN, _("Loan returned"), ReturnForm),
    Step(BorrowingStep.SETTLE, _("Settle and send the statement"), SettleForm),
    Step(BorrowingStep.REFUND, _("Record the refund as paid"), RefundForm),
    Step(BorrowingStep.BALANCE, _("Record the balance as paid by the user"), BalanceForm),
    Step(BorrowingStep.MESSAGE_USER, _("Write to the user"), MessageUserForm),
]
STEPS_BY_NAME = {step.name: step for step in STEPS}


def step_named(name):
    """The step a URL names, or None."""
    try:
        return STEPS_BY_NAME[BorrowingStep(name)]
    except ValueError:
        return None


def available_steps(ill_request):
    """The steps the service says apply to the request now, as the page offers them."""
    return [STEPS_BY_NAME[step] for step in borrowing.available_steps(ill_request)]


def step_view(request, model_admin, ill_request, step, change_url):
    """A step's page: what it needs, then the step, then back to the request's page."""
    if request.method == "POST":
        form = step.form_class(request.POST, ill_request=ill_request)
        if form.is_valid():
            try:
                form.perform(request.user, posted_number(request.POST.get("version")))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(step)s: recorded for %(reference)s.")
                                 % {"step": step.label, "reference": ill_request.reference})
                return HttpResponseRedirect(change_url)
    else:
        form = step.form_class(ill_request=ill_request)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": step.label,
        "opts": model_admin.opts,
        "ill_request": ill_request,
        "step": step,
        "form": form,
        "summary": settlement_summary(ill_request.borrowing),
        "cancel_url": change_url,
        # The version the staff member's request page showed; a move is refused if the request changed since.
        "version": posted_number(request.POST.get("version"))
        or posted_number(request.GET.get("version"))
        or ill_request.version,
    }
    return TemplateResponse(request, "ill/admin/borrowing_step.html", context)


def settlement_summary(record):
    """The settlement as the figures recorded so far give it; fixed once the request is settled."""
    if record.prepaid_amount is None:
        return _("No prepayment recorded yet.")
    try:
        result = settlement.for_borrowing(record)
    except ValidationError as error:
        return " ".join(error.messages)
    rows = [
        (_("Paid in advance"), str(result.prepaid)),
        (_("Copying fee"), str(result.copying_fee)),
        (_("Loan fee"), str(result.loan_fee)),
        (_("International shipping"), str(result.shipping_fee)),
        (_("Bank fees"), str(result.bank_fee)),
        (_("Total charges"), str(result.charges)),
    ]
    if result.is_refund:
        rows.append((_("Refund to the user"), str(result.refund)))
    elif result.is_balance_due:
        rows.append((_("Balance the user owes"), str(result.balance_due)))
    else:
        rows.append((_("Nothing to refund and nothing owed"), str(result.difference)))
    state = _("Settled") if record.settled_at else _("Provisional: not settled yet")
    return format_html(
        '<table class="ill-settlement"><caption>{}</caption><tbody>{}</tbody></table>',
        state,
        format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
    )


class BorrowingInline(admin.StackedInline):
    """The borrowing's facts beneath a request to borrow from abroad; steps change them, never this form."""

    model = Borrowing
    can_delete = False
    extra = 0
    max_num = 1
    verbose_name_plural = _("borrowing from abroad")
    fields = readonly_fields = [
        "lender_display", "lender_country", "max_amount_display", "target_date", "sent_to_lender_at",
        "lender_answer", "answered_on", "prepayment_asked", "prepayment", "arrived_on", "delivered_on", "loan_due_on",
        "returned_on", "settlement", "settled_at", "statement", "refund_paid", "balance_paid",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("lending institution"))
    def lender_display(self, record):
        return record.lender_display

    @admin.display(description=_("the most the user will pay"))
    def max_amount_display(self, record):
        return format_money(record.max_amount, record.max_currency) or "—"

    @admin.display(description=_("prepayment asked for"))
    def prepayment_asked(self, record):
        if record.prepayment_requested is None:
            return "—"
        return _("%(amount)s, asked on %(date)s") % {
            "amount": format_money(record.prepayment_requested, record.prepayment_requested_currency),
            "date": library_date(record.prepayment_requested_at).isoformat(),
        }

    @admin.display(description=_("prepayment"))
    def prepayment(self, record):
        if record.prepaid_amount is None:
            return "—"
        return _("%(currency)s %(amount)s on %(date)s, receipt %(receipt)s") % {
            "currency": record.prepaid_currency,
            "amount": format_amount(record.prepaid_amount, record.prepaid_currency),
            "date": record.prepaid_on.isoformat(), "receipt": record.prepayment_receipt,
        }

    @admin.display(description=_("settlement"))
    def settlement(self, record):
        return settlement_summary(record)

    @admin.display(description=_("statement"))
    def statement(self, record):
        if not record.statement_pdf:
            return "—"
        url = reverse("admin:ill_illrequest_statement", args=[record.request_id])
        return format_html('<a href="{}">{}</a>', url, record.statement_filename)

    @admin.display(description=_("refund paid"))
    def refund_paid(self, record):
        payout = RefundPayout.objects.filter(borrowing=record).select_related("paid_by").first()
        if payout is None:
            return "—"
        return _("%(currency)s %(amount)s on %(date)s by %(who)s") % {
            "currency": payout.currency, "amount": format_amount(payout.amount, payout.currency),
            "date": payout.paid_on.isoformat(),
            "who": payout.paid_by.get_username() if payout.paid_by_id else "—",
        }

    @admin.display(description=_("balance paid"))
    def balance_paid(self, record):
        if record.balance_paid_on is None:
            return "—"
        return _("on %(date)s, receipt %(receipt)s") % {
            "date": record.balance_paid_on.isoformat(), "receipt": record.balance_receipt,
        }


@admin.register(CopyPolicy)
class CopyPolicyAdmin(admin.ModelAdmin):
    list_display = ["country", "copying_permitted", "deposit", "note_en", "note_ko", "updated_at"]
    list_filter = ["copying_permitted"]
    search_fields = ["country", "note_en", "note_ko"]
    fields = ["country", "copying_permitted", "note_en", "note_ko", ("deposit_amount", "deposit_currency")]

    @admin.display(description=_("deposit paid in advance"))
    def deposit(self, policy):
        return format_money(policy.deposit_amount, policy.deposit_currency) or "—"


@admin.register(PaymentInstruction)
class PaymentInstructionAdmin(admin.ModelAdmin):
    """How users in Korea pay in advance: shown on their request's page and in the emails that ask them to."""

    list_display = ["method", "details_ko", "details_en", "currency", "position", "is_active", "updated_at"]
    list_editable = ["position", "is_active"]
    list_filter = ["method", "is_active"]
    fields = ["method", "details_ko", "details_en", "currency", "position", "is_active"]

    def save_model(self, request, obj, form, change):
        """Given a way to pay, save it through the service, which emails the users it newly serves."""
        waiting = borrowing.save_payment_instruction(obj)
        if waiting:
            messages.info(request, ngettext(
                "%(count)d user asked to prepay is being emailed how to pay: %(references)s.",
                "%(count)d users asked to prepay are being emailed how to pay: %(references)s.",
                len(waiting),
            ) % {"count": len(waiting), "references": ", ".join(r.reference for r in waiting)})


@admin.register(RefundPayout)
class RefundPayoutAdmin(admin.ModelAdmin):
    """Refunds paid out, for the reports; recorded from the request's page, never edited."""

    list_display = ["borrowing", "amount_paid", "paid_on", "paid_by"]
    list_filter = ["currency", "paid_on"]
    date_hierarchy = "paid_on"
    list_select_related = ["borrowing__request", "paid_by"]
    fields = readonly_fields = ["borrowing", "amount", "currency", "paid_on", "paid_by", "recorded_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("amount"), ordering="amount")
    def amount_paid(self, payout):
        return format_money(payout.amount, payout.currency)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
