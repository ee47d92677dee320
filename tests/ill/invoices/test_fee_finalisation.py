"""When a copy is made or a loan sent, the fees are fixed and the requester is invoiced, once."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from ill import tasks
from ill.models import FeeSchedule, Invoice, SentEmail
from ill.services import invoices
from ill.services.workflow import do_transition
from ill.status import Status, UnfilledReason
from nlk_portal.core import calendar
from tests.factories import InstitutionFactory, submit_ill_request
from tests.ill.supply import lend, supply_copy

pytestmark = pytest.mark.django_db(transaction=True)


def lines_of(invoice):
    return [(line.kind, line.pages, line.amount) for line in invoice.lines.all()]


def test_a_completed_copy_is_charged_for_the_pages_copied_and_shipping(source_fee_schedule):
    ill_request = supply_copy(pages_copied=23)

    invoice = Invoice.objects.get(request=ill_request)
    # 23 pages: USD 5.00 for the first 10, USD 4.00 for each further 10 or part of them.
    assert lines_of(invoice) == [("copying", 23, Decimal("13.00")), ("shipping", None, Decimal("3.00"))]
    assert (invoice.total, invoice.currency, invoice.status) == (Decimal("16.00"), "USD", "open")
    assert invoice.issued_on == calendar.library_date(timezone.now())
    assert invoice.number == f"INV-{invoice.issued_on.year}-000001"


def test_the_fees_are_those_in_force_when_the_request_was_received(source_fee_schedule):
    ill_request = submit_ill_request()
    newer = FeeSchedule.objects.create(
        effective_from=date(2099, 1, 1),
        copying_base_fee=Decimal("7.00"),
        copying_base_pages=10,
        copying_step_fee=Decimal("6.00"),
        copying_step_pages=10,
        shipping_fee=Decimal("5.00"),
    )
    do_transition(ill_request, Status.WILL_SUPPLY)
    do_transition(ill_request, Status.COPY_COMPLETED, pages_copied=8)

    invoice = Invoice.objects.get(request=ill_request)
    assert invoice.fee_schedule == source_fee_schedule != newer
    assert invoice.total == Decimal("8.00")


def test_a_copy_delivered_electronically_is_charged_for_copying_only(source_fee_schedule):
    ill_request = supply_copy(pages_copied=10, delivery="electronic")

    assert lines_of(Invoice.objects.get(request=ill_request)) == [("copying", 10, Decimal("5.00"))]


def test_a_loan_is_charged_the_shipping_when_it_is_sent(source_fee_schedule):
    ill_request = lend()

    assert lines_of(Invoice.objects.get(request=ill_request)) == [("shipping", None, Decimal("3.00"))]


def test_other_status_changes_charge_nothing(source_fee_schedule):
    ill_request = submit_ill_request()
    do_transition(ill_request, Status.WILL_SUPPLY)
    do_transition(ill_request, Status.UNFILLED, reason=UnfilledReason.NOT_HELD)

    assert not Invoice.objects.exists()


def test_the_requester_gets_the_invoice_by_email_with_the_pdf_once(source_fee_schedule):
    ill_request = supply_copy(pages_copied=23)
    invoice = Invoice.objects.get()

    # A redelivered task changes nothing.
    copied = ill_request.history.get(to_status=Status.COPY_COMPLETED)
    tasks.finalise_fees.delay(copied.pk)
    tasks.render_invoice.delay(invoice.pk)
    tasks.email_invoice.delay(invoice.pk)

    assert Invoice.objects.count() == 1
    [email] = [m for m in mail.outbox if m.subject.startswith("Invoice")]
    assert email.subject == f"Invoice {invoice.number} for ILL request {ill_request.reference}"
    assert email.to == [ill_request.email]
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert "USD 16.00" in email.body and "Cheques are not accepted" in email.body
    assert SentEmail.objects.get(kind="invoice").status == "sent"


def test_invoices_are_numbered_one_after_the_other(source_fee_schedule):
    first, second = supply_copy(), supply_copy()

    numbers = [Invoice.objects.get(request=r).number for r in (first, second)]
    year = calendar.library_date(timezone.now()).year
    assert numbers == [f"INV-{year}-000001", f"INV-{year}-000002"]


def test_requests_supplied_at_the_same_moment_get_distinct_invoice_numbers_without_gaps(source_fee_schedule):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks and serialises writers itself; CI runs this on PostgreSQL")
    library = InstitutionFactory()
    changes = []
    for _ in range(6):
        ill_request = submit_ill_request(requesting_library=library)
        do_transition(ill_request, Status.WILL_SUPPLY)
        # Recorded without do_transition, so that the fees are fixed below, all at once.
        changes.append(ill_request.history.create(from_status=Status.WILL_SUPPLY, to_status=Status.COPY_COMPLETED))
    start, errors = threading.Barrier(len(changes)), []

    def finalise(change):
        try:
            start.wait()
            invoices.finalise_fees(change)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise, args=[change]) for change in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, len(changes) + 1))
