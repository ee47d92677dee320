"""The settlement statement cites the item with only the publisher, place and year given: no stray comma."""

import re
from decimal import Decimal

import pytest

from ill.rules import settlement
from ill.services import borrowing, pdf
from nlk_portal.core import calendar
from tests.ill.pdf_reading import pdf_text
from tests.ill.rules.test_citation_parts import COMBINATIONS, expected_publication, ids

from .steps import borrow, work_to_delivered

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def settled(source_fee_schedule, borrowing_groups, jiwoo, lender, kim):
    ill_request = work_to_delivered(borrow(jiwoo, lender, author="Smith, John"), by=kim)
    borrowing.settle(ill_request, bank_fee=Decimal("3000"), by=kim)
    borrowing.record_refund_paid(ill_request, paid_on=calendar.library_today(), by=kim)
    ill_request.borrowing.refresh_from_db()
    return ill_request


def test_the_settlement_statement_cites_the_item_with_only_the_parts_given(settled):
    ill_request = settled
    for parts in COMBINATIONS:
        for name, value in parts.items():
            setattr(ill_request, name, value)
        ill_request.save(update_fields=list(parts))
        record = ill_request.borrowing
        record.refresh_from_db()

        text = pdf_text(pdf.render_statement(record, settlement.for_borrowing(record)))

        citation = "Smith, John" + (". " + expected_publication(parts) if expected_publication(parts) else "")
        assert re.search(rf"^{re.escape(citation)}$", text, re.MULTILINE), (ids(parts), text)
        assert "Smith, John. ," not in text


