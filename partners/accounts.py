"""Partner librarian accounts: registration, email confirmation, and what an account may see."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from nlk_portal.outbox.dispatch import after_commit

from .models import Librarian, LibraryUser


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    # Including is_active makes a link stop working once it has been used.
    key_salt = "partners.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


confirmation_tokens = EmailConfirmationTokenGenerator()


def _inactive_user(email, full_name, password):
    first_name, _, last_name = full_name.strip().partition(" ")
    return get_user_model().objects.create_user(
        username=email.lower(),
        email=email,
        password=password,
        first_name=first_name[:150],
        last_name=last_name[:150],
        is_active=False,
    )


def _send_confirmation(user, language):
    # Through the outbox, so the email goes even if the broker was down at commit.
    after_commit("partners.tasks.send_email_confirmation", user.pk, language)


def register_librarian(*, email, full_name, library_named, password, language="en"):
    """An inactive account that becomes active when the librarian follows the emailed link."""
    with transaction.atomic():
        user = _inactive_user(email, full_name, password)
        Librarian.objects.create(user=user, library_named=library_named)
        _send_confirmation(user, language)
    return user


def register_library_user(*, email, full_name, password, phone="", postal_address="", language="ko"):
    """A user in Korea who borrows from abroad through NLK: inactive until the emailed link is followed."""
    with transaction.atomic():
        user = _inactive_user(email, full_name, password)
        LibraryUser.objects.create(user=user, phone=phone, postal_address=postal_address)
        _send_confirmation(user, language)
    return user


def is_library_user(user):
    return LibraryUser.objects.filter(user=user).exists()


def confirmation_url(user):
    path = reverse(
        "accounts:confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": confirmation_tokens.make_token(user),
        },
    )
    return settings.PORTAL_URL.rstrip("/") + path


def send_confirmation(user, language="en"):
    context = {
        "user": user,
        "confirmation_url": confirmation_url(user),
        "is_library_user": is_library_user(user),
    }
    with translation.override(language):
        subject = render_to_string("partners/email/confirm_subject.txt", context).strip()
        body = render_to_string("partners/email/confirm.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def confirm_email(uidb64, token):
    """The user whose link this is, now active; None for a wrong, used or expired link."""
    try:
        user = get_user_model().objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    if not confirmation_tokens.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    Librarian.objects.filter(user=user).update(email_confirmed_at=timezone.now())
    LibraryUser.objects.filter(user=user).update(email_confirmed_at=timezone.now())
    return user
