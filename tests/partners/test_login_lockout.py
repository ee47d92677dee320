"""Password guessing: both login pages lock an account out from an address after a handful of failures, the
account everywhere after more spread over many addresses, and an address guessing at many accounts; a lockout
of a staff account is emailed to ILL staff."""

import importlib
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import LibrarianFactory, UserFactory

STAFF_GROUPS_MIGRATION = importlib.import_module("ill.migrations.0004_staff_groups")
LOCKOUTS_MIGRATION = importlib.import_module("partners.migrations.0006_staff_lift_lockouts")

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
EMAIL = "sun-hee.park@snu.example.ac.kr"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def librarian():
    return LibrarianFactory(user=UserFactory(username=EMAIL, email=EMAIL)).user


def log_in(client, username, password, page=LOGIN, **extra):
    return client.post(page, {"username": username, "password": password}, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


def guess(client, username, times, page=LOGIN, **extra):
    """The answers to `times` wrong passwords."""
    return [log_in(client, username, f"wrong guess {n}", page, **extra).status_code for n in range(times)]


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, settings, librarian):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert guess(client, EMAIL, 4) == [200] * 4
    assert log_in(client, EMAIL, PASSWORD).status_code == 302, "four failures do not lock"
    client.logout()
    assert guess(client, EMAIL, 1) == [429], "the fifth does"

    response = log_in(client, EMAIL, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "Even the right password is refused" in response.content.decode()
    assert not logged_in(client)


def test_guesses_spread_over_many_addresses_still_lock_the_account(client, settings, librarian):
    assert settings.LOGIN_ACCOUNT_FAILURE_LIMIT == 20
    for n in range(19):
        log_in(client, EMAIL, "wrong", REMOTE_ADDR=f"198.51.100.{n // 4 + 1}")
    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="203.0.113.50").status_code == 302, "19 do not lock"
    client.logout()
    log_in(client, EMAIL, "wrong", REMOTE_ADDR="198.51.100.99")

    response = log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="203.0.113.50")

    assert response.status_code == 429
    assert not logged_in(client)


def test_the_case_of_the_email_does_not_make_another_account(client, librarian):
    variants = ["Sun-Hee.Park@snu.example.ac.kr", "SUN-HEE.PARK@SNU.EXAMPLE.AC.KR", f" {EMAIL} ", EMAIL.title(), EMAIL]
    for variant in variants:
        log_in(client, variant, "wrong", REMOTE_ADDR="198.51.100.7")

    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_five_wrong_passwords_from_one_address_leave_the_account_open_from_another(client, librarian):
    guess(client, EMAIL, 5, REMOTE_ADDR="198.51.100.7")

    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="203.0.113.50").status_code == 302


def test_a_stranger_s_guesses_do_not_lock_staff_out_of_the_admin(client):
    get_user_model().objects.create_superuser("nlk-admin", "admin@nl.go.kr", PASSWORD)
    guess(client, "nlk-admin", 5, REMOTE_ADDR="198.51.100.7")
    guess(client, "nlk-admin", 5, page=ADMIN_LOGIN, REMOTE_ADDR="198.51.100.7")

    assert log_in(client, "nlk-admin", PASSWORD, page=ADMIN_LOGIN, REMOTE_ADDR="198.51.100.7").status_code == 429
    staff = Client()
    response = log_in(staff, "nlk-admin", PASSWORD, page=ADMIN_LOGIN, REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 302 and logged_in(staff)
    assert staff.get("/admin/", REMOTE_ADDR="203.0.113.50").status_code == 200


def test_one_address_guessing_at_many_accounts_is_locked_out(client, settings, librarian):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 50
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    for n in range(11):
        log_in(client, f"someone{n}@example.org", "wrong")
    assert log_in(client, EMAIL, PASSWORD).status_code == 302, "eleven do not lock"
    client.logout()
    log_in(client, "someone11@example.org", "wrong")

    assert log_in(client, EMAIL, PASSWORD).status_code == 429
    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="203.0.113.50").status_code == 302


