"""Every place a borrowing's money is shown writes it one way: KRW without decimals, thousands grouped."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from ill.services import borrowing
from nlk_portal.core import calendar
from tests.ill.pdf_reading import pdf_text

from .steps import borrow, work_to_delivered

pytestmark = pytest.mark.django_db(transaction=True)
KRW_WITH_DECIMALS = re.compile(r"KRW -?[\d,]+\.\d")
KRW_UNGROUPED = re.compile(r"KRW -?\d{4,}")


def assert_krw_written_one_way(text, *expected):
    assert not KRW_WITH_DECIMALS.search(text), KRW_WITH_DECIMALS.search(text)
    assert not KRW_UNGROUPED.search(text), KRW_UNGROUPED.search(text)
    for figure in expected:
        assert figure in text


@pytest.fixture
def settled(source_fee_schedule, borrowing_groups, jiwoo, lender, kim):
    ill_request = work_to_delivered(borrow(jiwoo, lender), by=kim, prepaid="60000", fees=("20000", None, "15000"))
    borrowing.settle(ill_request, bank_fee=Decimal("3000"), by=kim)
    borrowing.record_refund_paid(ill_request, paid_on=calendar.library_today(), by=kim)
    ill_request.borrowing.refresh_from_db()
    return ill_request


def test_the_user_s_page_statement_and_email_write_won_without_decimals(client, settled):
    client.force_login(settled.submitted_by)
    for language in ["ko", "en"]:
        client.post(reverse("set_language"), {"language": language})
        page = client.get(reverse("ill:borrowing_request", args=[settled.reference])).content.decode()
        assert_krw_written_one_way(page, "KRW 50,000", "KRW 60,000", "KRW 22,000")

    assert_krw_written_one_way(pdf_text(settled.borrowing.statement_pdf.read()), "KRW 38,000", "KRW 22,000")
    [statement] = [m for m in mail.outbox if m.attachments]
    assert_krw_written_one_way(statement.body, "KRW 60,000", "KRW 38,000", "KRW 22,000")
    assert_krw_written_one_way(statement.alternatives[0][0], "KRW 22,000")


def test_staff_see_won_without_decimals_on_the_request_and_the_refunds_list(client, settled, kim):
    client.force_login(kim)

    request_page = client.get(reverse("admin:ill_illrequest_change", args=[settled.pk])).content.decode()
    refunds = client.get(reverse("admin:ill_refundpayout_changelist")).content.decode()

    assert_krw_written_one_way(request_page, "KRW 50,000", "KRW 60,000", "KRW 22,000")
    assert_krw_written_one_way(refunds, "KRW 22,000")
