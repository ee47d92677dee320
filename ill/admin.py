from django.contrib import admin

from .models import FeeSchedule, IllRequest, SentEmail, StatusChange


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


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ["changed_at", "from_status", "to_status", "changed_by", "reason", "note"]

    def has_add_permission(self, request, obj=None):
        # Changes go through ill.workflow.do_transition, which checks them.
        return False


class SentEmailInline(admin.TabularInline):
    model = SentEmail
    extra = 0
    can_delete = False
    fields = readonly_fields = ["kind", "recipient", "subject", "status", "attempts", "sent_at", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IllRequest)
class IllRequestAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "display_title",
        "requesting_library",
        "status",
        "service",
        "delivery",
        "received_at",
        "due_date",
        "copyright_check_needed",
        "assigned_to",
    ]
    list_filter = ["status", "service", "delivery", "copyright_check_needed", "direction", "due_date"]
    search_fields = [
        "reference",
        "title",
        "article_title",
        "serial_title",
        "requesting_library__name_en",
        "contact_name",
        "email",
    ]
    date_hierarchy = "received_at"
    list_select_related = ["requesting_library", "assigned_to"]
    autocomplete_fields = ["requesting_library", "assigned_to"]
    readonly_fields = [
        "reference",
        "status",
        "received_at",
        "due_date",
        "fee_schedule",
        "copying_fee",
        "shipping_fee",
        "currency",
        "page_count",
        "submitted_by",
        "language",
    ]
    inlines = [StatusChangeInline, SentEmailInline]
from . import admin_invoices  # noqa: E402,F401  (invoices, payments, background tasks)
