"""Partner librarians and users in Korea set a new password by email; the form tells no one who has an account."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from partners.models import LibraryUser
from tests.factories import LibrarianFactory, UserFactory

from .registration import link_in, page_text, sent_to

pytestmark = pytest.mark.django_db
EMAIL = "sun-hee.park@snu.example.ac.kr"
NEW_PASSWORD = "a brand new pass phrase 7"
RESET = "/accounts/password/reset/"


@pytest.fixture
def librarian():
    return LibrarianFactory(user=UserFactory(username=EMAIL, email=EMAIL)).user


def ask_for_link(client, email, callbacks, **extra):
    with callbacks(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email}, **extra)


def set_new_password(client, link, password=NEW_PASSWORD):
    form = client.get(link, follow=True)
    return client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_a_partner_librarian_sets_a_new_password_by_the_emailed_link(
    client, librarian, django_capture_on_commit_callbacks
):
    page = client.get(reverse("accounts:login"))
    assert reverse("accounts:password_reset") in page.content.decode()

    sent = ask_for_link(client, "Sun-Hee.Park@SNU.example.ac.kr", django_capture_on_commit_callbacks)
    assert "If Sun-Hee.Park@SNU.example.ac.kr is the address of an account" in sent.content.decode()
    [message] = sent_to(EMAIL)
    assert "Set a new password" in message.subject
    link = link_in(message, RESET)

    saved = set_new_password(client, link)

    assert saved.status_code == 302 and saved["Location"] == reverse("accounts:password_reset_complete")
    logged_in = client.post(reverse("accounts:login"), {"username": EMAIL, "password": NEW_PASSWORD})
    assert logged_in.status_code == 302
    client.logout()
    used_again = client.get(link, follow=True)
    assert "This link does not work" in used_again.content.decode()


def test_a_user_in_korea_gets_the_link_in_korean(client, django_capture_on_commit_callbacks):
    user = UserFactory(username="jiwoo.han@example.kr", email="jiwoo.han@example.kr")
    LibraryUser.objects.create(user=user)

    page = client.get(reverse("accounts:password_reset"), headers={"accept-language": "ko"})
    ask_for_link(client, user.email, django_capture_on_commit_callbacks, headers={"accept-language": "ko"})

    assert "새 비밀번호 설정" in page.content.decode()
    [message] = mail.outbox
    assert "새 비밀번호" in message.subject
    assert set_new_password(client, link_in(message, RESET)).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_form_answers_the_same_for_an_address_without_an_account_or_of_staff(
    client, librarian, django_capture_on_commit_callbacks
):
    get_user_model().objects.create_superuser("nlk-admin", "admin@nl.go.kr", "correct horse battery staple")
    inactive = LibrarianFactory(user=UserFactory(email="inactive@example.org", is_active=False)).user

    answers = {
        email: ask_for_link(client, email, django_capture_on_commit_callbacks)
        for email in [EMAIL, "nobody@example.org", "admin@nl.go.kr", inactive.email]
    }

    pages = {page_text(response, email) for email, response in answers.items()}
    assert len(pages) == 1
    assert [message.to for message in mail.outbox] == [[EMAIL]]


def test_setting_a_new_password_lifts_a_lockout_of_the_account(client, librarian, django_capture_on_commit_callbacks):
    for n in range(5):
        client.post(reverse("accounts:login"), {"username": EMAIL, "password": f"wrong {n}"})
    locked = client.post(reverse("accounts:login"), {"username": EMAIL, "password": "correct horse battery staple"})
    assert locked.status_code == 429
    assert reverse("accounts:password_reset") in locked.content.decode()

    ask_for_link(client, EMAIL, django_capture_on_commit_callbacks)
    set_new_password(client, link_in(mail.outbox[0], RESET))

    assert client.post(reverse("accounts:login"), {"username": EMAIL, "password": NEW_PASSWORD}).status_code == 302


def test_links_are_limited_per_client_and_per_address(client, settings, librarian, django_capture_on_commit_callbacks):
    settings.ACCOUNTS_EMAIL_RATE = "2/h"

    from_many = [
        ask_for_link(client, EMAIL, django_capture_on_commit_callbacks, REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    from_one = [ask_for_link(client, "x@example.org", django_capture_on_commit_callbacks).status_code for _ in range(3)]

    assert from_many == [200] * 3
    assert len(sent_to(EMAIL)) == 2
    assert from_one == [200, 200, 429]
