"""Staff set a new password by the admin's own reset; the admin never offers the registrants' reset."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import LibrarianFactory, UserFactory

from .registration import link_in, page_text, sent_to

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new pass phrase 7"
STAFF_EMAIL = "mi-young.kim@nl.go.kr"
ADMIN_RESET = "/admin/password_reset/"


@pytest.fixture
def staff():
    return UserFactory(username="mi-young.kim", email=STAFF_EMAIL, is_staff=True)


def ask_for_link(client, email, callbacks, **extra):
    with callbacks(execute=True):
        return client.post(ADMIN_RESET, {"email": email}, **extra)


def test_the_admin_login_offers_staff_their_own_reset_and_never_the_registrants(client, staff):
    page = client.get(reverse("admin:login")).content.decode()

    assert f'href="{ADMIN_RESET}"' in page
    assert reverse("accounts:password_reset") not in page


def test_the_admin_lockout_page_offers_staff_their_own_reset(client, staff):
    for n in range(6):
        response = client.post(reverse("admin:login"), {"username": "mi-young.kim", "password": f"wrong {n}"})

    assert response.status_code == 429
    assert f'href="{ADMIN_RESET}"' in response.content.decode()
    assert reverse("accounts:password_reset") not in response.content.decode()


def test_a_member_of_staff_sets_a_new_password_by_the_emailed_link(
    client, staff, django_capture_on_commit_callbacks
):
    for n in range(5):
        client.post(reverse("admin:login"), {"username": "mi-young.kim", "password": f"wrong {n}"})
    assert AccessAttempt.objects.filter(username="mi-young.kim").exists()

    sent = ask_for_link(client, "Mi-Young.Kim@NL.go.kr", django_capture_on_commit_callbacks)

    assert sent.status_code == 302 and sent["Location"] == "/admin/password_reset/done/"
    [message] = sent_to(STAFF_EMAIL)
    link = link_in(message, ADMIN_RESET)
    form = client.get(link, follow=True)
    saved = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302 and saved["Location"] == "/admin/password_reset/complete/"
    assert not AccessAttempt.objects.filter(username="mi-young.kim").exists(), "the new password lifts the lockout"
    logged_in = client.post(reverse("admin:login"), {"username": "mi-young.kim", "password": NEW_PASSWORD})
    assert logged_in.status_code == 302 and "_auth_user_id" in client.session


def test_an_address_that_is_not_staff_s_gets_no_email_and_the_same_answer(
    client, staff, django_capture_on_commit_callbacks
):
    librarian = LibrarianFactory(user=UserFactory(username="a@snu.example.ac.kr", email="a@snu.example.ac.kr")).user
    retired = UserFactory(username="retired", email="retired@nl.go.kr", is_staff=True, is_active=False)

    answers = {
        email: ask_for_link(client, email, django_capture_on_commit_callbacks)
        for email in (STAFF_EMAIL, librarian.email, retired.email, "nobody@example.org")
    }

    assert [message.to for message in mail.outbox] == [[STAFF_EMAIL]]
    assert {(answer.status_code, answer["Location"]) for answer in answers.values()} == {
        (302, "/admin/password_reset/done/")
    }
    done = client.get("/admin/password_reset/done/")
    assert done.status_code == 200 and "Password reset sent" in page_text(done)


def test_the_admin_reset_is_limited_like_the_other_email_forms(
    client, settings, staff, django_capture_on_commit_callbacks
):
    settings.ACCOUNTS_EMAIL_RATE = "2/h"
    answers = [
        ask_for_link(client, "nobody@example.org", django_capture_on_commit_callbacks, REMOTE_ADDR="198.51.100.9")
        for _ in range(3)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert ask_for_link(
        client, STAFF_EMAIL, django_capture_on_commit_callbacks, REMOTE_ADDR="198.51.100.9"
    ).status_code == 429
    assert mail.outbox == []
    assert get_user_model().objects.get(pk=staff.pk).check_password(PASSWORD)
