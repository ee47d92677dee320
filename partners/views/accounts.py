"""The account pages: registration, confirmation, logging in and out, and new passwords by email."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from nlk_portal.core.language import korean_first

from .. import lockouts
from ..forms import (
    EmailAddressForm,
    EmailLoginForm,
    LibrarianRegistrationForm,
    LibraryUserRegistrationForm,
    StaffPasswordResetForm,
)
from ..selectors.accounts import is_library_user
from ..services import accounts


def register_rate(group, request):
    return settings.ACCOUNTS_REGISTER_RATE


def email_rate(group, request):
    return settings.ACCOUNTS_EMAIL_RATE


def _registration(request, form_class, template, create_account, done_context):
    """The registration form; once valid, the inactive account and its email.

    Every post counts against the rate limit, accepted or not, and an address that has an
    account is answered exactly as a new one (its owner is emailed instead).
    """
    form = form_class(request.POST or None)
    if request.method == "POST":
        if is_ratelimited(request, group="accounts-register", key="ip", rate=register_rate, increment=True):
            return render(request, template, {"form": form, "limited": True}, status=429)
        if form.is_valid():
            create_account(form.cleaned_data)
            return render(
                request, "partners/register_done.html", {"email": form.cleaned_data["email"], **done_context}
            )
    return render(request, template, {"form": form})


def _email_form(request, group, template, send, sent_template, context=None):
    """A form that emails whatever account has the address: it answers the same whether one has or not."""
    form = EmailAddressForm(request.POST or None)
    context = {"form": form, **(context or {})}
    if request.method == "POST":
        if is_ratelimited(request, group=group, key="ip", rate=email_rate, increment=True):
            return render(request, template, {**context, "limited": True}, status=429)
        if form.is_valid():
            send(form.cleaned_data["email"], translation.get_language() or "en")
            return render(request, sent_template, {"email": form.cleaned_data["email"]})
    return render(request, template, context)


@never_cache
def register(request):
    def create(data):
        accounts.register_librarian(
            email=data["email"],
            full_name=data["full_name"],
            library_named=data["library_named"],
            password=data["password1"],
            language=translation.get_language() or "en",
        )

    return _registration(request, LibrarianRegistrationForm, "partners/register.html", create, {})


@never_cache
@korean_first
def register_korea(request):
    """Registration of a library user in Korea, who borrows material from abroad through NLK."""

    def create(data):
        accounts.register_library_user(
            email=data["email"],
            full_name=data["full_name"],
            password=data["password1"],
            phone=data["phone"],
            postal_address=data["postal_address"],
            privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            language=translation.get_language() or "ko",
        )

    return _registration(
        request, LibraryUserRegistrationForm, "partners/register_korea.html", create, {"library_user": True}
    )


@never_cache
def confirm_again(request):
    """Send the confirmation link again to a registration that waits for it."""
    return _email_form(
        request, "accounts-confirm-again", "partners/confirm_again.html",
        accounts.send_confirmation_again, "partners/confirm_again_sent.html",
        {"days": settings.ACCOUNTS_UNCONFIRMED_DAYS},
    )


@never_cache
def password_reset(request):
    """Ask for a link that sets a new password (partner librarians and users in Korea)."""
    return _email_form(
        request, "accounts-password-reset", "partners/password_reset.html",
        accounts.request_password_reset, "partners/password_reset_sent.html",
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The emailed link: a new password, once. It also lifts a lockout for failed logins."""

    template_name = "partners/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.lift_login_lockout(form.user)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="partners/password_reset_complete.html"
)


def confirm(request, uidb64, token):
    user = accounts.confirm_email(uidb64, token)
    if user is None:
        return render(request, "partners/confirm_failed.html", status=400)
    if is_library_user(user):
        messages.success(request, _("Your email is confirmed. Log in to request material from abroad."))
    else:
        messages.success(request, _("Your email is confirmed. Log in to see your library’s requests."))
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    template_name = "partners/login.html"
    authentication_form = EmailLoginForm

    def form_invalid(self, form):
        """The form again, and after a wrong email or password a warning when the next failure locks out."""
        warning = ""
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            warning = tries_left_warning(lockouts.tries_left(self.request, {"username": form.data.get("username")}))
        return self.render_to_response(self.get_context_data(form=form, tries_left_warning=warning))

    def get_default_redirect_url(self):
        # A user in Korea follows their own requests; a partner librarian their library's.
        if is_library_user(self.request.user):
            return resolve_url("ill:borrowing_requests")
        return super().get_default_redirect_url()


class StaffPasswordResetView(auth_views.PasswordResetView):
    """The admin's own "forgotten your password": a link by email for staff accounts only, answered alike
    whether the address is a member of staff's or not, and limited as the other email forms are."""

    form_class = StaffPasswordResetForm

    def post(self, request, *args, **kwargs):
        if is_ratelimited(request, group="admin-password-reset", key="ip", rate=email_rate, increment=True):
            form = self.get_form()
            form.is_valid()
            form.add_error("email", _("Too many requests from your network: please try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link emailed to staff: a new password, once. It also lifts a lockout for failed logins."""

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.lift_login_lockout(form.user)
        return response


# Warned of when this many failed logins are left before a lockout.
WARN_AT_TRIES_LEFT = 1


def tries_left_warning(left) -> str:
    """What the login page says when the nearest limit is WARN_AT_TRIES_LEFT failures away, naming what it
    would lock: "" when it is further."""
    if not 0 < left.tries <= WARN_AT_TRIES_LEFT:
        return ""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    values = {"count": left.tries, "time": ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes) % {
        "minutes": minutes
    }}
    if left.count == "address":
        return ngettext(
            "%(count)s try left before logins from your network are paused for %(time)s.",
            "%(count)s tries left before logins from your network are paused for %(time)s.",
            left.tries,
        ) % values
    if left.count == "account":
        return ngettext(
            "%(count)s try left before logins to this account, from any network, are paused for %(time)s.",
            "%(count)s tries left before logins to this account, from any network, are paused for %(time)s.",
            left.tries,
        ) % values
    return ngettext(
        "%(count)s try left before logins to this account from your network are paused for %(time)s.",
        "%(count)s tries left before logins to this account from your network are paused for %(time)s.",
        left.tries,
    ) % values


def locked_out(request, original_response=None, credentials=None):
    """The answer to a login refused for too many failures (django-axes' lockout response).

    On the admin's login page it offers staff their own password reset, never the registrants'.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    admin = request.path == reverse("admin:login")
    return render(
        request,
        "partners/locked_out.html",
        {
            "minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "password_reset_url": reverse("admin_password_reset" if admin else "accounts:password_reset"),
        },
        status=429,
    )


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()
