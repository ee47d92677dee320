"""The admin site: Django's own, refusing the query strings on which Django's admin views fail."""

import re
from functools import wraps

from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR
from django.core.exceptions import BadRequest

# A list's date drill-down (date_hierarchy) reads <field>__year, __month and __day as whole numbers and
# builds a date a day, a month or a year on, in the time zone: 1 or 9999 overflow, as does any long number.
DRILL_DOWN = re.compile(r"__(?P<part>year|month|day)$")
DRILL_DOWN_RANGE = {"year": (2, 9998), "month": (1, 12), "day": (1, 31)}


def check_admin_query(request):
    """Raise BadRequest for what the admin would answer with a server error: an empty _to_field (the
    change and delete pages look up a field named "") or a date drill-down out of range."""
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


class PortalAdminSite(admin.AdminSite):
    """The default admin site (nlk_portal.apps.PortalAdminConfig): every admin view, Django's own
    included, checks its query string first."""

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        @wraps(protected)
        def checked(request, *args, **kwargs):
            check_admin_query(request)
            return protected(request, *args, **kwargs)

        return checked
