from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from nlk_portal.core import privacy

from .selectors.accounts import staff_may_reset_password
from .services.accounts import request_staff_password_reset


class RegistrationForm(forms.Form):
    """Name, email and password, checked as every account of the portal is.

    Whether the address already has an account is not the form's to say: registration answers
    alike either way, and emails the address's owner instead (partners.services.accounts).
    """

    full_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"), help_text=_("We send a link to this address to confirm it."))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128, strip=False)
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=128, strip=False
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            user = get_user_model()(username=data.get("email", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password1"], user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class LibrarianRegistrationForm(RegistrationForm):
    library_named = forms.CharField(
        label=_("Your library"),
        max_length=255,
        help_text=_("Staff link your account to your library after checking it."),
    )
    field_order = ["full_name", "email", "library_named", "password1", "password2"]


class LibraryUserRegistrationForm(RegistrationForm):
    """A user in Korea who asks NLK to borrow material from abroad."""

    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    postal_address = forms.CharField(
        label=_("Postal address"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where copies are sent by post. You can change it on each request."),
    )
    privacy_consent = forms.BooleanField(
        label=_("I agree to the collection and use of my personal data as described here."),
        error_messages={
            "required": _(
                "Tick the box to agree to the collection and use of your personal data: without it we cannot "
                "register you."
            )
        },
    )
    field_order = ["full_name", "email", "phone", "postal_address", "password1", "password2", "privacy_consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is drawn, so it states the retention period and notice now in force.
        self.fields["privacy_consent"].help_text = privacy.registration_notice()


class EmailLoginForm(AuthenticationForm):
    """Librarians log in with their email, which is their user name."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email or the password is not right. Note that the password is case-sensitive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget.input_type = "email"

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class EmailAddressForm(forms.Form):
    """The address to send a new password link, or the confirmation link again, to."""

    email = forms.EmailField(label=_("Email"), max_length=254)


class StaffPasswordResetForm(PasswordResetForm):
    """The admin's own password reset: only active staff accounts are sent a link, through the outbox."""

    def get_users(self, email):
        return staff_may_reset_password(email)

    def save(self, *args, **kwargs):
        request_staff_password_reset(self.cleaned_data["email"], translation.get_language() or "en")
