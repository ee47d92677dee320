"""Borrowing from abroad for users in Korea: each step staff record, from the request to the refund.

A borrowing is an IllRequest with direction "borrows" and its Borrowing
record. Its status moves through ill.workflow like any request (so history,
status emails and overdue lists are shared); what is particular to borrowing
(the lender's answer and fees, the prepayment, the material's way to the user
and the settlement) is recorded here.
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Institution, InstitutionKind

from . import fees, pdf, settlement, tasks, terms, workflow
from .dispatch import after_commit
from .models import (
    Borrowing,
    CopyPolicy,
    Direction,
    IllRequest,
    LenderAnswer,
    RefundPayout,
    SentEmail,
    Service,
)
from .numbering import ILL_REQUEST_SERIES, next_reference
from .workflow import CLOSED, Status, UnfilledReason

S = Status
NLK_KEY = "national-library-of-korea"


class StepRefused(ValidationError):
    pass


def copying_permitted(country):
    """False where staff have recorded that the country's law does not permit copying."""
    return not CopyPolicy.objects.filter(country=country, copying_permitted=False).exists()


def no_copy_policies():
    return CopyPolicy.objects.filter(copying_permitted=False)


def nlk_institution():
    """NLK is the requesting library of everything it borrows; the directory normally has it."""
    institution = Institution.objects.filter(key=NLK_KEY).first()
    if institution is None:
        institution = Institution.objects.create(
            key=NLK_KEY,
            name_en="National Library of Korea",
            name_ko="국립중앙도서관",
            kind=InstitutionKind.NATIONAL,
            country="KR",
            city="Seoul",
            address="201 Banpo-daero, Seocho-gu, Seoul 06579, Republic of Korea",
        )
    return institution


def submit_borrowing(details, *, user, submission_key=None, language="ko", received_at=None):
    """Create a user's request to borrow from abroad; the same `submission_key` twice gives the first back.

    `details` holds the request's fields and the borrowing's: lender (or
    lender_name), lender_country and max_amount.
    """
    if submission_key and (existing := IllRequest.objects.filter(submission_key=submission_key).first()):
        return existing
    try:
        with transaction.atomic():
            return _create(dict(details), user, submission_key, language, received_at or timezone.now())
    except IntegrityError:
        existing = (
            IllRequest.objects.filter(submission_key=submission_key).first() if submission_key else None
        )
        if existing is None:
            raise
        return existing


BORROWING_FIELDS = ["lender", "lender_name", "lender_country", "max_amount"]


def _create(details, user, submission_key, language, received_at):
    borrowing_details = {name: details.pop(name) for name in BORROWING_FIELDS if name in details}
    if details["service"] == Service.COPY and not copying_permitted(borrowing_details["lender_country"]):
        raise ValidationError(_("Copying is not permitted in the lending institution's country."))
    today = terms.library_date(received_at)
    # NLK charges nothing of its own: the estimate is zero, the lender's fees are settled later.
    schedule = fees.schedule_in_force(today)
    profile = getattr(user, "library_user", None)
    postal_address = details.pop("postal_address", "") or (profile.postal_address if profile else "")
    ill_request = IllRequest.objects.create(
        **details,
        direction=Direction.NLK_BORROWS,
        requesting_library=nlk_institution(),
        contact_name=user.get_full_name() or user.email,
        email=user.email,
        postal_address=postal_address,
        reference=next_reference(ILL_REQUEST_SERIES, today.year),
        fee_schedule=schedule,
        copying_fee=fees.ZERO,
        shipping_fee=fees.ZERO,
        currency=schedule.currency,
        language=language,
        received_at=received_at,
        due_date=terms.borrowing_due_date(received_at),
        submission_key=submission_key,
        submitted_by=user,
    )
    Borrowing.objects.create(request=ill_request, target_date=terms.borrowing_target_date(received_at),
                             **borrowing_details)
    workflow.record_received(ill_request, by=user)
    after_commit(tasks.send_acknowledgement, ill_request.pk)
    return ill_request


def requests_of(user):
    """The user's own borrowing requests: nobody sees another's."""
    if not user.is_authenticated:
        return IllRequest.objects.none()
    mine = IllRequest.objects.filter(direction=Direction.NLK_BORROWS, submitted_by=user)
    return mine.select_related("borrowing")


# The steps staff record. Each locks the borrowing, checks, records, and moves the status if the step does.


def _locked(ill_request):
    if ill_request.direction != Direction.NLK_BORROWS:
        raise StepRefused(_("This is not a request to borrow from abroad."))
    return Borrowing.objects.select_for_update().select_related("request").get(request=ill_request)


