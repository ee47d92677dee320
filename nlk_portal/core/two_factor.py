"""Staff two-factor sign-in (django-otp): who must give a one-time code after the password, and their devices.

A member of staff gives a code from an authenticator app (a TOTP device) or one of ten single-use recovery
codes (a static device). Superusers and ILL staff must, where STAFF_TWO_FACTOR_REQUIRED is on (production);
anyone on the staff who has set up an authenticator app must too, wherever. Whether this session must is
decided as the user signs in and kept in the session, so the admin's pages ask no query for it.
"""

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import ILL_STAFF

# The session's decision: True when this session must pass a one-time code before the admin.
SESSION_KEY = "staff_two_factor"
RECOVERY_CODES = 10
DEVICE_NAME = "TOTP"
RECOVERY_DEVICE_NAME = "Recovery codes"


class OtpRequest(HttpRequest):
    """A request of a member of staff on the admin's pages: django-otp's OTPMiddleware gives its user
    is_verified()."""

    user: Any


def required_by_role(user: User) -> bool:
    """Superusers and ILL staff must use two-factor sign-in where the setting asks for it."""
    if not (settings.STAFF_TWO_FACTOR_REQUIRED and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=ILL_STAFF).exists()


def must_verify(user: User | AnonymousUser) -> bool:
    """Whether this user must give a one-time code before the admin: by their role, or by a device of theirs."""
    if not (user.is_authenticated and user.is_staff):
        return False
    return required_by_role(user) or user_has_device(user)


def decide_at_sign_in(sender: type, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Receiver of user_logged_in: keep in the session whether it must pass a code."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = must_verify(user)


def session_must_verify(request: OtpRequest) -> bool:
    """Whether the admin must ask this request's user for a code first (no query once decided)."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return False
    decided = request.session.get(SESSION_KEY)
    if decided is None:
        decided = request.session[SESSION_KEY] = must_verify(user)
    return decided and not user.is_verified()


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_totp_device(user: User) -> TOTPDevice:
    """The authenticator app being set up: the same key until it is confirmed, so a scanned code stays good."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(text: str) -> str:
    """A QR code of `text` as an <svg> element (no style attribute, nothing fetched)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


@transaction.atomic
def confirm_totp_device(device: TOTPDevice) -> None:
    """The pending device becomes the user's authenticator app, replacing any other."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten new single-use recovery codes for `user`, replacing those they had: returned once, kept only as rows."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def normalised_recovery_code(text: str) -> str:
    """A recovery code as typed: case, spaces and dashes do not matter."""
    return "".join(text.split()).replace("-", "").lower()
