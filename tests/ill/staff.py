"""Staff of the ILL desk as the admin sees them."""

from django.contrib.auth.models import Permission
from django.db.models import Q

from tests.factories import UserFactory

INVOICE_DESK = [
    "view_illrequest",
    "view_invoice",
    "change_invoice",
    "view_invoiceline",
    "view_payment",
    "add_payment",
    "view_outboxentry",
    "change_outboxentry",
]


def ill_clerk(*codenames):
    """A staff member allowed `codenames` in the ill and outbox apps (the invoice desk's by default)."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="ill") | Q(content_type__app_label="outbox"),
            codename__in=codenames or INVOICE_DESK,
        )
    )
    return user


def payment_form(invoice, *, amount, received_on, receipt_number):
    """What the invoice's change form posts when staff add one payment."""
    lines = list(invoice.lines.all())
    payments = list(invoice.payments.all())
    data = {"_save": "Save"}
    for prefix, rows, total in [("lines", lines, len(lines)), ("payments", payments, len(payments) + 1)]:
        data.update({
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        })
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-id": str(row.pk), f"{prefix}-{i}-invoice": str(invoice.pk)})
    new = len(payments)
    data.update({
        f"payments-{new}-invoice": str(invoice.pk),
        f"payments-{new}-amount": str(amount),
        f"payments-{new}-received_on": received_on.isoformat(),
        f"payments-{new}-receipt_number": receipt_number,
    })
    return data