def _not_settled(borrowing):
    if borrowing.settled_at is not None:
        raise StepRefused(_("The request has been settled: its figures can no longer change."))


def _not_future(day, what):
    if day > terms.library_today():
        raise StepRefused(_("The date %(what)s is in the future.") % {"what": what})


def record_prepayment(ill_request, *, amount, currency, paid_on, receipt_number, by=None):
    """The fees the user paid in advance, as written on the receipt."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_settled(borrowing)
        if amount is None or amount <= 0:
            raise StepRefused(_("The amount paid in advance must be more than zero."))
        _not_future(paid_on, _("of the payment"))
        if Borrowing.objects.filter(prepayment_receipt=receipt_number).exclude(pk=borrowing.pk).exists():
            raise StepRefused(
                _("Receipt %(number)s is already recorded for another request.") % {"number": receipt_number}
            )
        borrowing.prepaid_amount, borrowing.prepaid_currency = amount, currency.upper()
        borrowing.prepaid_on, borrowing.prepayment_receipt = paid_on, receipt_number
        borrowing.save(
            update_fields=["prepaid_amount", "prepaid_currency", "prepaid_on", "prepayment_receipt"]
        )
    return borrowing


def send_to_lender(ill_request, *, by=None, note="", expected_version=None):
    """The request went to the lending institution; fees were paid in advance, so that comes first."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.prepaid_amount is None:
            raise StepRefused(
                _("Record the amount the user paid in advance first: fees are paid when the request is made.")
            )
        change = workflow.do_transition(
            ill_request, S.EXPECT_TO_SUPPLY, by=by, note=note, expected_version=expected_version
        )
        borrowing.sent_to_lender_at = timezone.now()
        borrowing.save(update_fields=["sent_to_lender_at"])
    return change


def record_lender_answer(
    ill_request,
    *,
    available,
    answered_on,
    fees_currency="",
    copying_fee=None,
    loan_fee=None,
    shipping_fee=None,
    by=None,
    note="",
    expected_version=None,
):
    """The lender confirmed the material (with its fees) or said it cannot supply it."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_settled(borrowing)
        if borrowing.sent_to_lender_at is None:
            raise StepRefused(_("Record that the request was sent to the lending institution first."))
        _not_future(answered_on, _("of the answer"))
        if available:
            if not fees_currency:
                raise StepRefused(_("Give the currency of the lending institution's fees."))
            if any(fee is not None and fee < 0 for fee in (copying_fee, loan_fee, shipping_fee)):
                raise StepRefused(_("A fee cannot be negative."))
            change = workflow.do_transition(
                ill_request, S.WILL_SUPPLY, by=by, note=note, expected_version=expected_version
            )
            borrowing.fees_currency = fees_currency.upper()
            borrowing.lender_copying_fee, borrowing.lender_loan_fee = copying_fee, loan_fee
            borrowing.shipping_fee = shipping_fee
        else:
            change = workflow.do_transition(
                ill_request, S.UNFILLED, by=by, note=note, reason=UnfilledReason.NOT_AVAILABLE_FROM_LENDER,
                expected_version=expected_version,
            )
        borrowing.lender_answer = LenderAnswer.AVAILABLE if available else LenderAnswer.NOT_AVAILABLE
        borrowing.answered_on = answered_on
        borrowing.save()
    return change


def record_arrival(ill_request, *, arrived_on, by=None):
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.request.status != S.WILL_SUPPLY:
            raise StepRefused(_("Material can only arrive once the lending institution has confirmed it."))
        _not_future(arrived_on, _("of arrival"))
        borrowing.arrived_on = arrived_on
        borrowing.save(update_fields=["arrived_on"])
    return borrowing


def deliver(ill_request, *, delivered_on, loan_due_on=None, by=None, note="", expected_version=None):
    """The copy or the loan was handed to the user: CopyCompleted, or Loaned until `loan_due_on`."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.arrived_on is None:
            raise StepRefused(_("Record the material's arrival first."))
        _not_future(delivered_on, _("of delivery"))
        if delivered_on < borrowing.arrived_on:
            raise StepRefused(_("The material cannot be delivered before it arrived."))
        is_loan = borrowing.request.service == Service.LOAN
        if is_loan and (loan_due_on is None or loan_due_on <= delivered_on):
            raise StepRefused(_("Give the date the loan is due back, after the delivery date."))
        to_status = S.LOANED if is_loan else S.COPY_COMPLETED
        change = workflow.do_transition(
            ill_request, to_status, by=by, note=note, expected_version=expected_version
        )
        borrowing.delivered_on = delivered_on
        borrowing.loan_due_on = loan_due_on if is_loan else None
        borrowing.save(update_fields=["delivered_on", "loan_due_on"])
    return change


