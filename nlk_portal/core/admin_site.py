"""The admin site: Django's own, refusing the query strings on which Django's admin views fail, and asking
staff who must use two-factor sign-in (two_factor.py) for their code before any page."""

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import user_has_device

from . import two_factor, two_factor_views
from .posted import posted_number

ViewT = TypeVar("ViewT", bound=Callable[..., Any])

# A list's date drill-down (date_hierarchy) reads <field>__year, __month and __day as whole numbers and
# builds a date a day, a month or a year on, in the time zone: 1 or 9999 overflow, as does any long number.
DRILL_DOWN = re.compile(r"__(?P<part>year|month|day)$")
DRILL_DOWN_RANGE = {"year": (2, 9998), "month": (1, 12), "day": (1, 31)}


def check_admin_query(request: HttpRequest, model: type[models.Model] | None = None) -> None:
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
            number = posted_number(value, max_digits=4)
            if number is None or not low <= number <= high:
                raise BadRequest(f"{name} is not a {match['part']} the list can show.")
    if model is not None and request.method == "POST":
        check_selected_rows(request.POST.getlist(ACTION_CHECKBOX_NAME), model._meta.pk)


def check_selected_rows(selected: list[str], pk: "models.Field[Any, Any]") -> None:
    for value in selected:
        try:
            pk.run_validators(pk.to_python(value))
        except ValidationError:
            raise BadRequest(f"{ACTION_CHECKBOX_NAME} holds {value[:50]!r}, which is not a row's id.") from None


class PortalAdminSite(admin.AdminSite):
    """The default admin site (nlk_portal.apps.PortalAdminConfig): every admin view, Django's own
    included, checks its query string first, and a model's views the rows a list action is sent for.
    A session that owes a one-time code is sent to give it (or to set up an app) from every view but
    signing out, whatever the method, before the view runs."""

    def admin_view(self, view: ViewT, cacheable: bool = False) -> ViewT:
        protected = super().admin_view(view, cacheable)
        model = getattr(getattr(view, "__self__", None), "model", None)
        signing_out = getattr(view, "__self__", None) is self and view.__name__ == "logout"

        @wraps(protected)
        def checked(request: two_factor.OtpRequest, *args: Any, **kwargs: Any) -> Any:
            check_admin_query(request, model)
            if not signing_out and self.has_permission(request) and two_factor.session_must_verify(request):
                return self.two_factor_redirect(request)
            return protected(request, *args, **kwargs)

        return cast(ViewT, checked)

    def two_factor_redirect(self, request: HttpRequest) -> HttpResponseBase:
        step = "two_factor_verify" if user_has_device(request.user) else "two_factor_setup"
        return redirect(
            two_factor_views.with_next(reverse(f"admin:{step}", current_app=self.name), request.get_full_path())
        )

    def two_factor_view(
        self, view: Callable[[Any, admin.AdminSite], HttpResponseBase]
    ) -> Callable[[HttpRequest], HttpResponseBase]:
        """One of the two-factor pages: for active staff signed in with their password, code given or not."""

        def page(request: HttpRequest) -> HttpResponseBase:
            check_admin_query(request)
            if not self.has_permission(request):
                return redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=self.name))
            return view(request, self)

        return csrf_protect(never_cache(page))

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return [
            path("two-factor/", self.two_factor_view(two_factor_views.verify), name="two_factor_verify"),
            path("two-factor/setup/", self.two_factor_view(two_factor_views.setup), name="two_factor_setup"),
            path(
                "two-factor/recovery-codes/",
                self.two_factor_view(two_factor_views.recovery_codes),
                name="two_factor_recovery_codes",
            ),
            *super().get_urls(),
        ]
