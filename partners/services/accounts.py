"""Accounts of partner librarians and users in Korea: registration, email confirmation, new passwords, the
expiry of registrations never confirmed, and closing an account. The emails go through the outbox
(partners.tasks, which sends them with partners.services.emails)."""

import hashlib
from datetime import datetime

from axes.models import AccessFailureLog, AccessLog
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from nlk_portal.core import ratelimits
from nlk_portal.outbox.dispatch import after_commit

from ..models import Librarian, LibraryUser
from ..rules.accounts import confirmation_tokens, user_id_in_link
from ..selectors.accounts import (
    accounts_with_address,
    expired_registrations,
    may_reset_password,
    never_confirmed,
    staff_may_reset_password,
    waiting_registrations,
)


def delete_expired_registrations(now: datetime | None = None) -> int:
    """Delete the expired registrations; returns how many accounts went."""
    ids = list(expired_registrations(now).values_list("pk", flat=True))
    get_user_model().objects.filter(pk__in=ids).delete()
    return len(ids)


def within_email_limit(email: str) -> bool:
    """Count one email to `email`; False once ACCOUNTS_EMAIL_RATE is used up, so no form floods an inbox."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return not ratelimits.over_limit_for("accounts-email", digest, settings.ACCOUNTS_EMAIL_RATE)


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


def _register(email, full_name, password, language, create_profile):
    """The new inactive account with its profile and confirmation email, or None where the address has one.

    An address that has an account gets no second one; the owner is emailed instead (a registration
    still waiting for confirmation gets its link again), so the form answers both alike. An expired
    registration frees its address first.
    """
    with transaction.atomic():
        expired_registrations().filter(pk__in=accounts_with_address(email)).delete()
        if not accounts_with_address(email).exists():
            try:
                with transaction.atomic():
                    user = _inactive_user(email, full_name, password)
                    create_profile(user)
            except IntegrityError:
                pass  # registered a moment ago by a request that ran alongside this one
            else:
                _send_confirmation(user, language)
                return user
        # As long as making the account would have taken, so the time taken does not tell either.
        make_password(password)
        owner = accounts_with_address(email).first()
        if owner is not None and owner.email and within_email_limit(owner.email):
            if never_confirmed().filter(pk=owner.pk).exists():
                _send_confirmation(owner, language)
            else:
                after_commit("partners.tasks.send_registration_notice", owner.pk, language)
    return None


def register_librarian(*, email, full_name, library_named, password, language="en"):
    """An inactive account that becomes active when the librarian follows the emailed link (see _register)."""
    return _register(
        email, full_name, password, language,
        lambda user: Librarian.objects.create(user=user, library_named=library_named),
    )


def register_library_user(
    *, email, full_name, password, privacy_notice_version, phone="", postal_address="", language="ko"
):
    """A user in Korea who borrows from abroad through NLK: inactive until the emailed link is followed.

    The user agreed to the privacy notice of `privacy_notice_version`; the profile keeps it and the time.
    """
    return _register(
        email, full_name, password, language,
        lambda user: LibraryUser.objects.create(
            user=user,
            phone=phone,
            postal_address=postal_address,
            privacy_notice_version=privacy_notice_version,
            privacy_consent_at=timezone.now(),
        ),
    )


def send_confirmation_again(email: str, language: str = "en") -> None:
    """Email the confirmation link again to a registration at `email` that waits for it, if there is one."""
    with transaction.atomic():
        waiting = waiting_registrations().filter(email__iexact=email).first()
        if waiting is not None and within_email_limit(waiting.email):
            _send_confirmation(waiting, language)


def request_password_reset(email: str, language: str = "en") -> None:
    """Email a link to set a new password to each account at `email` that may have one."""
    with transaction.atomic():
        for user in may_reset_password(email):
            if within_email_limit(user.email):
                after_commit("partners.tasks.send_password_reset", user.pk, language)


def request_staff_password_reset(email: str, language: str = "en") -> None:
    """Email a link to set a new password to each staff account at `email`."""
    with transaction.atomic():
        for user in staff_may_reset_password(email):
            if within_email_limit(user.email):
                after_commit("partners.tasks.send_staff_password_reset", user.pk, language)


def lift_login_lockout(user) -> None:
    """Forget the failed logins counted against the account: its owner has proved the address is theirs."""
    reset_login_failures(username=user.username.lower())


def confirm_email(uidb64, token):
    """The user whose link this is, now active; None for a wrong, used, expired or outdated link."""
    user_id = user_id_in_link(uidb64)
    if user_id is None:
        return None
    with transaction.atomic():
        user = waiting_registrations().filter(pk=user_id).first()
        if user is None or not confirmation_tokens.check_token(user, token):
            return None
        user.is_active = True
        user.save(update_fields=["is_active"])
        Librarian.objects.filter(user=user).update(email_confirmed_at=timezone.now())
        LibraryUser.objects.filter(user=user).update(email_confirmed_at=timezone.now())
    return user


def delete_account(user) -> None:
    """Delete the account with its profile (name, email, phone, address, the library typed at registration)
    and the login records kept under its name; its requests stay, no longer linked to it."""
    username = user.username.lower()
    with transaction.atomic():
        reset_login_failures(username=username)
        AccessLog.objects.filter(username__iexact=username).delete()
        AccessFailureLog.objects.filter(username__iexact=username).delete()
        get_user_model().objects.filter(pk=user.pk).delete()
