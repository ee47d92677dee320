"""Every change to a figure money depends on is kept in the request's history, with who, when, the old and
the new value; the admin's History button shows the request's whole history in time order."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.formats import date_format

from ill.models import Invoice, MoneyChange
from ill.services import invoices, workflow
from ill.status import Status
from nlk_portal.core.calendar import library_today
from tests.factories import InstitutionFactory, UserFactory, library_user, submit_ill_request
from tests.ill.borrowing.steps import borrow, work_to_delivered
from tests.ill.triage.test_request_page import change_form_data, page_url

pytestmark = pytest.mark.django_db
F = MoneyChange.Figure


@pytest.fixture
def library(source_fee_schedule):
    return InstitutionFactory(name_en="SOAS Library", country="GB")


@pytest.fixture
def copied(library, kim, django_capture_on_commit_callbacks):
    """20 pages copied: an invoice of USD 9.00 copying and USD 3.00 shipping, issued for Kim's change."""
    ill_request = submit_ill_request(requesting_library=library)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.do_transition(ill_request, Status.WILL_SUPPLY, by=kim)
        workflow.do_transition(ill_request, Status.COPY_COMPLETED, by=kim, pages_copied=20)
    return ill_request


def figures(ill_request):
    return [
        (c.figure, c.old_value, c.new_value, c.changed_by.username if c.changed_by else None)
        for c in ill_request.money_changes.all()
    ]


def test_issuing_an_invoice_keeps_each_line_and_the_total_with_who_made_the_fees_due(copied):
    invoice = Invoice.objects.get(request=copied)

    assert figures(copied) == [
        (F.INVOICED_COPYING, "", "USD 9.00", "kim"),
        (F.INVOICED_SHIPPING, "", "USD 3.00", "kim"),
        (F.INVOICED_TOTAL, "", "USD 12.00", "kim"),
    ]
    assert {c.detail_text for c in copied.money_changes.all()} == {f"invoice {invoice.number}"}


def test_voiding_and_reissuing_keep_the_old_and_new_lines_with_who_did_each(
    copied, lee, django_capture_on_commit_callbacks
):
    first = Invoice.objects.get(request=copied)
    with django_capture_on_commit_callbacks(execute=True):
        invoices.void(first, by=lee)
        invoices.reissue(Invoice.objects.get(pk=first.pk), by=lee)
    second = Invoice.objects.exclude(pk=first.pk).get(request=copied)

    assert figures(copied)[3:] == [
        (F.INVOICED_COPYING, "USD 9.00", "", "lee"),
        (F.INVOICED_SHIPPING, "USD 3.00", "", "lee"),
        (F.INVOICED_TOTAL, "USD 12.00", "", "lee"),
        (F.INVOICED_COPYING, "", "USD 9.00", "lee"),
        (F.INVOICED_SHIPPING, "", "USD 3.00", "lee"),
        (F.INVOICED_TOTAL, "", "USD 12.00", "lee"),
    ]
    details = [c.detail_text for c in copied.money_changes.all()]
    assert details[3] == f"invoice {first.number} voided"
    assert details[-1] == f"invoice {second.number}, in place of {first.number}"


def test_each_payment_keeps_what_was_paid_before_and_after(copied, lee):
    invoice = Invoice.objects.get(request=copied)
    today = library_today()

    invoices.record_payment(invoice, amount=Decimal("5.00"), received_on=today, receipt_number="R-1", by=lee)
    invoices.record_payment(
        invoice, amount=Decimal("7.00"), received_on=today - timedelta(days=1), receipt_number="R-2", by=lee
    )

    paid = copied.money_changes.filter(figure=F.PAID_ON_INVOICE)
    assert [(c.old_value, c.new_value, c.changed_by.username) for c in paid] == [
        ("USD 0.00", "USD 5.00", "lee"),
        ("USD 5.00", "USD 12.00", "lee"),
    ]
    yesterday = today - timedelta(days=1)
    assert paid.last().detail_values == {"number": invoice.number, "receipt": "R-2", "date": yesterday.isoformat()}
    assert paid.last().detail_text == (
        f"invoice {invoice.number}, receipt R-2, received on {date_format(yesterday, 'DATE_FORMAT')}"
    )


