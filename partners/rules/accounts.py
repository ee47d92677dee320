"""Who a partner account is and what it may do, what an emailed confirmation link signs and carries, and
which name a login attempt counts against: the accounts' policy, read alike by selectors, services and views."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from nlk_portal.core.posted import posted_number

# The profiles a registrant's account has: a partner librarian's or a user in Korea's.
PROFILES = ("librarian", "library_user")

# A registrant: an account with either profile.
REGISTRANT = Q(librarian__isnull=False) | Q(library_user__isnull=False)
# A registrant whose email was confirmed: the profile keeps when.
EMAIL_CONFIRMED = Q(librarian__email_confirmed_at__isnull=False) | Q(library_user__email_confirmed_at__isnull=False)
# Who may set a new password by email: registrants' active accounts. Staff accounts are not among them:
# their passwords are changed in the admin.
RESETS_PASSWORD_BY_EMAIL = REGISTRANT & Q(is_active=True, is_staff=False, is_superuser=False)
# Who may set a new password by the admin's own reset: active staff accounts.
RESETS_PASSWORD_IN_ADMIN = Q(is_active=True, is_staff=True)

# A primary key is a 64-bit signed integer: no link carries a larger one.
MAX_USER_ID = 2**63 - 1


def email_confirmed_at(user):
    """When the account's email was confirmed, or None: a registrant's profile keeps it."""
    for profile in PROFILES:
        try:
            confirmed = getattr(user, profile).email_confirmed_at
        except ObjectDoesNotExist:
            continue
        if confirmed is not None:
            return confirmed
    return None


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Links that stop working once the account is confirmed, was confirmed and then deactivated by
    staff, or changes its email or password: each is part of what the token signs."""

    # The salt the links already sent were signed with: changing it would break them.
    key_salt = "partners.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # The parent signs the primary key, password, last login, timestamp and email.
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{email_confirmed_at(user)}"


confirmation_tokens = EmailConfirmationTokenGenerator()


def registration_expiry_cutoff(now: datetime | None = None) -> datetime:
    """Registrations made before this, and never confirmed, have expired (ACCOUNTS_UNCONFIRMED_DAYS)."""
    return (now or timezone.now()) - timedelta(days=settings.ACCOUNTS_UNCONFIRMED_DAYS)


def user_id_in_link(uidb64) -> int | None:
    """The account id an emailed link carries in `uidb64`, or None for one no link of ours has."""
    try:
        user_id = force_str(urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError, OverflowError):
        return None
    user_id = posted_number(user_id, max_digits=len(str(MAX_USER_ID)))
    return user_id if user_id is not None and user_id <= MAX_USER_ID else None


def username_tried(request, credentials) -> str:
    """The account name a login attempt counts against: an email, whatever its case or spaces
    (django-axes' AXES_USERNAME_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(username).strip().lower()
