"""A borrowing's steps on a request's page in the admin: which the page offers, and each step's page.

The service says which steps apply (ill.services.borrowing); each step's form is in borrowing_forms.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.posted import posted_number

from ..choices import BorrowingStep
from ..services import borrowing
from .borrowing import settlement_summary
from .borrowing_forms import (
    AnswerForm,
    ArrivalForm,
    AskCancelForm,
    AskPrepaymentForm,
    BalanceForm,
    CorrectFeesForm,
    CorrectPrepaymentForm,
    DeliveryForm,
    MessageUserForm,
    PrepaymentForm,
    RefundForm,
    ReturnForm,
    SendForm,
    SendIso18626Form,
    SettleForm,
    TellReceivedForm,
    TellShippedReturnForm,
    no_payment_method_notice,
)
from .pages import form_page


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
    return form_page(
        request, model_admin, "ill/admin/borrowing_step.html", title=step.label, form=form, cancel_url=change_url,
        ill_request=ill_request, step=step, summary=settlement_summary(ill_request.borrowing),
    )


def ask_prepayment_notice(ill_request, steps):
    """On a request's page, beside the step's button (`steps` are those it offers): that asking for the
    prepayment would be refused now."""
    if BorrowingStep.ASK_PREPAYMENT not in {step.name for step in steps}:
        return None
    return no_payment_method_notice(ill_request.borrowing.prepayment_requested_currency or "KRW")
