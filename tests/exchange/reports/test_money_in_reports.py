"""The report pages write money as the rest of the portal does: KRW without decimals, thousands grouped."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ill.services import borrowing
from nlk_portal.core import calendar
from tests.factories import InstitutionFactory, library_user
from tests.ill.borrowing.steps import borrow, work_to_delivered

pytestmark = pytest.mark.django_db


def test_the_refunds_paid_are_written_in_won_without_decimals(client, manager, source_fee_schedule):
    ill_request = work_to_delivered(
        borrow(library_user(), InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")),
        prepaid="1260000", fees=("20000", None, "15000"),
    )
    borrowing.settle(ill_request, bank_fee=Decimal("3000"))
    borrowing.record_refund_paid(ill_request, paid_on=calendar.library_today())
    client.force_login(manager)

    html = client.get(reverse("reports:ill"), {"year": calendar.library_today().year}).content.decode()
    refunds = html.split('id="section-refunds"')[1].split("</section>")[0]

    assert '<th scope="row">KRW</th><td class="text-end">1,222,000</td>' in refunds
    assert "1222000" not in refunds
