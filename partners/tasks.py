"""Celery entry points for accounts; each calls partners.services and is safe to run twice.

The email tasks run once the transaction that wrote their outbox row (nlk_portal.outbox.dispatch.after_commit)
commits; an SMTP failure is retried. None returns anything but delete_expired_registrations.
"""

from datetime import datetime
from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model

from .selectors.accounts import may_reset_password, staff_may_reset_password, waiting_registrations
from .services import accounts, emails

EMAIL_RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 5}


@shared_task(bind=True, **EMAIL_RETRY)
def send_email_confirmation(self, user_id, language="en"):
    """Email the confirmation link, unless the registration was confirmed or removed meanwhile.

    Runs after a registration, or a request to send the link again (partners.services.accounts), on its outbox row."""
    user = waiting_registrations().filter(pk=user_id).first()
    if user is not None:
        emails.send_confirmation(user, language)


@shared_task(bind=True, **EMAIL_RETRY)
def send_registration_notice(self, user_id, language="en"):
    """Tell an account's owner that someone tried to register with its address.

    Runs after such a registration (partners.services.accounts), on its outbox row."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None:
        emails.send_registration_notice(user, language)


@shared_task(bind=True, **EMAIL_RETRY)
def send_password_reset(self, user_id, language="en"):
    """Email the link that sets a new password, if the account may still have one.

    Runs after a user asks for it (partners.services.accounts.request_password_reset), on its outbox row."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None and user in may_reset_password(user.email):
        emails.send_password_reset(user, language)


@shared_task(bind=True, **EMAIL_RETRY)
def send_staff_password_reset(self, user_id, language="en"):
    """Email a member of staff the link that sets a new password, if the account is still staff's.

    Runs after staff ask for it (partners.services.accounts.request_staff_password_reset), on its outbox row."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None and user in staff_may_reset_password(user.email):
        emails.send_staff_password_reset(user, language)


@shared_task
def delete_expired_registrations():
    """Remove registrations never confirmed in time, which frees their addresses; returns how many.

    Runs daily at 04:00 (beat, "partners-delete-expired-registrations")."""
    return accounts.delete_expired_registrations()


@shared_task(bind=True, **EMAIL_RETRY)
def send_staff_lockout_notice(self, user_id, ip_address, locked_at):
    """Tell ILL staff that a staff account's login is blocked after failed logins, and how to lift it.

    Runs after django-axes locks a staff account out (partners.lockouts, on user_locked_out), on its outbox
    row."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None:
        emails.send_staff_lockout_notice(user, ip_address, datetime.fromisoformat(locked_at))
