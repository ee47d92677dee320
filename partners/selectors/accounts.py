"""Reads of partner accounts: registrations waiting for confirmation or expired, the accounts at an address,
who may set a new password by email, what kind of account one is, and old login records."""

from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from nlk_portal.core import roles

from ..models import Librarian, LibraryUser
from ..rules.accounts import (
    EMAIL_CONFIRMED,
    REGISTRANT,
    RESETS_PASSWORD_BY_EMAIL,
    RESETS_PASSWORD_IN_ADMIN,
    registration_expiry_cutoff,
)


def never_confirmed() -> QuerySet:
    """Registrants' accounts whose email was never confirmed: inactive, never logged in, never staff.

    An account staff deactivated after it was confirmed is not one of them.
    """
    return (
        get_user_model()
        .objects.filter(REGISTRANT, is_active=False, is_staff=False, is_superuser=False, last_login__isnull=True)
        .exclude(EMAIL_CONFIRMED)
    )


def waiting_registrations(now: datetime | None = None) -> QuerySet:
    """Never-confirmed accounts younger than ACCOUNTS_UNCONFIRMED_DAYS: their link still works."""
    return never_confirmed().filter(date_joined__gte=registration_expiry_cutoff(now))


def expired_registrations(now: datetime | None = None) -> QuerySet:
    """Never-confirmed accounts older than ACCOUNTS_UNCONFIRMED_DAYS: their address is free again."""
    return never_confirmed().filter(date_joined__lt=registration_expiry_cutoff(now))


def accounts_with_address(email: str) -> QuerySet:
    """Every account whose user name or email is `email`, whatever its case."""
    return get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).order_by("pk")


def may_reset_password(email: str) -> list:
    """The accounts at `email` that may set a new password by email: registrants' active accounts with a
    password (RESETS_PASSWORD_BY_EMAIL)."""
    users = get_user_model().objects.filter(RESETS_PASSWORD_BY_EMAIL, email__iexact=email)
    return [user for user in users if user.has_usable_password()]


def staff_may_reset_password(email: str) -> list:
    """The accounts at `email` that may set a new password by the admin's own reset: active staff accounts."""
    users = get_user_model().objects.filter(RESETS_PASSWORD_IN_ADMIN, email__iexact=email)
    return [user for user in users if user.has_usable_password()]


def is_library_user(user) -> bool:
    """Whether the account is a user in Korea's, who borrows from abroad through NLK."""
    return LibraryUser.objects.filter(user=user).exists()


def is_registrant(user) -> bool:
    """A partner librarian's or a user in Korea's own account: not staff, who are kept by the administrators."""
    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return False
    return Librarian.objects.filter(user=user).exists() or is_library_user(user)


def lockout_notice_recipients() -> list[str]:
    """ILL_TEAM_EMAIL if set (a shared mailbox), else every member of ILL staff with an email address."""
    if settings.ILL_TEAM_EMAIL:
        return list(settings.ILL_TEAM_EMAIL)
    return sorted(set(roles.ill_staff_members().exclude(email="").values_list("email", flat=True)))


def login_records_before(cutoff: datetime) -> list[QuerySet]:
    """The login records (failed attempts, failure logs, access logs) last touched before `cutoff`,
    one queryset per kind."""
    return [
        AccessAttempt.objects.filter(attempt_time__lt=cutoff),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        AccessLog.objects.filter(Q(attempt_time__lt=cutoff), Q(logout_time__isnull=True) | Q(logout_time__lt=cutoff)),
    ]
