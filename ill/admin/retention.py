"""The record of each removal of personal data past its retention period, for staff to look back on."""

from django.contrib import admin

from ..models import PersonalDataPurge

COUNTS = [
    "requests",
    "borrowings",
    "status_notes",
    "internal_notes",
    "iso18626_transactions",
    "iso18626_messages",
    "sent_emails",
    "outbox_entries",
    "admin_log_entries",
    "login_records",
]


@admin.register(PersonalDataPurge)
class PersonalDataPurgeAdmin(admin.ModelAdmin):
    """Each purge (daily, or `manage.py purge_personal_data`): when, whether it only counted, and how many of
    each kind. Read only."""

    list_display = ["started_at", "dry_run", *COUNTS]
    list_filter = ["dry_run"]
    date_hierarchy = "started_at"
    fields = readonly_fields = [
        "started_at", "finished_at", "dry_run", "retention_days", "login_retention_days", *COUNTS,
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
