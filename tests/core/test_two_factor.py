"""Staff two-factor sign-in in the admin: superusers and ILL staff give a one-time code after the password
where STAFF_TWO_FACTOR_REQUIRED is on; the others may; recovery codes work once; guessing is throttled."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from nlk_portal.core import two_factor
from nlk_portal.core.roles import EXCHANGE_STAFF, ILL_STAFF, MANAGERS
from tests.factories import UserFactory, staff_member
from tests.portal.test_settings import manage, production

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups")]

PASSWORD = "correct horse battery staple"
VERIFY = reverse("admin:two_factor_verify")
SETUP = reverse("admin:two_factor_setup")
CODES = reverse("admin:two_factor_recovery_codes")


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def with_app(user):
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def code(device, steps=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps):06d}"


def wrong_code(device):
    good = {code(device, steps) for steps in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(123456, 10**6, 111111) if f"{n:06d}" not in good)


def sign_in(user):
    """A browser that signs in with the password alone, on the admin's login page."""
    browser = Client()
    response = browser.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302, response.content
    return browser


def test_a_superuser_with_the_password_alone_is_sent_to_give_a_code_from_every_admin_page(required, superuser):
    with_app(superuser)
    browser = sign_in(superuser)
    change = reverse("admin:auth_user_change", args=[superuser.pk])
    for url in (
        reverse("admin:index"),
        reverse("admin:auth_user_changelist") + "?q=root",
        change,
        reverse("admin:password_change"),
        reverse("admin:ill_illrequest_changelist"),
    ):
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY + "?next="), url

    posted = browser.post(change, {"username": "taken-over", "first_name": "Mallory"})
    assert posted.status_code == 302 and posted["Location"].startswith(VERIFY)
    superuser.refresh_from_db()
    assert superuser.username == "root" and superuser.first_name == ""

    action = browser.post(
        reverse("admin:auth_user_changelist"), {"action": "delete_selected", "_selected_action": [superuser.pk]}
    )
    assert action.status_code == 302 and action["Location"].startswith(VERIFY)


def test_the_right_code_from_the_app_lets_them_in_and_a_wrong_one_does_not(required, superuser):
    device = with_app(superuser)
    browser = sign_in(superuser)
    change = reverse("admin:auth_user_change", args=[superuser.pk])

    page = browser.get(VERIFY, {"next": change})
    assert page.status_code == 200
    html = page.content.decode()
    field = re.search(r"<input[^>]*name=\"otp_token\"[^>]*>", html).group(0)
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
    assert 'for="id_otp_token"' in html and 'id="id_otp_token"' in field

    refused = browser.post(VERIFY, {"otp_token": wrong_code(device), "next": change})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert browser.get(change).status_code == 302

    # The failure is throttled for a second: past it, the right code is taken.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    accepted = browser.post(VERIFY, {"otp_token": code(device), "next": change})
    assert accepted.status_code == 302 and accepted["Location"] == change
    assert browser.get(change).status_code == 200
    assert browser.get(reverse("admin:index")).status_code == 200


def test_codes_are_throttled_after_failures(required, superuser):
    device = with_app(superuser)
    browser = sign_in(superuser)
    browser.post(VERIFY, {"otp_token": wrong_code(device)})

    # The right code, given within the second a failure costs, is refused all the same, and so is any guess.
    for guess in (code(device), wrong_code(device)):
        response = browser.post(VERIFY, {"otp_token": guess})
        assert response.status_code == 200
        assert "Too many wrong codes" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert browser.get(reverse("admin:index")).status_code == 302

    # Each failure doubles the wait: after a second one, a wait of one second is not enough.
    moved_back = device.throttling_failure_timestamp - timedelta(seconds=1)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=moved_back)
    browser.post(VERIFY, {"otp_token": wrong_code(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=1)
    )
    assert "Too many wrong codes" in browser.post(VERIFY, {"otp_token": code(device)}).content.decode()

    # Once the wait is over, the right code is taken.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=60)
    )
    assert browser.post(VERIFY, {"otp_token": code(device)}).status_code == 302
    assert browser.get(reverse("admin:index")).status_code == 200


