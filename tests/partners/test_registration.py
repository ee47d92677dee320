"""Registration tells no one which addresses have accounts, and registrations never confirmed expire."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partners.models import Librarian, LibraryUser
from tests.factories import LibrarianFactory, UserFactory

from .registration import PASSWORD, link_in, page_text, register, sent_to

pytestmark = pytest.mark.django_db
OWNER = "sun-hee.park@snu.example.ac.kr"
User = get_user_model()


@pytest.fixture
def owner():
    """A partner librarian whose account is confirmed and in use."""
    return LibrarianFactory(user=UserFactory(username=OWNER, email=OWNER)).user


def age(user, days):
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days))


@pytest.mark.parametrize(
    "form, subject, body",
    [
        ("accounts:register", "Someone tried to register with your email", "No second account was made"),
        # The form for users in Korea is in Korean first, and so is what it sends.
        ("accounts:register_korea", "가입하려고 했습니다", "두 번째 계정은 만들어지지 않았습니다"),
    ],
)
def test_an_address_with_an_account_is_answered_as_a_new_one_and_its_owner_is_emailed(
    client, owner, django_capture_on_commit_callbacks, form, subject, body
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = register(client, "Sun-Hee.Park@snu.example.ac.kr", password="another pass phrase 42", form=form)
        new = register(client, "jiwoo.han@example.kr", form=form)

    assert taken.status_code == new.status_code == 200
    assert page_text(taken, "Sun-Hee.Park@snu.example.ac.kr") == page_text(new, "jiwoo.han@example.kr")
    assert User.objects.filter(email__iexact=OWNER).count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD), "the owner's password is unchanged"
    [notice] = sent_to(OWNER)
    assert subject in notice.subject
    assert body in notice.body
    assert link_in(notice, "/accounts/login/") == "/accounts/login/"
    assert link_in(notice, "/accounts/password/reset/") == "/accounts/password/reset/"
    assert "/accounts/confirm/" in sent_to("jiwoo.han@example.kr")[0].body


def test_a_registration_waiting_for_confirmation_gets_its_link_again_not_a_new_password(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, OWNER)
        again = register(client, OWNER, password="an intruder's pass phrase")

    assert "We have sent a link to" in again.content.decode()
    _, second = sent_to(OWNER)
    assert "/accounts/confirm/" in second.body
    client.get(link_in(second, "/accounts/confirm/"))
    user = User.objects.get(email=OWNER)
    assert user.is_active and user.check_password(PASSWORD)


def test_the_rate_limit_counts_every_attempt_not_only_accepted_ones(client, settings):
    settings.ACCOUNTS_REGISTER_RATE = "2/h"

    mistyped = register(client, "first@example.org", password="")
    taken = register(client, "first@example.org", name="")
    valid = register(client, "second@example.org")

    assert mistyped.status_code == taken.status_code == 200
    assert valid.status_code == 429
    assert not User.objects.exists()


def test_an_expired_registration_frees_its_address(client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, OWNER, password="a forgotten pass phrase")
    age(User.objects.get(email=OWNER), settings.ACCOUNTS_UNCONFIRMED_DAYS + 1)
    old_link = link_in(mail.outbox[0], "/accounts/confirm/")

    with django_capture_on_commit_callbacks(execute=True):
        register(client, OWNER)

    assert client.get(old_link).status_code == 400
    user = User.objects.get(email=OWNER)
    assert user.check_password(PASSWORD)
    client.get(link_in(sent_to(OWNER)[-1], "/accounts/confirm/"))
    user.refresh_from_db()
    assert user.is_active


def test_a_link_stops_working_when_the_registration_expires(client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, OWNER)
    age(User.objects.get(email=OWNER), settings.ACCOUNTS_UNCONFIRMED_DAYS + 1)

    assert client.get(link_in(mail.outbox[0], "/accounts/confirm/")).status_code == 400
    assert not User.objects.get(email=OWNER).is_active


def test_a_confirmation_link_stops_working_once_staff_deactivate_the_confirmed_account(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, OWNER)
    link = link_in(mail.outbox[0], "/accounts/confirm/")
    assert client.get(link).status_code == 302
    User.objects.filter(email=OWNER).update(is_active=False)

    assert client.get(link).status_code == 400
    assert not User.objects.get(email=OWNER).is_active


@pytest.mark.parametrize("change", ["email", "password"])
def test_a_confirmation_link_stops_working_once_the_account_changes(client, change, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, OWNER)
    user = User.objects.get(email=OWNER)
    if change == "email":
        user.email = "corrected@snu.example.ac.kr"
    else:
        user.set_password("another pass phrase 42")
    user.save()

    assert client.get(link_in(mail.outbox[0], "/accounts/confirm/")).status_code == 400


def test_the_daily_sweep_deletes_only_registrations_never_confirmed_in_time(client, settings, owner):
    def registrant(email, *, days, profile=Librarian, confirmed=False, **user):
        account = UserFactory(username=email, email=email, is_active=False, **user)
        profile.objects.create(user=account, email_confirmed_at=timezone.now() if confirmed else None)
        age(account, days)
        return account

    too_late = settings.ACCOUNTS_UNCONFIRMED_DAYS + 1
    expired = registrant("expired@example.org", days=too_late)
    expired_in_korea = registrant("expired@example.kr", days=too_late, profile=LibraryUser)
    kept = [
        registrant("waiting@example.org", days=settings.ACCOUNTS_UNCONFIRMED_DAYS - 1),
        registrant("deactivated@example.org", days=too_late, confirmed=True),
        registrant("staff@nl.go.kr", days=too_late, is_staff=True),
        registrant("logged-in-once@example.org", days=too_late, last_login=timezone.now()),
        UserFactory(username="no-profile", is_active=False),
        owner,
    ]
    age(kept[-2], too_late)
    [schedule] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("expired_registrations")]
    from nlk_portal.celery import app

    assert app.tasks[schedule["task"]].delay().get() == 2
    assert not User.objects.filter(pk__in=[expired.pk, expired_in_korea.pk]).exists()
    assert User.objects.filter(pk__in=[user.pk for user in kept]).count() == len(kept)
    assert Librarian.objects.filter(user__email="deactivated@example.org").exists()


def test_the_command_deletes_expired_registrations(client, settings, capsys):
    register(client, OWNER)
    age(User.objects.get(email=OWNER), settings.ACCOUNTS_UNCONFIRMED_DAYS + 1)

    call_command("delete_expired_registrations")

    assert "1 registration(s)" in capsys.readouterr().out
    assert not User.objects.filter(email=OWNER).exists()


def test_the_confirmation_is_sent_again_to_a_registration_that_waits(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, OWNER)
        response = client.post(reverse("accounts:confirm_again"), {"email": "Sun-Hee.Park@snu.example.ac.kr"})

    assert response.status_code == 200
    _, again = sent_to(OWNER)
    assert client.get(link_in(again, "/accounts/confirm/")).status_code == 302
    assert User.objects.get(email=OWNER).is_active


def test_send_the_confirmation_again_answers_the_same_whatever_the_address(
    client, owner, django_capture_on_commit_callbacks
):
    page = reverse("accounts:confirm_again")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(page, {"email": OWNER})
        unknown = client.post(page, {"email": "nobody@example.org"})

    assert confirmed.status_code == unknown.status_code == 200
    assert page_text(confirmed, OWNER) == page_text(unknown, "nobody@example.org")
    assert not mail.outbox


def test_send_the_confirmation_again_is_limited_per_client_and_per_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNTS_EMAIL_RATE = "2/h"
    with django_capture_on_commit_callbacks(execute=True):
        register(client, OWNER)
    page = reverse("accounts:confirm_again")

    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(page, {"email": OWNER}, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(4)]
        from_one_client = [client.post(page, {"email": "x@example.org"}).status_code for _ in range(3)]

    assert answers == [200] * 4
    assert len(sent_to(OWNER)) == 1 + 2, "the registration's email and two more, whoever asks"
    assert from_one_client == [200, 200, 429]
