"""Accounts of partner librarians and users in Korea: registration, email confirmation, new passwords,
the expiry of registrations never confirmed, what an account may see, and closing one."""

import hashlib
from datetime import timedelta

from axes.models import AccessFailureLog, AccessLog
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from nlk_portal.core import ratelimits, roles
from nlk_portal.outbox.dispatch import after_commit

from .models import Librarian, LibraryUser

PROFILES = ("librarian", "library_user")


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

    key_salt = "partners.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # The parent signs the primary key, password, last login, timestamp and email.
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{email_confirmed_at(user)}"


confirmation_tokens = EmailConfirmationTokenGenerator()


def never_confirmed():
    """Registrants' accounts whose email was never confirmed: inactive, never logged in, never staff.

    An account staff deactivated after it was confirmed is not one of them.
    """
    registrant = Q(librarian__isnull=False) | Q(library_user__isnull=False)
    confirmed = Q(librarian__email_confirmed_at__isnull=False) | Q(library_user__email_confirmed_at__isnull=False)
    return (
        get_user_model()
        .objects.filter(registrant, is_active=False, is_staff=False, is_superuser=False, last_login__isnull=True)
        .exclude(confirmed)
    )


def _expiry_cutoff(now):
    return (now or timezone.now()) - timedelta(days=settings.ACCOUNTS_UNCONFIRMED_DAYS)


def waiting_registrations(now=None):
    """Never-confirmed accounts younger than ACCOUNTS_UNCONFIRMED_DAYS: their link still works."""
    return never_confirmed().filter(date_joined__gte=_expiry_cutoff(now))


def expired_registrations(now=None):
    """Never-confirmed accounts older than ACCOUNTS_UNCONFIRMED_DAYS: their address is free again."""
    return never_confirmed().filter(date_joined__lt=_expiry_cutoff(now))


def delete_expired_registrations(now=None):
    """Delete the expired registrations; returns how many accounts went."""
    ids = list(expired_registrations(now).values_list("pk", flat=True))
    get_user_model().objects.filter(pk__in=ids).delete()
    return len(ids)


def accounts_with_address(email):
    """Every account whose user name or email is `email`, whatever its case."""
    return get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).order_by("pk")


def within_email_limit(email):
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


def send_confirmation_again(email, language="en"):
    """Email the confirmation link again to a registration at `email` that waits for it, if there is one."""
    with transaction.atomic():
        waiting = waiting_registrations().filter(email__iexact=email).first()
        if waiting is not None and within_email_limit(waiting.email):
            _send_confirmation(waiting, language)


def may_reset_password(email):
    """The accounts at `email` that may set a new password by email: registrants' active accounts.

    Staff accounts are not among them: their passwords are changed in the admin.
    """
    registrant = Q(librarian__isnull=False) | Q(library_user__isnull=False)
    users = get_user_model().objects.filter(
        registrant, email__iexact=email, is_active=True, is_staff=False, is_superuser=False
    )
    return [user for user in users if user.has_usable_password()]


def request_password_reset(email, language="en"):
    """Email a link to set a new password to each account at `email` that may have one."""
    with transaction.atomic():
        for user in may_reset_password(email):
            if within_email_limit(user.email):
                after_commit("partners.tasks.send_password_reset", user.pk, language)


def staff_may_reset_password(email):
    """The accounts at `email` that may set a new password by the admin's own reset: active staff accounts."""
    users = get_user_model().objects.filter(email__iexact=email, is_active=True, is_staff=True)
    return [user for user in users if user.has_usable_password()]


def request_staff_password_reset(email, language="en"):
    """Email a link to set a new password to each staff account at `email`."""
    with transaction.atomic():
        for user in staff_may_reset_password(email):
            if within_email_limit(user.email):
                after_commit("partners.tasks.send_staff_password_reset", user.pk, language)


def lift_login_lockout(user):
    """Forget the failed logins counted against the account: its owner has proved the address is theirs."""
    reset_login_failures(username=user.username.lower())


def username_tried(request, credentials):
    """The account name a login attempt counts against: an email, whatever its case or spaces."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(username).strip().lower()


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


def portal_url(name, **kwargs):
    """The full address of a page, for an email (a worker has no request to ask)."""
    return settings.PORTAL_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _send_email(user, template, context, language):
    context = {"user": user, "is_library_user": is_library_user(user), **context}
    with translation.override(language):
        subject = render_to_string(f"partners/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"partners/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_confirmation(user, language="en"):
    context = {"confirmation_url": confirmation_url(user), "days": settings.ACCOUNTS_UNCONFIRMED_DAYS}
    _send_email(user, "confirm", context, language)


def send_registration_notice(user, language="en"):
    """Tell the owner of an address that someone tried to register with it."""
    context = {
        "login_url": portal_url("accounts:login"),
        "password_reset_url": portal_url("accounts:password_reset"),
    }
    _send_email(user, "already_registered", context, language)


def send_password_reset(user, language="en"):
    """Email the link that sets a new password; it works once, within PASSWORD_RESET_TIMEOUT."""
    link = portal_url(
        "accounts:password_reset_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    context = {"reset_url": link, "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)}
    _send_email(user, "password_reset", context, language)


def send_staff_password_reset(user, language="en"):
    """Email a member of staff the link that sets a new password in the admin; it works once."""
    link = portal_url(
        "password_reset_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    context = {"reset_url": link, "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600), "account": user.get_username()}
    _send_email(user, "staff_password_reset", context, language)


def lockout_notice_recipients():
    """ILL_TEAM_EMAIL if set (a shared mailbox), else every member of ILL staff with an email address."""
    if settings.ILL_TEAM_EMAIL:
        return list(settings.ILL_TEAM_EMAIL)
    return sorted(set(roles.ill_staff_members().exclude(email="").values_list("email", flat=True)))


def send_staff_lockout_notice(user, ip_address, locked_at):
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


def confirm_email(uidb64, token):
    """The user whose link this is, now active; None for a wrong, used, expired or outdated link."""
    try:
        user_id = force_str(urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError, OverflowError):
        return None
    if not user_id.isdecimal() or int(user_id) >= 2**63:
        return None
    with transaction.atomic():
        user = waiting_registrations().filter(pk=int(user_id)).first()
        if user is None or not confirmation_tokens.check_token(user, token):
            return None
        user.is_active = True
        user.save(update_fields=["is_active"])
        Librarian.objects.filter(user=user).update(email_confirmed_at=timezone.now())
        LibraryUser.objects.filter(user=user).update(email_confirmed_at=timezone.now())
    return user


def is_registrant(user):
    """A partner librarian's or a user in Korea's own account: not staff, who are kept by the administrators."""
    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return False
    return Librarian.objects.filter(user=user).exists() or is_library_user(user)


def delete_account(user):
    """Delete the account with its profile (name, email, phone, address, the library typed at registration)
    and the login records kept under its name; its requests stay, no longer linked to it."""
    username = user.username.lower()
    with transaction.atomic():
        reset_login_failures(username=username)
        AccessLog.objects.filter(username__iexact=username).delete()
        AccessFailureLog.objects.filter(username__iexact=username).delete()
        get_user_model().objects.filter(pk=user.pk).delete()
