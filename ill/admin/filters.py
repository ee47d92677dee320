"""The filters of the staff's request list; each one is served by an index (see IllRequest.Meta)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from ..selectors import queues
from ..status import Status


class StatusFilter(admin.SimpleListFilter):
    """Open requests unless staff ask otherwise; a search looks through all of them."""

    title = _("status")
    parameter_name = "status"

    def __init__(self, request, params, model, model_admin):
        self.searching = bool(request.GET.get("q"))
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("closed", _("Closed")), ("all", _("All")), *Status.choices]

    def effective_value(self):
        return self.value() or ("all" if self.searching else "open")

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.effective_value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.effective_value()
        if value == "open":
            return queues.open_requests(queryset)
        if value == "closed":
            return queues.closed_requests(queryset)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class DueFilter(admin.SimpleListFilter):
    title = _("due date")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            # Past the processing due date; the status “Overdue” is a loan not returned in time.
            ("overdue", pgettext_lazy("past the due date", "Overdue")),
            ("soon", _("Due within %(days)s days") % {"days": queues.DUE_SOON_DAYS}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queues.overdue(queryset)
        if self.value() == "soon":
            return queues.due_soon(queryset)
        return queryset


class CountryFilter(admin.SimpleListFilter):
    title = _("country of the requesting library")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = queues.countries_with_requests()
        return sorted(((code, countries.name(code)) for code in codes), key=lambda pair: str(pair[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(requesting_library__country=self.value())
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("nobody", _("Nobody (unassigned)"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset
