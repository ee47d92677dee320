"""The forms staff fill in in the admin: the request itself, and what each action needs to know."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nlk_portal.core import roles
from nlk_portal.core.calendar import library_today

from ..models import MAX_TEXT, IllRequest
from ..rules import copyright, terms
from ..services import workflow
from ..status import UnfilledReason


class IllRequestAdminForm(forms.ModelForm):
    # The version the staff member opened; saving is refused if the request has moved on since.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IllRequest
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version
        if "assigned_to" in self.fields:
            self.fields["assigned_to"].queryset = roles.assignable_staff()
            self.fields["assigned_to"].label_from_instance = roles.staff_name

    def clean_total_pages(self):
        total = self.cleaned_data.get("total_pages")
        if total is not None and self.instance.is_copy and self.instance.pages_wanted:
            try:
                copyright.check_copy_limit(self.instance.pages_wanted, total)
            except ValidationError as error:
                # A copy over the limit is a fact to record; pages past the item's end are a typing error.
                if error.code == "beyond_item":
                    raise
        return total

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # The admin saves inside this same transaction, so the lock holds until the save.
            workflow.lock(self.instance, cleaned.get("seen_version"))
        return cleaned


class StaffActionForm(forms.Form):
    """An action on one request (its page) or several (the list); fields per request are named by pk."""

    note = forms.CharField(
        label=_("Message to the requester"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Optional. The requester reads it on the tracking page and in the status email."),
    )
    per_request_name = None

    def __init__(self, data=None, *, requests):
        super().__init__(data)
        self.requests = list(requests)
        self.common_names = list(self.fields)
        for ill_request in self.requests:
            field = self.field_for(ill_request)
            if field is not None:
                self.fields[f"{self.per_request_name}_{ill_request.pk}"] = field

    def field_for(self, ill_request):
        return None

    @property
    def needs_input(self):
        return any(field.required for field in self.fields.values())

    def common_fields(self):
        return [self[name] for name in self.common_names]

    def rows(self):
        """Each request with its own field, if it needs one."""
        for ill_request in self.requests:
            name = f"{self.per_request_name}_{ill_request.pk}"
            yield ill_request, (self[name] if name in self.fields else None)

    def per_request_value(self, ill_request):
        return self.cleaned_data.get(f"{self.per_request_name}_{ill_request.pk}")

    def transition_options(self, ill_request):
        return {"note": self.cleaned_data.get("note", "")}


class AssignForm(StaffActionForm):
    note = None


class AskRequesterForm(StaffActionForm):
    note = forms.CharField(
        label=_("What the requester must send or decide"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Emailed to the requester and shown on the tracking page."),
    )


class UnfilledForm(StaffActionForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=UnfilledReason.choices)
    field_order = ["reason", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _(
            "Required for “Other reason”. The requester reads it on the tracking page and in the email."
        )

    def transition_options(self, ill_request):
        return {**super().transition_options(ill_request), "reason": self.cleaned_data["reason"]}


class WillSupplyForm(StaffActionForm):
    """A copy needs the one-third check first: where the item's total is unknown, staff give it here."""

    per_request_name = "total_pages"

    def field_for(self, ill_request):
        if not ill_request.is_copy or ill_request.total_pages is not None or ill_request.is_borrowing:
            return None
        return forms.IntegerField(
            label=_("Total pages of the item %(reference)s") % {"reference": ill_request.reference},
            min_value=1,
            max_value=copyright.MAX_PAGES,
            help_text=_("Pages wanted: %(pages)s") % {"pages": ill_request.pages_wanted},
        )

    def transition_options(self, ill_request):
        return {**super().transition_options(ill_request), "total_pages": self.per_request_value(ill_request)}


class CopyCompletedForm(StaffActionForm):
    per_request_name = "pages_copied"

    def field_for(self, ill_request):
        # NLK counts the pages it copies; a copy from a lending library abroad is not counted here.
        if ill_request.is_borrowing:
            return None
        return forms.IntegerField(
            label=_("Pages actually copied for %(reference)s") % {"reference": ill_request.reference},
            min_value=1,
            max_value=copyright.MAX_PAGES,
            initial=ill_request.page_count,
            help_text=_("Asked for: %(pages)s") % {"pages": ill_request.pages_wanted},
        )

    def transition_options(self, ill_request):
        return {**super().transition_options(ill_request), "pages_copied": self.per_request_value(ill_request)}


class LoanedForm(StaffActionForm):
    """A loan sent: staff give the date it is due back, which the requester and its system are told."""

    per_request_name = "loan_due_date"

    def field_for(self, ill_request):
        if ill_request.is_borrowing:
            return None
        return forms.DateField(
            label=_("Due back for %(reference)s") % {"reference": ill_request.reference},
            initial=terms.loan_due_date(library_today(), settings.ILL_LOAN_DAYS),
            widget=forms.DateInput(attrs={"type": "date"}),
            help_text=terms.LOAN_PERIOD_UNSTATED_TEXT % {"days": settings.ILL_LOAN_DAYS},
        )

    def clean(self):
        cleaned = super().clean()
        today = library_today()
        for ill_request in self.requests:
            name = f"{self.per_request_name}_{ill_request.pk}"
            if cleaned.get(name) is not None and cleaned[name] <= today:
                self.add_error(name, _("The loan must be due back after today."))
        return cleaned

    def transition_options(self, ill_request):
        return {**super().transition_options(ill_request), "loan_due_date": self.per_request_value(ill_request)}
