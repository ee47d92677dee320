"""A user in Korea's request to borrow from abroad, worked by staff from prepayment to refund."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from ill.models import IllRequest, Invoice, RefundPayout, SentEmail, StatusChange
from ill.rules import terms
from ill.selectors import queues
from ill.services import borrowing, digests, submission
from ill.status import Status, UnfilledReason
from nlk_portal.core import calendar
from nlk_portal.outbox.models import OutboxEntry
from tests.ill.pdf_reading import pdf_text

from .steps import borrow, borrowing_details, work_to_delivered

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def request_in_korea(source_fee_schedule, jiwoo, lender):
    return borrow(jiwoo, lender)


def test_a_request_is_a_borrowing_with_a_target_at_one_month_and_a_limit_at_two(request_in_korea, jiwoo):
    ill_request = request_in_korea
    received = calendar.library_date(ill_request.received_at)

    assert ill_request.direction == "borrows"
    assert ill_request.submitted_by == jiwoo and ill_request.email == jiwoo.email
    assert ill_request.requesting_library.name_en == "National Library of Korea"
    assert ill_request.borrowing.target_date == terms.borrowing_target_date(ill_request.received_at)
    assert ill_request.due_date == terms.borrowing_due_date(ill_request.received_at)
    assert (ill_request.due_date - received).days in range(59, 63)
    assert ill_request.history.get().to_status == Status.REQUEST_RECEIVED


def test_the_user_is_told_in_korean_that_fees_are_paid_in_advance_and_the_difference_refunded(request_in_korea):
    [message] = [m for m in mail.outbox if request_in_korea.reference in m.subject]

    assert message.to == ["jiwoo.han@example.kr"]
    assert "선납" in message.body or "미리" in message.body
    assert "/ill/borrow/requests/" + request_in_korea.reference in message.body


def test_staff_cannot_send_the_request_before_the_fees_are_paid_in_advance(request_in_korea, kim):
    with pytest.raises(ValidationError, match="paid in advance"):
        borrowing.send_to_lender(request_in_korea, by=kim)

    request_in_korea.refresh_from_db()
    assert request_in_korea.status == Status.REQUEST_RECEIVED


def test_a_copy_is_delivered_settled_and_refunded_with_a_statement_emailed_once(request_in_korea, kim):
    ill_request = work_to_delivered(request_in_korea, by=kim, prepaid="60000", fees=("20000", None, "15000"))
    assert ill_request.status == Status.COPY_COMPLETED
    # NLK's invoices are for what it supplies: nothing is invoiced for a borrowing.
    assert not Invoice.objects.filter(request=ill_request).exists()
    assert ill_request.pages_copied is None

    borrowing.settle(ill_request, bank_fee=Decimal("3000"), by=kim)

    record = ill_request.borrowing
    record.refresh_from_db()
    assert record.settled_at is not None and record.settled_by == kim
    text = pdf_text(record.statement_pdf.read())
    for figure in ["KRW 60,000", "KRW 20,000", "KRW 15,000", "KRW 3,000", "KRW 38,000",
                   "KRW 22,000"]:
        assert figure in text
    assert ill_request.reference in text and "Staatsbibliothek zu Berlin" in text
    [statement_email] = SentEmail.objects.filter(request=ill_request, kind=SentEmail.Kind.STATEMENT)
    assert statement_email.status == SentEmail.Outcome.SENT
    [message] = [m for m in mail.outbox if m.attachments and ill_request.reference in m.subject]
    assert message.attachments[0][0] == f"{ill_request.reference}-statement.pdf"

    # A second delivery of either task finds its work done.
    borrowing.store_statement(record.pk)
    borrowing.email_statement(record.pk)
    assert len([m for m in mail.outbox if m.attachments]) == 1

    payout = borrowing.record_refund_paid(ill_request, paid_on=calendar.library_today(), by=kim)
    assert (payout.amount, payout.currency, payout.paid_by) == (Decimal("22000.00"), "KRW", kim)
    with pytest.raises(ValidationError, match="already recorded"):
        borrowing.record_refund_paid(ill_request, paid_on=calendar.library_today(), by=kim)


def test_a_settlement_that_leaves_a_balance_due_has_no_refund_to_record(request_in_korea, kim):
    ill_request = work_to_delivered(request_in_korea, by=kim, prepaid="30000", fees=("20000", None, "15000"))

    borrowing.settle(ill_request, bank_fee=Decimal("0"), by=kim)

    ill_request.borrowing.refresh_from_db()
    text = pdf_text(ill_request.borrowing.statement_pdf.read())
    assert "KRW 5,000" in text
    with pytest.raises(ValidationError, match="no refund"):
        borrowing.record_refund_paid(ill_request, paid_on=calendar.library_today(), by=kim)
    assert not RefundPayout.objects.exists()


def test_the_balance_a_user_owes_is_recorded_once_when_paid_and_shown_to_them(request_in_korea, kim, jiwoo, client):
    ill_request = work_to_delivered(request_in_korea, by=kim, prepaid="30000", fees=("20000", None, "15000"))
    today = calendar.library_today()
    with pytest.raises(ValidationError, match="Settle the request"):
        borrowing.record_balance_paid(ill_request, paid_on=today, receipt_number="B-1", by=kim)
    borrowing.settle(ill_request, bank_fee=Decimal("0"), by=kim)

    with pytest.raises(ValidationError, match="receipt number"):
        borrowing.record_balance_paid(ill_request, paid_on=today, receipt_number=" ", by=kim)
    with pytest.raises(ValidationError, match="future"):
        borrowing.record_balance_paid(ill_request, paid_on=today + timedelta(days=1), receipt_number="B-1", by=kim)
    borrowing.record_balance_paid(ill_request, paid_on=today, receipt_number="B-1", by=kim)
    with pytest.raises(ValidationError, match="already recorded"):
        borrowing.record_balance_paid(ill_request, paid_on=today, receipt_number="B-2", by=kim)

    record = ill_request.borrowing
    record.refresh_from_db()
    assert (record.balance_paid_on, record.balance_receipt, record.balance_recorded_by) == (today, "B-1", kim)
    client.force_login(jiwoo)
    client.cookies["django_language"] = "en"
    page = client.get(f"/ill/borrow/requests/{ill_request.reference}/").content.decode()
    assert f"We received your payment of the balance on {today:%Y-%m-%d} (receipt B-1)" in page


def test_a_refund_leaves_no_balance_to_record(request_in_korea, kim):
    ill_request = work_to_delivered(request_in_korea, by=kim)
    borrowing.settle(ill_request, bank_fee=Decimal("3000"), by=kim)

    with pytest.raises(ValidationError, match="no balance"):
        borrowing.record_balance_paid(ill_request, paid_on=calendar.library_today(), receipt_number="B-3", by=kim)


def test_a_loan_is_delivered_with_its_due_date_returned_then_settled(source_fee_schedule, jiwoo, lender, kim):
    ill_request = borrow(jiwoo, lender, service="loan", pages_wanted="", item_type="monograph",
                         title="Korea und Europa", article_title="", serial_title="")
    ill_request = work_to_delivered(ill_request, by=kim, prepaid="50000", fees=(None, "10000", "25000"))
    assert ill_request.status == Status.LOANED
    assert ill_request.borrowing.loan_due_on == calendar.library_today() + timedelta(days=28)

    with pytest.raises(ValidationError, match="closed"):
        borrowing.settle(ill_request, bank_fee=Decimal("0"), by=kim)
    borrowing.record_return(ill_request, returned_on=calendar.library_today(), by=kim)
    borrowing.settle(ill_request, bank_fee=Decimal("5000"), by=kim)

    ill_request.refresh_from_db()
    assert ill_request.status == Status.LOAN_COMPLETED
    assert "KRW 10,000" in pdf_text(ill_request.borrowing.statement_pdf.read())


def test_the_lender_cannot_supply_so_the_request_is_unfilled_and_all_but_bank_fees_refunded(request_in_korea, kim):
    borrowing.record_prepayment(request_in_korea, amount=Decimal("40000"), currency="KRW",
                                paid_on=calendar.library_today(), receipt_number="R-1", by=kim)
    borrowing.send_to_lender(request_in_korea, by=kim)
    borrowing.record_lender_answer(request_in_korea, available=False, answered_on=calendar.library_today(), by=kim)

    change = StatusChange.objects.filter(request=request_in_korea).last()
    assert change.to_status == Status.UNFILLED
    assert change.reason == UnfilledReason.NOT_AVAILABLE_FROM_LENDER
    borrowing.settle(request_in_korea, bank_fee=Decimal("2000"), by=kim)
    request_in_korea.borrowing.refresh_from_db()
    assert "KRW 38,000" in pdf_text(request_in_korea.borrowing.statement_pdf.read())


def test_status_emails_speak_of_the_lending_institution_not_of_nlk_supplying(request_in_korea, kim):
    borrowing.record_prepayment(request_in_korea, amount=Decimal("40000"), currency="KRW",
                                paid_on=calendar.library_today(), receipt_number="R-2", by=kim)
    borrowing.send_to_lender(request_in_korea, by=kim)

    [email] = SentEmail.objects.filter(request=request_in_korea, kind=SentEmail.Kind.STATUS)
    [message] = [m for m in mail.outbox if m.subject == email.subject]
    assert "대출 기관" in message.body or "제공 기관" in message.body


def test_fees_in_another_currency_than_the_prepayment_stop_the_settlement(request_in_korea, kim):
    borrowing.record_prepayment(request_in_korea, amount=Decimal("40000"), currency="KRW",
                                paid_on=calendar.library_today(), receipt_number="R-3", by=kim)
    borrowing.send_to_lender(request_in_korea, by=kim)
    borrowing.record_lender_answer(request_in_korea, available=True, answered_on=calendar.library_today(),
                                   fees_currency="EUR", copying_fee=Decimal("12"), by=kim)
    borrowing.record_arrival(request_in_korea, arrived_on=calendar.library_today(), by=kim)
    borrowing.deliver(request_in_korea, delivered_on=calendar.library_today(), by=kim)

    with pytest.raises(ValidationError, match="convert it to KRW"):
        borrowing.settle(request_in_korea, bank_fee=Decimal("0"), by=kim)
    request_in_korea.borrowing.refresh_from_db()
    assert request_in_korea.borrowing.settled_at is None
    assert not OutboxEntry.objects.filter(task_name__endswith="render_statement").exists()


def test_a_borrowing_past_its_two_month_limit_is_overdue_in_the_staff_lists_and_digest(source_fee_schedule, jiwoo,
                                                                                        lender, kim):
    late = submission.submit_borrowing(
        borrowing_details(lender), user=jiwoo, received_at=timezone.now() - timedelta(days=70)
    )
    past_target_within_limit = submission.submit_borrowing(
        borrowing_details(lender), user=jiwoo, received_at=timezone.now() - timedelta(days=40)
    )
    for ill_request in (late, past_target_within_limit):
        ill_request.assigned_to = kim
        ill_request.save(update_fields=["assigned_to"])

    overdue = set(queues.overdue(IllRequest.objects.all()))
    assert late in overdue and past_target_within_limit not in overdue

    mail.outbox.clear()
    assert digests.send_daily_digests() >= 1
    [digest] = [m for m in mail.outbox if m.to == [kim.email]]
    assert late.reference in digest.body


def test_staff_download_the_statement_from_the_request_page(request_in_korea, kim, client, borrowing_groups):
    ill_request = work_to_delivered(request_in_korea, by=kim)
    borrowing.settle(ill_request, bank_fee=Decimal("0"), by=kim)
    client.force_login(kim)

    page = client.get(f"/admin/ill/illrequest/{ill_request.pk}/change/").content.decode()
    link = f"/admin/ill/illrequest/{ill_request.pk}/borrowing/statement.pdf"
    assert link in page
    response = client.get(link)

    assert response["Content-Disposition"].endswith(f'"{ill_request.reference}-statement.pdf"')
    assert "KRW 25,000" in pdf_text(b"".join(response.streaming_content))
