"""After a part payment the requester sees what the invoice totals, what was paid and what is left, in
either language, on the tracking page and on the library's own page of the request."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ill.models import Invoice
from ill.services import invoices
from nlk_portal.core import calendar
from tests.factories import InstitutionFactory, LibrarianFactory
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library():
    return InstitutionFactory(name_en="SOAS Library", country="GB")


@pytest.fixture
def invoice(source_fee_schedule, library):
    """USD 16.00 for 23 pages copied, of which USD 10.00 is paid."""
    invoice = Invoice.objects.get(request=supply_copy(pages_copied=23, requesting_library=library))
    invoices.record_payment(
        invoice, amount=Decimal("10.00"), received_on=calendar.library_date(timezone.now()), receipt_number="R-1"
    )
    return invoice


def figures(html):
    """The invoice's figures as the page lists them: [(label, value), ...]."""
    section = html[html.index("invoice-figures"):]
    section = section[: section.index("</dl>")]
    return [
        (label.strip(), value.strip())
        for label, value in re.findall(r"<dt[^>]*>(.*?)</dt><dd[^>]*>(.*?)</dd>", section, re.S)
    ]


@pytest.mark.parametrize("language, expected", [
    ("en", [("Total", "USD 16.00"), ("Paid", "USD 10.00"), ("Balance due", "USD 6.00"), ("Status", "Open")]),
    ("ko", [("합계", "USD 16.00"), ("납부액", "USD 10.00"), ("미납액", "USD 6.00"), ("상태", "진행 중")]),
])
def test_the_tracking_page_gives_the_total_the_amount_paid_and_the_balance_due(client, invoice, language, expected):
    html = client.get(
        reverse("ill:track", args=[invoice.request.tracking_token]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert figures(html) == expected


def test_the_librarians_page_of_the_request_gives_them_too(client, invoice, library):
    client.force_login(LibrarianFactory(institution=library).user)

    html = client.get(reverse("ill:library_request", args=[invoice.request.reference])).content.decode()

    assert figures(html)[:3] == [("Total", "USD 16.00"), ("Paid", "USD 10.00"), ("Balance due", "USD 6.00")]


def test_an_invoice_paid_in_full_shows_what_was_paid_and_no_balance(client, invoice):
    invoices.record_payment(
        invoice, amount=Decimal("6.00"), received_on=calendar.library_date(timezone.now()), receipt_number="R-2"
    )

    html = client.get(reverse("ill:track", args=[invoice.request.tracking_token])).content.decode()

    assert figures(html) == [("Total", "USD 16.00"), ("Paid", "USD 16.00"), ("Status", "Paid")]


def test_an_invoice_nothing_is_paid_of_yet_shows_the_whole_total_due(client, source_fee_schedule):
    invoice = Invoice.objects.get(request=supply_copy(pages_copied=23))

    html = client.get(reverse("ill:track", args=[invoice.request.tracking_token])).content.decode()

    assert figures(html) == [("Total", "USD 16.00"), ("Balance due", "USD 16.00"), ("Status", "Open")]
