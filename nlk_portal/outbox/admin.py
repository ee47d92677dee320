"""The outbox in the admin: what waits for the broker, what failed, and a way to run it again."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import dispatch
from .models import OutboxEntry


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    """Emails and invoices on their way: what waits for the broker, what failed, and a way to run it again."""

    list_display = ["created_at", "task_name", "args", "state", "attempts", "short_error", "updated_at"]
    list_filter = ["state", "task_name"]
    # A request id from the logs finds the tasks that request asked for.
    search_fields = ["task_name", "error", "=request_id"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "task_name",
        "args",
        "state",
        "attempts",
        "error",
        "task_id",
        "request_id",
        "created_at",
        "handed_over_at",
        "updated_at",
    ]
    actions = ["run_again"]

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.error[:120]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Finished rows are removed by the sweep after a while; the rest are evidence.
        return False

    @admin.action(description=_("Run the selected tasks again"), permissions=["change"])
    def run_again(self, request, queryset):
        count = dispatch.run_again(queryset)
        self.message_user(
            request,
            ngettext("%(count)d task will run again.", "%(count)d tasks will run again.", count)
            % {"count": count},
        )
