"""The admin's two-factor pages: give a code after the password, set up an authenticator app, recovery codes.

Each view takes the request and the admin site (PortalAdminSite.get_urls adds them under /admin/two-factor/);
the site lets only active staff in, and these pages are the ones a session that still owes a code may open.
"""

import math
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin import AdminSite
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.models import Device

from . import two_factor
from .two_factor import OtpRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# The codes just made, shown once by the next page and then forgotten.
NEW_CODES_SESSION_KEY = "staff_two_factor_new_codes"


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_otp_token(self) -> str:
        token = "".join(self.cleaned_data["otp_token"].split())
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Enter the six digits your authenticator app shows."))
        return token


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", "size": 12}
        ),
    )

    def clean_recovery_code(self) -> str:
        return two_factor.normalised_recovery_code(self.cleaned_data["recovery_code"])


WRONG_CODE = _("That code is not right. Check the time on your phone and try again, or use a recovery code.")
WRONG_RECOVERY_CODE = _("That recovery code is not right, or it has been used.")


def check_code(device: Device, token: str, form: forms.Form, field: str, wrong: "StrPromise") -> Device | None:
    """Verify `token` on `device`, throttled by django-otp (1, 2, 4, 8... seconds after each failure):
    the device that accepted it, or None with the reason on `form`."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            wait = max(1, math.ceil(((extra or {}).get("locked_until", timezone.now()) - timezone.now()).total_seconds()))
            form.add_error(
                field,
                ngettext(
                    "Too many wrong codes: wait %(seconds)d second and try again.",
                    "Too many wrong codes: wait %(seconds)d seconds and try again.",
                    wait,
                )
                % {"seconds": wait},
            )
            return None
        if device.verify_token(token):
            return device
    form.add_error(field, wrong)
    return None


def next_url(request: HttpRequest, site: AdminSite) -> str:
    """Where to go once the code is given: the page asked for, if it is on this site, else the admin's index."""
    target = request.POST.get("next", request.GET.get("next", ""))
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index", current_app=site.name)


def with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}"


def page_context(request: HttpRequest, site: AdminSite, **extra: Any) -> dict[str, Any]:
    """The admin's frame, without the list of the admin's models a session owing a code may not open yet."""
    return {
        **site.each_context(request),
        "available_apps": [],
        "is_nav_sidebar_enabled": False,
        "next": next_url(request, site),
        **extra,
    }


def verify(request: OtpRequest, site: AdminSite) -> HttpResponseBase:
    """Give a code from the authenticator app, or a recovery code, after the password."""
    user = request.user
    target = next_url(request, site)
    if user.is_verified():
        return HttpResponseRedirect(target)
    totp = two_factor.confirmed_totp_device(user)
    recovery = two_factor.recovery_device(user)
    if totp is None and recovery is None:
        return redirect(with_next(reverse("admin:two_factor_setup", current_app=site.name), target))
    token_form = TokenForm()
    recovery_form = RecoveryCodeForm()
    if request.method == "POST":
        device = None
        if "recovery_code" in request.POST:
            recovery_form = RecoveryCodeForm(request.POST)
            if recovery is not None and recovery_form.is_valid():
                code = recovery_form.cleaned_data["recovery_code"]
                device = check_code(recovery, code, recovery_form, "recovery_code", WRONG_RECOVERY_CODE)
            elif recovery is None:
                recovery_form.add_error(None, WRONG_RECOVERY_CODE)
        else:
            token_form = TokenForm(request.POST)
            if totp is not None and token_form.is_valid():
                device = check_code(totp, token_form.cleaned_data["otp_token"], token_form, "otp_token", WRONG_CODE)
            elif totp is None:
                token_form.add_error(None, WRONG_CODE)
        if device is not None:
            otp_login(request, device)
            request.session[two_factor.SESSION_KEY] = True
            return HttpResponseRedirect(target)
    return TemplateResponse(
        request,
        "admin/two_factor/verify.html",
        page_context(
            request,
            site,
            title=_("Two-factor sign-in"),
            token_form=token_form if totp is not None else None,
            recovery_form=recovery_form if recovery is not None else None,
            codes_left=recovery.token_set.count() if recovery is not None else 0,
        ),
    )


def setup(request: OtpRequest, site: AdminSite) -> HttpResponseBase:
    """Set up an authenticator app: its key as a QR code and as text, confirmed by a first code; then ten
    recovery codes. Replacing an app asks for a code first, so the password alone never adds one."""
    user = request.user
    target = next_url(request, site)
    has_device = user_has_device(user)
    if has_device and not user.is_verified():
        return redirect(with_next(reverse("admin:two_factor_verify", current_app=site.name), target))
    device = two_factor.pending_totp_device(user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        confirmed = check_code(device, form.cleaned_data["otp_token"], form, "otp_token", WRONG_CODE)
        if confirmed is not None:
            two_factor.confirm_totp_device(confirmed)
            codes = two_factor.new_recovery_codes(user)
            otp_login(request, confirmed)
            request.session[two_factor.SESSION_KEY] = True
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(with_next(reverse("admin:two_factor_recovery_codes", current_app=site.name), target))
    uri = device.config_url
    return TemplateResponse(
        request,
        "admin/two_factor/setup.html",
        page_context(
            request,
            site,
            title=_("Set up two-factor sign-in"),
            form=form,
            replacing=has_device,
            required=two_factor.required_by_role(user),
            otpauth_uri=uri,
            secret=two_factor.secret_of(device),
            # Made here from the URI alone: the path of the code's squares, nothing anyone typed.
            qr_svg=mark_safe(two_factor.qr_svg(uri)),
        ),
    )


def recovery_codes(request: OtpRequest, site: AdminSite) -> HttpResponseBase:
    """The recovery codes just made, shown this once; a verified session may make new ones, replacing them."""
    user = request.user
    target = next_url(request, site)
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if request.method == "POST":
        if not user.is_verified():
            return redirect(with_next(reverse("admin:two_factor_verify", current_app=site.name), target))
        codes = two_factor.new_recovery_codes(user)
    recovery = two_factor.recovery_device(user)
    return TemplateResponse(
        request,
        "admin/two_factor/recovery_codes.html",
        page_context(
            request,
            site,
            title=_("Recovery codes"),
            codes=codes,
            codes_left=recovery.token_set.count() if recovery is not None else 0,
            can_make_new=user.is_verified(),
        ),
    )
