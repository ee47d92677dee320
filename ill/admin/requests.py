"""The ILL request in the admin: the staff's list, a request's page, its buttons and the fee schedules."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.exports import downloads
from nlk_portal.core.printing import pdf_response

from ..choices import BorrowingStep
from ..models import FeeSchedule, IllRequest, InternalNote
from ..selectors import history, queues
from ..selectors.reporting import request_listing
from ..services import workflow
from . import actions as admin_actions
from . import borrowing as admin_borrowing
from . import borrowing_steps, columns
from . import invoices as admin_invoices
from . import iso18626 as admin_iso18626
from .filters import AssignedFilter, CountryFilter, DueFilter, StatusFilter
from .forms import IllRequestAdminForm
from .inlines import InternalNoteInline, SentEmailInline, StatusChangeInline
from .paginator import LargeTablePaginator

# A search lists at most this many requests, sorted by due date.
MOST_MATCHES = 2000


def unindexed(term):
    """The same order in a form no index holds, so that PostgreSQL sorts the requests a search found
    rather than walking a whole index in search of them."""
    if not isinstance(term, str) or term.lstrip("-") in ("id", "pk"):
        return term
    name = term.lstrip("-")
    expression = Coalesce(name, name)
    return expression.desc() if term.startswith("-") else expression.asc()


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "effective_from",
        "currency",
        "copying_base_fee",
        "copying_base_pages",
        "copying_step_fee",
        "copying_step_pages",
        "shipping_fee",
    ]

    def has_delete_permission(self, request, obj=None):
        # Requests keep the schedule they were quoted with; a new date replaces a schedule.
        return obj is None or not obj.illrequest_set.exists()


def bulk(action):
    """A list action that runs a staff action on the chosen requests."""

    def run(model_admin, request, queryset):
        return model_admin.run_bulk_action(request, action, queryset)

    run.__name__ = action.name
    return admin.action(description=action.label, permissions=["change"])(run)


@admin.register(IllRequest)
class IllRequestAdmin(columns.WideList, downloads.ExportPermission, admin.ModelAdmin):
    form = IllRequestAdminForm
    change_form_template = "ill/admin/change_form.html"
    list_display = [
        "reference",
        columns.received,
        columns.due,
        columns.status,
        columns.library,
        columns.item,
        columns.pages,
        columns.estimated_fee,
        columns.assigned,
    ]
    # The lender of a borrowing is read per row shown (columns.with_lender), not joined.
    list_select_related = ["requesting_library", "assigned_to"]
    list_filter = [StatusFilter, "direction", DueFilter, CountryFilter, "service", AssignedFilter]
    search_fields = queues.SEARCHED_FIELDS
    search_help_text = _(
        "Reference, title, author, ISBN or ISSN, requesting library (any spelling), or the requester's name or email."
    )
    ordering = ["due_date", "id"]
    # Only what an index can sort: a million rows sorted by anything else would be read in full.
    sortable_by = ["reference", columns.received, columns.due]
    list_per_page = 50
    # No count of the whole table on every page view (see ill.admin.paginator).
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = LargeTablePaginator
    actions = [*(bulk(action) for action in admin_actions.ACTIONS), *downloads.export_actions(request_listing, "ill-requests")]
    autocomplete_fields = ["requesting_library"]
    readonly_fields = [
        "invoices",
        "reference",
        "status",
        "direction",
        "copyright_check",
        "iso18626_exchange",
        "received_at",
        "due_date",
        "loan_due_date",
        "item_type",
        "service",
        "delivery",
        "pages_wanted",
        "page_count",
        "pages_copied",
        "max_cost_usd",
        "notes",
        "confirms_published_in_korea",
        "confirms_not_available_elsewhere",
        "fee_schedule",
        "copying_fee",
        "shipping_fee",
        "currency",
        "submitted_by",
        "language",
        "updated_at",
        "updated_by_name",
        "personal_data_removed_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "status",
                    "direction",
                    ("received_at", "due_date", "loan_due_date"),
                    "assigned_to",
                    ("updated_at", "updated_by_name"),
                    "seen_version",
                ]
            },
        ),
        (
            _("Requester"),
            {
                "fields": [
                    "requesting_library", "contact_name", "email", "postal_address", "language", "submitted_by",
                    "personal_data_removed_at",
                ]
            },
        ),
        (
            _("Item"),
            {
                "fields": [
                    "item_type",
                    "title",
                    ("part_title", "part_author"),
                    ("article_title", "serial_title"),
                    ("volume", "issue"),
                    "author",
                    ("publisher", "place", "year"),
                    ("isbn", "issn"),
                    "nlk_number",
                    "citation_source",
                ]
            },
        ),
        (
            _("Service and copyright"),
            {
                "fields": [
                    ("service", "delivery"),
                    ("pages_wanted", "page_count"),
                    "total_pages",
                    "copyright_check",
                    "pages_copied",
                    "max_cost_usd",
                    "notes",
                    ("confirms_published_in_korea", "confirms_not_available_elsewhere"),
                ]
            },
        ),
        (_("ISO 18626"), {"fields": ["iso18626_exchange"]}),
        (_("Fee estimate"), {"fields": ["fee_schedule", ("copying_fee", "shipping_fee", "currency")]}),
        (_("Invoices"), {"fields": ["invoices"]}),
    ]
    inlines = [
        admin_borrowing.BorrowingInline,
        StatusChangeInline,
        InternalNoteInline,
        SentEmailInline,
        admin_iso18626.Iso18626MessageInline,
    ]

    class Media:
        css = {"all": ["ill/admin.css"]}

    @admin.display(description=_("updated by"))
    def updated_by_name(self, ill_request):
        return columns.updated_by(ill_request)

    @admin.display(description=_("invoices"))
    def invoices(self, ill_request):
        return admin_invoices.invoices_of(ill_request)

    @admin.display(description=_("copyright check"))
    def copyright_check(self, ill_request):
        return columns.copyright_check(ill_request)

    def get_queryset(self, request):
        return columns.with_lender(super().get_queryset(request))

    @admin.display(description=_("exchanged by ISO 18626"))
    def iso18626_exchange(self, ill_request):
        return admin_iso18626.transaction_summary(ill_request)

    # The list's search and the request's page.

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        # The trigram indexes are read once, for at most MOST_MATCHES requests; the list, its count
        # and its pages then work on those, so no search costs more than that however broad.
        found = list(queues.search(queryset, search_term).order_by().values_list("pk", flat=True)[: MOST_MATCHES + 1])
        if len(found) > MOST_MATCHES:
            found = found[:MOST_MATCHES]
            self.message_user(
                request,
                _("More than %(count)d requests match: the list shows %(count)d of them. Add a word or a filter.")
                % {"count": MOST_MATCHES},
                messages.WARNING,
            )
        # The search comes after the list's filters (ChangeList.get_queryset), so these are the list.
        request.ill_search_matches = len(found)
        return queryset.filter(pk__in=found).order_by(*map(unindexed, queryset.query.order_by)), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page,
            known_count=getattr(request, "ill_search_matches", None),
        )

    def get_object(self, request, object_id, from_field=None):
        queryset = self.get_queryset(request).select_related(
            "requesting_library", "assigned_to", "fee_schedule", "submitted_by", "updated_by",
            "iso18626__peer__institution",
        )
        try:
            return queryset.get(pk=IllRequest._meta.pk.to_python(object_id))
        except (IllRequest.DoesNotExist, ValidationError, ValueError):
            return None

    def history_view(self, request, object_id, extra_context=None):
        """The History button: the request's whole history in time order (status changes, notes, changes
        to figures money depends on, emails, and the admin's log of the request and its invoices)."""
        ill_request = self.get_object(request, unquote(object_id))
        if ill_request is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, ill_request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of %(reference)s") % {"reference": ill_request.reference},
            "subtitle": None,
            "entries": history.request_history(ill_request),
            "module_name": capfirst(self.opts.verbose_name_plural),
            "object": ill_request,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "ill/admin/request_history.html", context)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or not obj.is_borrowing:
            inlines = [i for i in inlines if not isinstance(i, admin_borrowing.BorrowingInline)]
        if obj is None or admin_iso18626.link_of(obj) is None:
            inlines = [i for i in inlines if not isinstance(i, admin_iso18626.Iso18626MessageInline)]
        return inlines

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.personal_data_removed_at:
            # Removed after its retention period: nothing personal is written back.
            return [*fields, "contact_name", "email", "postal_address"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_borrowing:
            # NLK's own fees and invoices are for what it supplies; a borrowing is settled instead.
            fieldsets = [f for f in fieldsets if f[0] not in (_("Fee estimate"), _("Invoices"))]
        if obj is None or admin_iso18626.link_of(obj) is None:
            fieldsets = [f for f in fieldsets if f[0] != _("ISO 18626")]
        return fieldsets

    def has_add_permission(self, request):
        # A request gets its reference, fee estimate and due date from ill.services.submission.submit_request,
        # which the request form calls; staff enter a request sent by email through that form.
        return False

    def has_delete_permission(self, request, obj=None):
        # Requests and their history are the library's record; a request is cancelled, never deleted.
        return False

    def save_model(self, request, obj, form, change):
        fields = [name for name in form.changed_data if name != "seen_version"]
        workflow.save_staff_edit(obj, fields, by=request.user)

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            if isinstance(note, InternalNote) and note.author_id is None:
                note.author = request.user
            note.save()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["staff_actions"] = admin_actions.available(obj, request.user)
            context["borrowing_steps"] = borrowing_steps.available_steps(obj)
            context["ask_prepayment_notice"] = borrowing_steps.ask_prepayment_notice(obj, context["borrowing_steps"])
            context["ask_prepayment_step"] = BorrowingStep.ASK_PREPAYMENT
            context["iso18626_cancels"] = admin_iso18626.has_cancel_requests(obj)
            context["iso18626_refused"] = admin_iso18626.refused_notice(obj)
            context["due_html"] = columns.due(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Staff actions: buttons on a request's page and bulk actions on the list.

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_staff_action"
        view = self.admin_site.admin_view(self.staff_action_view)
        step_view = self.admin_site.admin_view(self.borrowing_step_view)
        return [
            path("<path:object_id>/act/<slug:action_name>/", view, name=name),
            path(
                "<path:object_id>/borrowing/statement.pdf",
                self.admin_site.admin_view(self.statement_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_statement",
            ),
            path(
                "<path:object_id>/iso18626/cancel/",
                self.admin_site.admin_view(self.iso18626_cancel_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_iso18626_cancel",
            ),
            path(
                "<path:object_id>/iso18626/refused/",
                self.admin_site.admin_view(self.iso18626_refused_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_iso18626_refused",
            ),
            path(
                "<path:object_id>/borrowing/<slug:step_name>/",
                step_view,
                name=f"{self.opts.app_label}_{self.opts.model_name}_borrowing_step",
            ),
            *super().get_urls(),
        ]

    def statement_view(self, request, object_id):
        ill_request = self.get_object(request, unquote(object_id))
        if ill_request is None or not self.has_view_permission(request, ill_request):
            raise Http404
        record = getattr(ill_request, "borrowing", None) if ill_request.is_borrowing else None
        if record is None or not record.statement_pdf:
            raise Http404
        return pdf_response(record.statement_pdf, record.statement_filename)

    def borrowing_step_view(self, request, object_id, step_name):
        step = borrowing_steps.step_named(step_name)
        ill_request = self.get_object(request, unquote(object_id))
        if step is None or ill_request is None or not ill_request.is_borrowing:
            raise Http404
        if not self.has_change_permission(request, ill_request):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[ill_request.pk])
        return borrowing_steps.step_view(request, self, ill_request, step, change_url)

    def iso18626_cancel_view(self, request, object_id):
        ill_request, change_url = self._request_to_change(request, object_id)
        return admin_iso18626.cancel_view(request, self, ill_request, change_url)

    def iso18626_refused_view(self, request, object_id):
        ill_request, change_url = self._request_to_change(request, object_id)
        return admin_iso18626.refused_view(request, ill_request, change_url)

    def _request_to_change(self, request, object_id):
        """The request of a page that changes it, and its change page's URL; 404 or 403 as Django's admin answers."""
        ill_request = self.get_object(request, unquote(object_id))
        if ill_request is None:
            raise Http404
        if not self.has_change_permission(request, ill_request):
            raise PermissionDenied
        return ill_request, reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[ill_request.pk])

    def staff_action_view(self, request, object_id, action_name):
        action = admin_actions.BY_NAME.get(action_name)
        ill_request = self.get_object(request, unquote(object_id))
        if action is None or ill_request is None:
            raise Http404
        if not self.has_change_permission(request, ill_request):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[ill_request.pk])
        return admin_actions.on_one_request(request, self, ill_request, action, change_url)

    def run_bulk_action(self, request, action, queryset):
        if request.POST.get("select_across") != "1":
            # The requests ticked, even one that has left the list's filter since someone else changed
            # it: the workflow then says why it cannot move, rather than the request being skipped unseen.
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            queryset = self.get_queryset(request).filter(pk__in=selected).order_by(*self.ordering)
        requests = list(queryset.select_related("requesting_library")[: admin_actions.MAX_BULK + 1])
        return admin_actions.on_chosen_requests(request, self, action, requests)
