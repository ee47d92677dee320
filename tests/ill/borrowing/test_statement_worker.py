"""With a real Celery worker, settling a borrowing renders the statement and emails it once, PDF attached."""

from decimal import Decimal

import pytest

from ill.models import Borrowing, SentEmail
from ill.services import borrowing
from tests.ill.pdf_reading import pdf_text
from tests.ill.worker_helpers import all_tasks_finished, wait_for

from .steps import borrow, work_to_delivered

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_renders_and_emails_the_statement_once(celery_worker, kim, jiwoo, lender, source_fee_schedule):
    ill_request = work_to_delivered(borrow(jiwoo, lender), by=kim, prepaid="60000", fees=("20000", None, "15000"))

    borrowing.settle(ill_request, bank_fee=Decimal("3000"), by=kim)

    wait_for(lambda: SentEmail.objects.filter(kind="statement", status="sent").exists(), what="the statement email")
    wait_for(all_tasks_finished, what="every task")
    record = Borrowing.objects.get(pk=ill_request.borrowing.pk)
    assert "KRW 22,000" in pdf_text(record.statement_pdf.read())
    attached = [
        part
        for message in celery_worker.sent_emails()
        for part in message.iter_attachments()
        if part.get_filename() == f"{ill_request.reference}-statement.pdf"
    ]
    assert len(attached) == 1
    assert "KRW 22,000" in pdf_text(attached[0].get_content())