def test_a_recovery_code_signs_in_once(required, superuser):
    with_app(superuser)
    codes = two_factor.new_recovery_codes(superuser)
    assert len(set(codes)) == 10

    first = sign_in(superuser)
    page = first.get(VERIFY)
    assert "You have 10 left" in page.content.decode()
    # Typed with capitals and a space, as from paper.
    typed = codes[0][:4].upper() + " " + codes[0][4:]
    response = first.post(VERIFY, {"recovery_code": typed})
    assert response.status_code == 302
    assert first.get(reverse("admin:index")).status_code == 200
    assert StaticToken.objects.filter(device__user=superuser).count() == 9

    again = sign_in(superuser)
    refused = again.post(VERIFY, {"recovery_code": codes[0]})
    assert refused.status_code == 200
    assert "That recovery code is not right, or it has been used" in refused.content.decode()
    assert again.get(reverse("admin:index")).status_code == 302


def test_ill_staff_without_an_app_set_one_up_first_and_get_ten_recovery_codes_once(required):
    kim = staff_member(ILL_STAFF, username="kim")
    browser = sign_in(kim)
    change = reverse("admin:ill_illrequest_changelist")

    response = browser.get(change)
    assert response.status_code == 302 and response["Location"].startswith(SETUP + "?next=")
    page = browser.get(response["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=kim, confirmed=False)
    html = page.content.decode()
    assert two_factor.secret_of(device) in html
    assert "otpauth://totp/" in html and "<svg" in html
    # The same key on a second look, so an app already scanned still matches.
    browser.get(SETUP)
    assert TOTPDevice.objects.filter(user=kim).count() == 1
    assert browser.get(change).status_code == 302

    confirmed = browser.post(SETUP, {"otp_token": code(device), "next": change})
    assert confirmed.status_code == 302 and confirmed["Location"].startswith(CODES)
    shown = browser.get(confirmed["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=kim).values_list("token", flat=True)) == set(codes)
    assert TOTPDevice.objects.get(user=kim).confirmed

    assert browser.get(change).status_code == 200
    # Shown once.
    assert not set(codes) & set(re.findall(r"[a-z2-7]{8}", browser.get(CODES).content.decode()))


def test_the_password_alone_never_adds_an_app_to_an_account_that_has_one(required, superuser):
    with_app(superuser)
    browser = sign_in(superuser)
    response = browser.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert browser.post(SETUP, {"otp_token": "000000"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=superuser, confirmed=False).exists()
    assert browser.post(CODES).status_code == 302
    assert not StaticToken.objects.filter(device__user=superuser).exists()


@pytest.mark.parametrize("group", [EXCHANGE_STAFF, MANAGERS])
def test_exchange_staff_and_managers_may_but_need_not_use_two_factor(required, group):
    park = staff_member(group, username="park")
    browser = sign_in(park)
    assert browser.get(reverse("admin:index")).status_code == 200

    assert browser.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=park)
    browser.post(SETUP, {"otp_token": code(device)})
    assert TOTPDevice.objects.get(user=park).confirmed

    # Once they have an app, their sign-ins ask for its code too.
    later = sign_in(park)
    assert later.get(reverse("admin:index"))["Location"].startswith(VERIFY)


def test_without_the_setting_staff_sign_in_with_the_password_alone(settings, superuser):
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    kim = staff_member(ILL_STAFF, username="kim")
    for user in (superuser, kim):
        assert sign_in(user).get(reverse("admin:index")).status_code == 200


def test_a_session_owing_a_code_may_still_sign_out(required, superuser):
    with_app(superuser)
    browser = sign_in(superuser)
    response = browser.post(reverse("admin:logout"))
    assert not response["Location"].startswith(VERIFY)
    assert "_auth_user_id" not in browser.session


def test_signed_out_the_two_factor_pages_lead_to_the_login(required):
    for url in (VERIFY, SETUP, CODES):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_production_asks_for_two_factor_unless_told_not_to():
    show = ("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.STAFF_TWO_FACTOR_REQUIRED)")
    assert manage(*show, **production()).stdout.strip() == "True"
    assert manage(*show, **production(STAFF_TWO_FACTOR_REQUIRED="off")).stdout.strip() == "False"
    assert manage(*show, DJANGO_DEBUG="1").stdout.strip() == "False"

