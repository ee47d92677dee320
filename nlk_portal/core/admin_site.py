"""The admin site: Django's own, refusing the query strings on which Django's admin views fail."""

import re
from functools import wraps

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import TO_FIELD_VAR
from django.core.exceptions import BadRequest, ValidationError

# A list's date drill-down (date_hierarchy) reads <field>__year, __month and __day as whole numbers and
# builds a date a day, a month or a year on, in the time zone: 1 or 9999 overflow, as does any long number.
DRILL_DOWN = re.compile(r"__(?P<part>year|month|day)$")
DRILL_DOWN_RANGE = {"year": (2, 9998), "month": (1, 12), "day": (1, 31)}


def check_admin_query(request, model=None):
    """Raise BadRequest for what the admin would answer with a server error: an empty _to_field (the
    change and delete pages look up a field named ""), a date drill-down out of range, or a list action
    on rows whose ids are none of `model`'s (the list filters its rows by them as they came)."""
    for query in (request.GET, request.POST if request.method == "POST" else None):
        if query is not None and TO_FIELD_VAR in query and not all(query.getlist(TO_FIELD_VAR)):
            raise BadRequest(f"{TO_FIELD_VAR} names no field.")
    for name, values in request.GET.lists():
        match = DRILL_DOWN.search(name)
        if match is None:
            continue
        low, high = DRILL_DOWN_RANGE[match["part"]]
        for value in values:
            if not (value.isascii() and value.isdecimal() and len(value) <= 4 and low <= int(value) <= high):
                raise BadRequest(f"{name} is not a {match['part']} the list can show.")
    if model is not None and request.method == "POST":
        check_selected_rows(request.POST.getlist(ACTION_CHECKBOX_NAME), model._meta.pk)


def check_selected_rows(selected, pk):
    for value in selected:
        try:
            pk.run_validators(pk.to_python(value))
        except ValidationError:
            raise BadRequest(f"{ACTION_CHECKBOX_NAME} holds {value[:50]!r}, which is not a row's id.") from None


class PortalAdminSite(admin.AdminSite):
    """The default admin site (nlk_portal.apps.PortalAdminConfig): every admin view, Django's own
    included, checks its query string first, and a model's views the rows a list action is sent for."""

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)
        model = getattr(getattr(view, "__self__", None), "model", None)

        @wraps(protected)
        def checked(request, *args, **kwargs):
            check_admin_query(request, model)
            return protected(request, *args, **kwargs)

        return checked
