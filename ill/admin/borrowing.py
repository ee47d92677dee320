"""Borrowing from abroad in the admin: the borrowing's facts and settlement beneath a request's page, the
per-country copying rules, the ways to pay in advance and the refunds paid out.

The steps staff record on the request's page are in borrowing_steps (their forms in borrowing_forms).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nlk_portal.core.calendar import library_date
from nlk_portal.core.money import format_amount, format_money

from ..models import Borrowing, CopyPolicy, PaymentInstruction, RefundPayout
from ..rules import settlement
from ..services import borrowing


def settlement_summary(record):
    """The settlement as the figures recorded so far give it; fixed once the request is settled."""
    if record.prepaid_amount is None:
        return _("No prepayment recorded yet.")
    try:
        result = settlement.for_borrowing(record)
    except ValidationError as error:
        return " ".join(error.messages)
    rows = [
        (_("Paid in advance"), str(result.prepaid)),
        (_("Copying fee"), str(result.copying_fee)),
        (_("Loan fee"), str(result.loan_fee)),
        (_("International shipping"), str(result.shipping_fee)),
        (_("Bank fees"), str(result.bank_fee)),
        (_("Total charges"), str(result.charges)),
    ]
    if result.is_refund:
        rows.append((_("Refund to the user"), str(result.refund)))
    elif result.is_balance_due:
        rows.append((_("Balance the user owes"), str(result.balance_due)))
    else:
        rows.append((_("Nothing to refund and nothing owed"), str(result.difference)))
    state = _("Settled") if record.settled_at else _("Provisional: not settled yet")
    return format_html(
        '<table class="ill-settlement"><caption>{}</caption><tbody>{}</tbody></table>',
        state,
        format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
    )


class BorrowingInline(admin.StackedInline):
    """The borrowing's facts beneath a request to borrow from abroad; steps change them, never this form."""

    model = Borrowing
    can_delete = False
    extra = 0
    max_num = 1
    verbose_name_plural = _("borrowing from abroad")
    fields = readonly_fields = [
        "lender_display", "lender_country", "max_amount_display", "target_date", "sent_to_lender_at",
        "lender_answer", "answered_on", "prepayment_asked", "prepayment", "arrived_on", "delivered_on", "loan_due_on",
        "returned_on", "settlement", "settled_at", "statement", "refund_paid", "balance_paid",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("lending institution"))
    def lender_display(self, record):
        return record.lender_display

    @admin.display(description=_("the most the user will pay"))
    def max_amount_display(self, record):
        return format_money(record.max_amount, record.max_currency) or "—"

    @admin.display(description=_("prepayment asked for"))
    def prepayment_asked(self, record):
        if record.prepayment_requested is None:
            return "—"
        return _("%(amount)s, asked on %(date)s") % {
            "amount": format_money(record.prepayment_requested, record.prepayment_requested_currency),
            "date": library_date(record.prepayment_requested_at).isoformat(),
        }

    @admin.display(description=_("prepayment"))
    def prepayment(self, record):
        if record.prepaid_amount is None:
            return "—"
        return _("%(currency)s %(amount)s on %(date)s, receipt %(receipt)s") % {
            "currency": record.prepaid_currency,
            "amount": format_amount(record.prepaid_amount, record.prepaid_currency),
            "date": record.prepaid_on.isoformat(), "receipt": record.prepayment_receipt,
        }

    @admin.display(description=_("settlement"))
    def settlement(self, record):
        return settlement_summary(record)

    @admin.display(description=_("statement"))
    def statement(self, record):
        if not record.statement_pdf:
            return "—"
        url = reverse("admin:ill_illrequest_statement", args=[record.request_id])
        return format_html('<a href="{}">{}</a>', url, record.statement_filename)

    @admin.display(description=_("refund paid"))
    def refund_paid(self, record):
        payout = RefundPayout.objects.filter(borrowing=record).select_related("paid_by").first()
        if payout is None:
            return "—"
        return _("%(currency)s %(amount)s on %(date)s by %(who)s") % {
            "currency": payout.currency, "amount": format_amount(payout.amount, payout.currency),
            "date": payout.paid_on.isoformat(),
            "who": payout.paid_by.get_username() if payout.paid_by_id else "—",
        }

    @admin.display(description=_("balance paid"))
    def balance_paid(self, record):
        if record.balance_paid_on is None:
            return "—"
        return _("on %(date)s, receipt %(receipt)s") % {
            "date": record.balance_paid_on.isoformat(), "receipt": record.balance_receipt,
        }


@admin.register(CopyPolicy)
class CopyPolicyAdmin(admin.ModelAdmin):
    list_display = ["country", "copying_permitted", "deposit", "note_en", "note_ko", "updated_at"]
    list_filter = ["copying_permitted"]
    search_fields = ["country", "note_en", "note_ko"]
    fields = ["country", "copying_permitted", "note_en", "note_ko", ("deposit_amount", "deposit_currency")]

    @admin.display(description=_("deposit paid in advance"))
    def deposit(self, policy):
        return format_money(policy.deposit_amount, policy.deposit_currency) or "—"


@admin.register(PaymentInstruction)
class PaymentInstructionAdmin(admin.ModelAdmin):
    """How users in Korea pay in advance: shown on their request's page and in the emails that ask them to."""

    list_display = ["method", "details_ko", "details_en", "currency", "position", "is_active", "updated_at"]
    list_editable = ["position", "is_active"]
    list_filter = ["method", "is_active"]
    fields = ["method", "details_ko", "details_en", "currency", "position", "is_active"]

    def save_model(self, request, obj, form, change):
        """Given a way to pay, save it through the service, which emails the users it newly serves."""
        waiting = borrowing.save_payment_instruction(obj)
        if waiting:
            messages.info(request, ngettext(
                "%(count)d user asked to prepay is being emailed how to pay: %(references)s.",
                "%(count)d users asked to prepay are being emailed how to pay: %(references)s.",
                len(waiting),
            ) % {"count": len(waiting), "references": ", ".join(r.reference for r in waiting)})


@admin.register(RefundPayout)
class RefundPayoutAdmin(admin.ModelAdmin):
    """Refunds paid out, for the reports; recorded from the request's page, never edited."""

    list_display = ["borrowing", "amount_paid", "paid_on", "paid_by"]
    list_filter = ["currency", "paid_on"]
    date_hierarchy = "paid_on"
    list_select_related = ["borrowing__request", "paid_by"]
    fields = readonly_fields = ["borrowing", "amount", "currency", "paid_on", "paid_by", "recorded_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("amount"), ordering="amount")
    def amount_paid(self, payout):
        return format_money(payout.amount, payout.currency)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