def record_return(ill_request, *, returned_on, by=None, note="", expected_version=None):
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_future(returned_on, _("of return"))
        if borrowing.delivered_on and returned_on < borrowing.delivered_on:
            raise StepRefused(_("The loan cannot be returned before it was delivered."))
        change = workflow.do_transition(
            ill_request, S.LOAN_COMPLETED, by=by, note=note, expected_version=expected_version
        )
        borrowing.returned_on = returned_on
        borrowing.save(update_fields=["returned_on"])
    return change


def settle(ill_request, *, bank_fee, by=None):
    """Fix the settlement once the request is closed, and have the statement made and emailed."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        _not_settled(borrowing)
        if borrowing.request.status not in CLOSED:
            raise StepRefused(_("Settle the request once it is closed: delivered and, for a loan, returned."))
        if bank_fee is None or bank_fee < 0:
            raise StepRefused(_("Give the bank fees (zero if there were none)."))
        borrowing.bank_fee = bank_fee
        if not borrowing.fees_currency:
            borrowing.fees_currency = borrowing.prepaid_currency
        settlement.for_borrowing(borrowing)  # refuses a missing prepayment or mixed currencies
        borrowing.settled_at, borrowing.settled_by = timezone.now(), by
        borrowing.save(update_fields=["bank_fee", "fees_currency", "settled_at", "settled_by"])
        after_commit(tasks.render_statement, borrowing.pk)
    return borrowing


def record_refund_paid(ill_request, *, paid_on, by=None):
    """The refund the settlement gives, paid out to the user: recorded once, for the reports to sum."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.settled_at is None:
            raise StepRefused(_("Settle the request before recording the refund."))
        if RefundPayout.objects.filter(borrowing=borrowing).exists():
            raise StepRefused(_("The refund is already recorded as paid."))
        refund = settlement.for_borrowing(borrowing).refund
        if refund.amount <= 0:
            raise StepRefused(_("This settlement gives no refund."))
        _not_future(paid_on, _("of the refund"))
        return RefundPayout.objects.create(
            borrowing=borrowing, amount=refund.amount, currency=refund.currency, paid_on=paid_on, paid_by=by
        )


def record_balance_paid(ill_request, *, paid_on, receipt_number, by=None):
    """The balance a settlement left the user owing, paid to NLK: recorded once."""
    with transaction.atomic():
        borrowing = _locked(ill_request)
        if borrowing.settled_at is None:
            raise StepRefused(_("Settle the request before recording the balance."))
        if settlement.for_borrowing(borrowing).outcome != "balance_due":
            raise StepRefused(_("This settlement leaves no balance to pay."))
        if borrowing.balance_paid_on is not None:
            raise StepRefused(_("The balance is already recorded as paid."))
        if not receipt_number.strip():
            raise StepRefused(_("Give the receipt number of the payment."))
        _not_future(paid_on, _("of the balance"))
        borrowing.balance_paid_on, borrowing.balance_receipt = paid_on, receipt_number.strip()
        borrowing.balance_recorded_by = by
        borrowing.save(update_fields=["balance_paid_on", "balance_receipt", "balance_recorded_by"])
    return borrowing


# The statement: rendered once, then emailed once (each its own task, as invoices are).


def store_statement(borrowing_id):
    with transaction.atomic():
        borrowing = Borrowing.objects.select_for_update().select_related("request").get(pk=borrowing_id)
        if borrowing.statement_pdf or borrowing.settled_at is None:
            return borrowing
        content = pdf.render_statement(borrowing, settlement.for_borrowing(borrowing))
        storage = borrowing.statement_pdf.storage
        # A file under that name is what a killed render left; the borrowing never pointed at it.
        name = borrowing.statement_pdf.field.generate_filename(borrowing, borrowing.statement_filename)
        storage.delete(name)
        borrowing.statement_pdf.save(borrowing.statement_filename, ContentFile(content), save=False)
        borrowing.statement_rendered_at = timezone.now()
        borrowing.save(update_fields=["statement_pdf", "statement_rendered_at"])
        after_commit(tasks.email_statement, borrowing.pk)
    return borrowing


def email_statement(borrowing_id):
    from .notifications import send_request_email

    borrowing = Borrowing.objects.select_related("request").get(pk=borrowing_id)
    with borrowing.statement_pdf.open("rb") as stored:
        attachment = (borrowing.statement_filename, stored.read(), "application/pdf")
    return send_request_email(
        borrowing.request,
        SentEmail.Kind.STATEMENT,
        key=f"statement:{borrowing.pk}",
        context={"borrowing": borrowing, "settlement": settlement.for_borrowing(borrowing)},
        attachments=[attachment],
    )
