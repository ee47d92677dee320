"""Cash received is recorded against the invoice; unpaid invoices are voided or reminded."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ill import tasks
from ill.models import Invoice, Payment
from ill.services import invoices
from nlk_portal.core import calendar
from tests.ill.staff import ill_clerk, payment_form
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invoice(source_fee_schedule):
    return Invoice.objects.get(request=supply_copy(pages_copied=23))


@pytest.fixture
def clerk_client(client):
    clerk = ill_clerk()
    client.force_login(clerk)
    client.clerk = clerk
    return client


def today():
    return calendar.library_date(timezone.now())


def test_staff_record_a_cash_payment_and_the_invoice_is_paid(clerk_client, invoice):
    url = reverse("admin:ill_invoice_change", args=[invoice.pk])

    response = clerk_client.post(
        url, payment_form(invoice, amount="16.00", received_on=today(), receipt_number="R-2026-0042")
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    payment = Payment.objects.get()
    assert (payment.amount, payment.currency, payment.receipt_number) == (Decimal("16.00"), "USD", "R-2026-0042")
    assert payment.recorded_by == clerk_client.clerk
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.balance_due == 0


def test_a_part_payment_leaves_the_invoice_open_with_the_balance_due(invoice):
    invoices.record_payment(invoice, amount=Decimal("10.00"), received_on=today(), receipt_number="R-1")

    invoice.refresh_from_db()
    assert invoice.status == "open" and invoice.balance_due == Decimal("6.00")
    invoices.record_payment(invoice, amount=Decimal("6.00"), received_on=today(), receipt_number="R-2")
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_the_admin_refuses_more_than_the_balance_due(clerk_client, invoice):
    url = reverse("admin:ill_invoice_change", args=[invoice.pk])

    response = clerk_client.post(
        url, payment_form(invoice, amount="20.00", received_on=today(), receipt_number="R-9")
    )

    assert response.status_code == 200
    assert "The amount is more than the balance due (USD 16.00)." in response.content.decode()
    assert not Payment.objects.exists()


def test_a_payment_dated_in_the_future_is_refused(invoice):
    with pytest.raises(ValidationError, match="in the future"):
        invoices.record_payment(
            invoice, amount=Decimal("16.00"), received_on=today() + timedelta(days=1), receipt_number="R-3"
        )


def test_a_void_invoice_keeps_its_number_and_cannot_be_paid(invoice, source_fee_schedule):
    invoices.void(invoice)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("void", f"INV-{invoice.issued_on.year}-000001")
    with pytest.raises(ValidationError, match="void invoice cannot be paid"):
        invoices.record_payment(invoice, amount=Decimal("1.00"), received_on=today(), receipt_number="R-4")
    following = Invoice.objects.get(request=supply_copy())
    assert following.number == f"INV-{invoice.issued_on.year}-000002"


def test_an_invoice_with_a_payment_cannot_be_voided(invoice):
    invoices.record_payment(invoice, amount=Decimal("5.00"), received_on=today(), receipt_number="R-5")

    with pytest.raises(ValidationError, match="cannot be voided"):
        invoices.void(invoice)


def test_staff_void_an_invoice_and_issue_a_new_one_in_its_place(clerk_client, invoice):
    changelist = reverse("admin:ill_invoice_changelist")

    clerk_client.post(changelist, {"action": "void_invoices", "_selected_action": [invoice.pk]})
    clerk_client.post(changelist, {"action": "issue_replacements", "_selected_action": [invoice.pk]})

    old, new = Invoice.objects.order_by("number")
    assert (old.number, old.status, old.voided_by) == (invoice.number, "void", clerk_client.clerk)
    assert new.request == old.request and new.status == "open" and new.total == old.total
    assert new.number.endswith("-000002") and new.pdf


def test_a_reminder_goes_out_once_for_an_invoice_unpaid_after_the_set_days(invoice, settings):
    settings.ILL_INVOICE_REMINDER_DAYS = 30
    Invoice.objects.filter(pk=invoice.pk).update(issued_on=today() - timedelta(days=29))
    tasks.send_payment_reminders.delay()
    assert not [m for m in mail.outbox if m.subject.startswith("Reminder")]

    Invoice.objects.filter(pk=invoice.pk).update(issued_on=today() - timedelta(days=30))
    tasks.send_payment_reminders.delay()
    tasks.send_payment_reminders.delay()
    tasks.send_payment_reminder.delay(invoice.pk)

    [reminder] = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert reminder.subject == f"Reminder: invoice {invoice.number} for ILL request {invoice.request.reference} is unpaid"
    assert "Amount due: USD 16.00" in reminder.body
    assert reminder.attachments[0][0] == f"{invoice.number}.pdf"
    invoice.refresh_from_db()
    assert invoice.reminded_at is not None


def test_a_paid_invoice_gets_no_reminder(invoice):
    invoices.record_payment(invoice, amount=Decimal("16.00"), received_on=today(), receipt_number="R-6")
    Invoice.objects.filter(pk=invoice.pk).update(issued_on=today() - timedelta(days=90))

    tasks.send_payment_reminders.delay()

    assert not [m for m in mail.outbox if m.subject.startswith("Reminder")]


def test_celery_beat_sends_reminders_daily_and_sweeps_the_outbox_every_minute():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert schedule["nlk_portal.outbox.tasks.sweep_outbox"] == 60.0
    assert "ill.tasks.send_payment_reminders" in schedule
    assert settings.ILL_INVOICE_REMINDER_DAYS == 30