def test_a_staff_edit_of_an_estimated_fee_or_the_cost_limit_is_kept(library, kim):
    ill_request = submit_ill_request(requesting_library=library)
    locked = workflow.lock(ill_request)
    locked.copying_fee, locked.max_cost_usd = Decimal("13.00"), Decimal("40.00")

    workflow.save_staff_edit(locked, ["copying_fee", "max_cost_usd"], by=kim)

    assert figures(ill_request) == [
        (F.ESTIMATED_COPYING_FEE, "USD 9.00", "USD 13.00", "kim"),
        (F.MAX_COST, "", "USD 40.00", "kim"),
    ]


def test_the_request_s_page_does_not_let_staff_change_the_fees_unrecorded(library, kim, client):
    ill_request = submit_ill_request(requesting_library=library)
    client.force_login(kim)

    response = client.post(
        page_url(ill_request),
        change_form_data(ill_request, copying_fee="99.00", shipping_fee="0", max_cost_usd="1"),
    )

    assert response.status_code == 302
    ill_request.refresh_from_db()
    assert (ill_request.copying_fee, ill_request.shipping_fee, ill_request.max_cost_usd) == (
        Decimal("9.00"), Decimal("3.00"), None
    )
    assert not ill_request.money_changes.exists()


def history_url(ill_request):
    return reverse("admin:ill_illrequest_history", args=[ill_request.pk])


def rows(html):
    return html[html.index("<tbody>"): html.index("</tbody>")]


def test_the_history_button_shows_status_notes_money_emails_and_the_admin_log_in_time_order(
    copied, kim, client
):
    client.force_login(kim)
    note = change_form_data(copied, **{"internal_notes-0-text": "Copied from the microfilm."})
    note["internal_notes-TOTAL_FORMS"] = "1"
    assert client.post(page_url(copied), note).status_code == 302
    invoice = Invoice.objects.get(request=copied)
    invoices.record_payment(invoice, amount=Decimal("12.00"), received_on=library_today(), receipt_number="R-9",
                            by=kim)

    response = client.get(history_url(copied))

    html = response.content.decode()
    assert response.status_code == 200
    assert "doesn’t have a change history" not in html
    table = rows(html)
    in_order = [
        "Request received",
        "Will supply",
        "Copy completed",
        "Invoice total",
        "Copied from the microfilm.",
        "Added internal note",
        "Paid on the invoice",
    ]
    positions = [table.index(text) for text in in_order]
    assert positions == sorted(positions), list(zip(in_order, positions))
    assert "USD 0.00" in table and "USD 12.00" in table and "receipt R-9" in table
    assert "Min-ji Kim" in table


def test_a_borrowing_s_history_shows_a_corrected_prepayment_with_the_old_and_new_figure(
    client, kim, source_fee_schedule, django_capture_on_commit_callbacks
):
    from ill.services import borrowing

    user = library_user()
    lender = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    ill_request = borrow(user, lender)
    with django_capture_on_commit_callbacks(execute=True):
        work_to_delivered(ill_request, by=kim)
    borrowing.record_prepayment(
        ill_request, amount=Decimal("65000"), currency="KRW", paid_on=library_today(),
        receipt_number=f"R-{ill_request.pk}", by=kim, correcting=True,
    )
    client.force_login(kim)

    table = rows(client.get(history_url(ill_request)).content.decode())

    assert "Amount paid in advance" in table
    assert "KRW 60,000" in table and "KRW 65,000" in table
    assert table.index("KRW 60,000") < table.index("KRW 65,000")


def test_the_history_is_for_staff_who_may_see_the_request(copied, client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(history_url(copied)).status_code == 403

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_illrequest"))
    client.force_login(viewer)
    assert client.get(history_url(copied)).status_code == 200
