"""The forms of a borrowing's steps in the admin: what each step asks staff, and the service call it makes.

The rules are in ill.services.borrowing (each step and its guards); a form gathers what its step needs and
`perform`s it.
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.calendar import library_today

from ..iso18626.vocabulary import Action
from ..models import MAX_TEXT, InternalNote
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
