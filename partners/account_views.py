from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from nlk_portal.core.language import korean_first

from . import accounts
from .forms import EmailLoginForm, LibrarianRegistrationForm, LibraryUserRegistrationForm


def register_rate(group, request):
    return settings.ACCOUNTS_REGISTER_RATE


def _registration(request, form_class, template, create_account, done_context):
    """The registration form; once valid and within the rate limit, the inactive account and its email."""
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_ratelimited(request, group="accounts-register", key="ip", rate=register_rate, increment=True):
            return render(request, template, {"form": form, "limited": True}, status=429)
        create_account(form.cleaned_data)
        return render(request, "partners/register_done.html", {"email": form.cleaned_data["email"], **done_context})
    return render(request, template, {"form": form})


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
            language=translation.get_language() or "ko",
        )

    return _registration(
        request, LibraryUserRegistrationForm, "partners/register_korea.html", create, {"library_user": True}
    )


def confirm(request, uidb64, token):
    user = accounts.confirm_email(uidb64, token)
    if user is None:
        return render(request, "partners/confirm_failed.html", status=400)
    if accounts.is_library_user(user):
        messages.success(request, _("Your email is confirmed. Log in to request material from abroad."))
    else:
        messages.success(request, _("Your email is confirmed. Log in to see your library’s requests."))
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    template_name = "partners/login.html"
    authentication_form = EmailLoginForm

    def get_default_redirect_url(self):
        # A user in Korea follows their own requests; a partner librarian their library's.
        if accounts.is_library_user(self.request.user):
            return resolve_url("ill:borrowing_requests")
        return super().get_default_redirect_url()


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()
