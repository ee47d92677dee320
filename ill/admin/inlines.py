"""What a request's page shows beneath it: its history, the staff's notes and the emails sent."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.roles import staff_name

from ..models import InternalNote, SentEmail, StatusChange


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    verbose_name_plural = _("history")
    fields = readonly_fields = ["changed_at", "from_status", "to_status", "by", "reason_text", "note"]

    def get_queryset(self, request):
        # The request is named in each row's caption.
        return super().get_queryset(request).select_related("changed_by", "request")

    def has_add_permission(self, request, obj=None):
        # Changes go through ill.services.workflow.do_transition, which checks them.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("by"))
    def by(self, change):
        return staff_name(change.changed_by) if change.changed_by_id else "—"

    @admin.display(description=_("reason"))
    def reason_text(self, change):
        return change.reason_text


class NotesInWords(BaseInlineFormSet):
    """The request's notes with those the portal wrote put in the reader's language. The notes already there
    are only shown (InternalNoteInline gives no change permission), so the words put in them are never saved."""

    def get_queryset(self):
        if not hasattr(self, "_notes"):
            self._notes = list(super().get_queryset())
            for note in self._notes:
                note.text = note.shown_text
        return self._notes


class InternalNoteInline(admin.TabularInline):
    """Notes staff keep for each other; never shown to the requester. Written once, never edited."""

    model = InternalNote
    formset = NotesInWords
    extra = 1
    can_delete = False
    fields = ["created_at", "by", "text"]
    readonly_fields = ["created_at", "by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("by"))
    def by(self, note):
        return staff_name(note.author) if note.author_id else "—"


class SentEmailInline(admin.TabularInline):
    model = SentEmail
    extra = 0
    can_delete = False
    verbose_name_plural = _("messages sent to the requester")
    fields = readonly_fields = ["created_at", "kind", "recipient", "subject", "status", "attempts", "sent_at", "error"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("request")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
