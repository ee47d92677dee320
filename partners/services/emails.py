"""The emails partner accounts are sent (confirmation, registration notice, new password links) and the
notice to ILL staff of a locked-out staff account; partners.tasks sends each, in the reader's language."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from nlk_portal.core import roles

from ..rules.accounts import confirmation_tokens
from ..selectors.accounts import is_library_user, lockout_notice_recipients


def confirmation_url(user) -> str:
    """The full address of the link that confirms the account's email."""
    path = reverse(
        "accounts:confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": confirmation_tokens.make_token(user),
        },
    )
    return settings.PORTAL_URL.rstrip("/") + path


def portal_url(name, **kwargs) -> str:
    """The full address of a page, for an email (a worker has no request to ask)."""
    return settings.PORTAL_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _send_email(user, template, context, language):
    context = {"user": user, "is_library_user": is_library_user(user), **context}
    with translation.override(language):
        subject = render_to_string(f"partners/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"partners/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_confirmation(user, language: str = "en") -> None:
    """Email the link that confirms the account's email; it works for ACCOUNTS_UNCONFIRMED_DAYS."""
    context = {"confirmation_url": confirmation_url(user), "days": settings.ACCOUNTS_UNCONFIRMED_DAYS}
    _send_email(user, "confirm", context, language)


def send_registration_notice(user, language: str = "en") -> None:
    """Tell the owner of an address that someone tried to register with it."""
    context = {
        "login_url": portal_url("accounts:login"),
        "password_reset_url": portal_url("accounts:password_reset"),
    }
    _send_email(user, "already_registered", context, language)


def send_password_reset(user, language: str = "en") -> None:
    """Email the link that sets a new password; it works once, within PASSWORD_RESET_TIMEOUT."""
    link = portal_url(
        "accounts:password_reset_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    context = {"reset_url": link, "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)}
    _send_email(user, "password_reset", context, language)


def send_staff_password_reset(user, language: str = "en") -> None:
    """Email a member of staff the link that sets a new password in the admin; it works once."""
    link = portal_url(
        "password_reset_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    context = {"reset_url": link, "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600), "account": user.get_username()}
    _send_email(user, "staff_password_reset", context, language)


def send_staff_lockout_notice(user, ip_address, locked_at) -> None:
    """Tell ILL staff which staff account is blocked after failed logins, when, from where, and how to lift it."""
    recipients = lockout_notice_recipients()
    if not recipients:
        return
    attempts = reverse("admin:axes_accessattempt_changelist")
    context = {
        "account": user.get_username(),
        "name": roles.staff_name(user),
        "ip_address": ip_address or "?",
        "locked_at": locked_at,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "attempts_url": f"{settings.PORTAL_URL.rstrip('/')}{attempts}?q={user.get_username()}",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("partners/email/staff_locked_out_subject.txt", context).strip()
        body = render_to_string("partners/email/staff_locked_out.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
