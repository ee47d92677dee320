"""A lockout of a staff account after failed logins is emailed to ILL staff, once, with how to lift it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from nlk_portal.core.roles import ILL_STAFF
from tests.factories import LibrarianFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
ADMIN_LOGIN = "/admin/login/"
GUESSER = "198.51.100.7"


@pytest.fixture
def ill_staff():
    group, _ = Group.objects.get_or_create(name=ILL_STAFF)
    members = [
        UserFactory(username="mi-young.kim", email="mi-young.kim@nl.go.kr", is_staff=True),
        UserFactory(username="dong-hyun.lee", email="dong-hyun.lee@nl.go.kr", is_staff=True),
    ]
    UserFactory(username="retired", email="retired@nl.go.kr", is_staff=True, is_active=False).groups.add(group)
    for member in members:
        member.groups.add(group)
    return members


@pytest.fixture
def admin_account():
    return get_user_model().objects.create_superuser("NLK-Admin", "admin@nl.go.kr", PASSWORD)


def attempts(client, callbacks, username, passwords, page=ADMIN_LOGIN, address=GUESSER):
    with callbacks(execute=True):
        return [
            client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address).status_code
            for password in passwords
        ]


def test_ill_staff_are_emailed_once_when_a_staff_account_is_locked_out(
    client, settings, ill_staff, admin_account, django_capture_on_commit_callbacks
):
    wrong = [f"wrong guess {n}" for n in range(8)]
    answers = attempts(client, django_capture_on_commit_callbacks, "NLK-Admin", [*wrong[:4], PASSWORD])
    assert mail.outbox == [] and answers[-1] == 302, "four failures lock nothing and tell no one"
    client.logout()

    answers = attempts(client, django_capture_on_commit_callbacks, "NLK-Admin", [*wrong, PASSWORD])

    assert answers[-1] == 429
    [notice] = mail.outbox
    assert sorted(notice.to) == ["dong-hyun.lee@nl.go.kr", "mi-young.kim@nl.go.kr"]
    assert "NLK-Admin" in notice.subject
    assert "staff account NLK-Admin" in notice.body and GUESSER in notice.body
    assert re.search(r"blocked at \d{4}-\d\d-\d\d \d\d:\d\d \(Seoul time\)", notice.body)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert f"{settings.PORTAL_URL}{changelist}?q=NLK-Admin" in notice.body


def test_the_notice_goes_to_the_team_mailbox_when_there_is_one(
    client, settings, ill_staff, admin_account, django_capture_on_commit_callbacks
):
    settings.ILL_TEAM_EMAIL = ["ill-team@nl.go.kr"]

    wrong = [f"wrong {n}" for n in range(5)]
    attempts(client, django_capture_on_commit_callbacks, "NLK-Admin", wrong, "/accounts/login/")

    [notice] = mail.outbox
    assert notice.to == ["ill-team@nl.go.kr"]


def test_a_lockout_of_an_account_that_is_not_staff_is_not_emailed(
    client, ill_staff, django_capture_on_commit_callbacks
):
    librarian = LibrarianFactory(user=UserFactory(username="a@snu.example.ac.kr", email="a@snu.example.ac.kr")).user
    answers = attempts(
        client, django_capture_on_commit_callbacks, librarian.username,
        [f"wrong {n}" for n in range(6)], "/accounts/login/",
    )

    assert answers[-1] == 429
    assert mail.outbox == []
