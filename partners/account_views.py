from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from . import accounts
from .forms import EmailLoginForm, LibrarianRegistrationForm


def register_rate(group, request):
    return settings.ACCOUNTS_REGISTER_RATE


@never_cache
def register(request):
    form = LibrarianRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_ratelimited(request, group="accounts-register", key="ip", rate=register_rate, increment=True):
            return render(request, "partners/register.html", {"form": form, "limited": True}, status=429)
        data = form.cleaned_data
        accounts.register_librarian(
            email=data["email"],
            full_name=data["full_name"],
            library_named=data["library_named"],
            password=data["password1"],
            language=translation.get_language() or "en",
        )
        return render(request, "partners/register_done.html", {"email": data["email"]})
    return render(request, "partners/register.html", {"form": form})


def confirm(request, uidb64, token):
    if accounts.confirm_email(uidb64, token) is None:
        return render(request, "partners/confirm_failed.html", status=400)
    messages.success(request, _("Your email is confirmed. Log in to see your library’s requests."))
    return redirect("accounts:login")


login = auth_views.LoginView.as_view(template_name="partners/login.html", authentication_form=EmailLoginForm)
logout = auth_views.LogoutView.as_view()