def test_a_stranger_guessing_at_many_accounts_from_the_library_s_network_does_not_keep_staff_out(
    client, settings, librarian
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    get_user_model().objects.create_superuser("nlk-admin", "admin@nl.go.kr", PASSWORD)
    library = {"REMOTE_ADDR": "192.0.2.80"}
    for n in range(12):
        log_in(client, f"someone{n}@example.org", "wrong", **library)
    assert log_in(Client(), EMAIL, PASSWORD, **library).status_code == 429, "the address is stopped"

    staff = Client()
    response = log_in(staff, "nlk-admin", PASSWORD, page=ADMIN_LOGIN, **library)

    assert response.status_code == 302 and logged_in(staff)


def test_the_admin_login_is_locked_the_same_way(client):
    get_user_model().objects.create_superuser("nlk-admin", "admin@nl.go.kr", PASSWORD)
    guess(client, "nlk-admin", 5, page=ADMIN_LOGIN)

    response = log_in(client, "nlk-admin", PASSWORD, page=ADMIN_LOGIN)

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not logged_in(client)


def test_the_lockout_page_says_so_in_korean(client, librarian):
    guess(client, EMAIL, 5)

    response = log_in(client, EMAIL, PASSWORD, headers={"accept-language": "ko"})

    assert response.status_code == 429
    assert "로그인 실패가 너무 많습니다" in response.content.decode()


def test_the_lockout_ends_after_the_cool_off(client, settings, librarian):
    guess(client, EMAIL, 5)
    assert log_in(client, EMAIL, PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))

    assert log_in(client, EMAIL, PASSWORD).status_code == 302


def test_staff_see_a_lockout_in_the_admin_and_lift_it(client, admin_client, librarian):
    guess(client, EMAIL, 5, REMOTE_ADDR="198.51.100.1")
    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 429
    changelist = reverse("admin:axes_accessattempt_changelist")

    listing = admin_client.get(changelist, {"q": EMAIL})
    assert listing.status_code == 200 and EMAIL in listing.content.decode()
    attempts = list(AccessAttempt.objects.filter(username=EMAIL).values_list("pk", flat=True))
    lifted = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}
    )

    assert lifted.status_code == 302
    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_behind_a_trusted_proxy_the_lockout_counts_the_address_the_proxy_names(client, settings, librarian):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    for n in range(5):
        log_in(client, f"someone{n}@example.org", "wrong", headers={"x-real-ip": "198.51.100.7"})

    from_guesser = log_in(client, EMAIL, PASSWORD, headers={"x-real-ip": "198.51.100.7"})
    from_someone_else = log_in(client, EMAIL, PASSWORD, headers={"x-real-ip": "203.0.113.50"})

    assert from_guesser.status_code == 429
    assert from_someone_else.status_code == 302


def test_a_member_of_ill_staff_lifts_a_lockout_without_being_a_superuser(client, librarian):
    # The groups as the migrations leave them (a transactional test's flush may have emptied them).
    STAFF_GROUPS_MIGRATION.give_staff_groups_their_permissions(Group.objects, Permission.objects)
    LOCKOUTS_MIGRATION.let_ill_staff_lift_lockouts(django_apps, _Editor())
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(Group.objects.get(name="ILL staff"))
    staff = Client()
    staff.force_login(clerk)
    guess(client, EMAIL, 5, REMOTE_ADDR="198.51.100.1")
    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 429
    changelist = reverse("admin:axes_accessattempt_changelist")
    attempts = list(AccessAttempt.objects.filter(username=EMAIL).values_list("pk", flat=True))

    assert staff.get(changelist, {"q": EMAIL}).status_code == 200
    lifted = staff.post(changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})

    assert lifted.status_code == 302
    assert log_in(client, EMAIL, PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 302


class _Editor:
    """What a migration's function reads of its schema editor: the connection's alias."""

    class connection:  # noqa: N801
        alias = "default"
