"""The login page's messages: a wrong email or password said once and as "email", and a warning before the
last try, naming which of the three lockouts it would start."""

import re

import pytest

from tests.factories import LibrarianFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
EMAIL = "sun-hee.park@snu.example.ac.kr"
LOGIN = "/accounts/login/"
WRONG = {
    "en": "The email or the password is not right. Note that the password is case-sensitive.",
    "ko": "이메일 또는 비밀번호가 맞지 않습니다. 비밀번호는 대문자와 소문자를 구별합니다.",
}


@pytest.fixture
def librarian():
    return LibrarianFactory(user=UserFactory(username=EMAIL, email=EMAIL)).user


def wrong_login(client, language="en", username=EMAIL, **extra):
    response = client.post(
        LOGIN, {"username": username, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE=language, **extra
    )
    return response.content.decode()


def warning(html):
    found = re.search(r'<p class="alert alert-warning" id="tries-left">(.*?)</p>', html)
    return found[1] if found else None


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_wrong_password_is_said_once_and_speaks_of_the_email(client, librarian, language):
    html = wrong_login(client, language)

    assert html.count(WRONG[language]) == 1
    assert not re.search(r">[^<]*username[^<]*<", html, re.IGNORECASE), "no text a reader sees says username"
    assert re.search(r'<input type="email" name="username"', html)
    assert warning(html) is None


def test_a_missing_field_is_named_in_the_summary_and_at_the_field(client):
    html = client.post(LOGIN, {"username": "", "password": ""}).content.decode()

    assert "Email: This field is required." in html
    assert 'id="error_1_id_username"' in html
    assert warning(html) is None


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "1 try left before logins to this account from your network are paused for 30 minutes."),
        ("ko", "앞으로 1번 더 틀리면 이 네트워크에서 이 계정으로 30분 동안 로그인할 수 없습니다."),
    ],
)
def test_before_the_last_try_from_one_address_the_page_warns_of_the_account_s_lockout_from_there(
    client, settings, librarian, language, expected
):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert [warning(wrong_login(client, language)) for _ in range(3)] == [None] * 3

    assert warning(wrong_login(client, language)) == expected
    assert "Too many failed logins" in wrong_login(client, "en")


def test_the_account_s_own_limit_is_named_when_guesses_came_from_many_addresses(client, settings, librarian):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    for n in range(4):
        wrong_login(client, REMOTE_ADDR=f"198.51.100.{n + 1}")

    html = wrong_login(client, REMOTE_ADDR="203.0.113.50")

    assert warning(html) == "1 try left before logins to this account, from any network, are paused for 30 minutes."


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "1 try left before logins from your network are paused for 30 minutes."),
        ("ko", "앞으로 1번 더 틀리면 이 네트워크에서는 30분 동안 로그인할 수 없습니다."),
    ],
)
def test_the_address_s_limit_is_named_when_one_address_tried_many_accounts(client, settings, language, expected):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for n in range(2):
        wrong_login(client, username=f"someone{n}@example.org")

    html = wrong_login(client, language, username="another@example.org")

    assert warning(html) == expected


def test_the_time_said_is_the_lockout_s_own(client, settings, librarian):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = settings.AXES_COOLOFF_TIME / 30

    assert warning(wrong_login(client)) == (
        "1 try left before logins to this account from your network are paused for 1 minute."
    )
