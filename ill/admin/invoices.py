"""Staff's view of invoices and the payments recorded against them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nlk_portal.core.money import format_money
from nlk_portal.core.printing import pdf_response

from ..models import Invoice, InvoiceLine, Payment
from ..services import invoices


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ["kind", "pages", "amount"]

    def has_add_permission(self, request, obj=None):
        # Lines are fixed by ill.services.invoices from the fee schedule.
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["amount", "received_on", "receipt_number"]

    def clean(self):
        cleaned = super().clean()
        try:
            invoices.check_payment(self.instance.invoice, cleaned.get("amount"), cleaned.get("received_on"))
        except ValidationError as error:
            raise ValidationError(error.messages)
        return cleaned


def _payment_fields(payment_form):
    return {name: payment_form.cleaned_data[name] for name in PaymentForm.Meta.fields}


class PaymentInline(admin.TabularInline):
    """Cash received: recorded once, as on the receipt, never edited afterwards."""

    model = Payment
    form = PaymentForm
    extra = 0
    can_delete = False
    fields = ["amount", "currency", "received_on", "receipt_number", "recorded_by", "recorded_at"]
    readonly_fields = ["currency", "recorded_by", "recorded_at"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None and obj.status == Invoice.State.OPEN else 0

    def has_change_permission(self, request, obj=None):
        return False


def invoices_of(ill_request):
    """The request's invoices, linked, for its page in the admin (read-only: they change on their own page)."""
    rows = [
        format_html(
            '<li><a href="{}">{}</a> · {} · {} {} · {}</li>',
            reverse("admin:ill_invoice_change", args=[invoice.pk]),
            invoice.number,
            invoice.issued_on,
            invoice.currency,
            invoice.total,
            invoice.get_status_display(),
        )
        for invoice in ill_request.invoices.all()
    ]
    if not rows:
        return _("No invoice yet.")
    return format_html("<ul class=\"mb-0\">{}</ul>", format_html("".join(["{}"] * len(rows)), *rows))


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "request_link", "library", "issued_on", "amount", "status", "download"]
    list_filter = ["status", "issued_on"]
    search_fields = [
        "number",
        "request__reference",
        "request__requesting_library__name_en",
        "request__requesting_library__name_ko",
    ]
    date_hierarchy = "issued_on"
    list_select_related = ["request__requesting_library"]
    fields = readonly_fields = [
        "number",
        "request_link",
        "library",
        "issued_on",
        "amount",
        "balance",
        "fee_schedule",
        "status",
        "download",
        "pdf_rendered_at",
        "reminded_at",
        "voided_at",
        "voided_by",
    ]
    inlines = [InvoiceLineInline, PaymentInline]
    actions = ["void_invoices", "render_pdfs_again", "issue_replacements"]

    def has_add_permission(self, request):
        # Invoices are issued by the fee finalisation when a request is supplied.
        return False

    def has_delete_permission(self, request, obj=None):
        # A mistaken invoice is voided and keeps its number.
        return False

    def get_urls(self):
        download = self.admin_site.admin_view(self.pdf_view)
        return [path("<int:object_id>/pdf/", download, name="ill_invoice_pdf")] + super().get_urls()

    def pdf_view(self, request, object_id):
        invoice = get_object_or_404(Invoice, pk=object_id)
        if not self.has_view_permission(request, invoice):
            raise PermissionDenied
        if not invoice.pdf:
            raise Http404(_("This invoice has no PDF yet."))
        return pdf_response(invoice.pdf, invoice.filename)

    @admin.display(description=_("ILL request"), ordering="request__reference")
    def request_link(self, obj):
        url = reverse("admin:ill_illrequest_change", args=[obj.request_id])
        return format_html('<a href="{}">{}</a>', url, obj.request.reference)

    @admin.display(description=_("requesting library"))
    def library(self, obj):
        return obj.request.requesting_library

    @admin.display(description=_("total"), ordering="total")
    def amount(self, obj):
        return format_money(obj.total, obj.currency)

    @admin.display(description=_("balance due"))
    def balance(self, obj):
        return format_money(obj.balance_due, obj.currency)

    @admin.display(description=_("PDF"))
    def download(self, obj):
        if not obj.pdf:
            return _("not yet made")
        return format_html('<a href="{}">{}</a>', reverse("admin:ill_invoice_pdf", args=[obj.pk]), obj.filename)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Payment:
            return super().save_formset(request, form, formset, change)
        # Payments go through ill.services.invoices, which settles the invoice once nothing is due.
        formset.new_objects = [
            invoices.record_payment(form.instance, **_payment_fields(payment_form), by=request.user)
            for payment_form in formset.extra_forms
            if payment_form.has_changed()
        ]
        formset.changed_objects, formset.deleted_objects = [], []

    @admin.action(description=_("Void the selected invoices (they keep their numbers)"), permissions=["change"])
    def void_invoices(self, request, queryset):
        count = self._each(request, queryset, lambda invoice: invoices.void(invoice, by=request.user))
        if count:
            self.message_user(
                request, ngettext("Voided %(count)d invoice.", "Voided %(count)d invoices.", count) % {"count": count}
            )

    @admin.action(description=_("Make the missing PDFs again"), permissions=["change"])
    def render_pdfs_again(self, request, queryset):
        count = invoices.render_again(queryset)
        self.message_user(
            request,
            ngettext("%(count)d PDF will be made again.", "%(count)d PDFs will be made again.", count)
            % {"count": count},
        )

    @admin.action(description=_("Issue a new invoice in place of the selected void ones"), permissions=["change"])
    def issue_replacements(self, request, queryset):
        count = self._each(request, queryset, invoices.reissue)
        if count:
            self.message_user(
                request,
                ngettext(
                    "A new invoice will be issued for %(count)d request.",
                    "New invoices will be issued for %(count)d requests.",
                    count,
                )
                % {"count": count},
            )

    def _each(self, request, queryset, action):
        done = 0
        for invoice in queryset:
            try:
                action(invoice)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{invoice.number}: {' '.join(error.messages)}", messages.ERROR)
        return done
