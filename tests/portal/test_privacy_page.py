"""The privacy page states the settings the purge and the forms read, in English and Korean, and every page
and every form that collects personal data leads to it."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import library_user

pytestmark = pytest.mark.django_db
PRIVACY = "/privacy/"


def page(client, path=PRIVACY, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "language, requests, logins",
    [
        ("en", "kept for {} days from the day it is closed", "Records of failed logins are kept for {} days."),
        ("ko", "종결된 날(완료, 제공 불가, 취소 또는 대출 자료 반납)부터 {}일 동안 보관합니다", "로그인 실패 기록은 {}일 동안 보관합니다."),
    ],
)
def test_the_page_states_the_retention_periods_the_settings_give(client, settings, language, requests, logins):
    shown = text(page(client, language=language))
    assert requests.format(1095) in shown and logins.format(365) in shown

    settings.PERSONAL_DATA_RETENTION_DAYS = 730
    settings.LOGIN_RECORD_RETENTION_DAYS = 30
    changed = text(page(client, language=language))

    assert requests.format(730) in changed and logins.format(30) in changed
    assert requests.format(1095) not in changed


@pytest.mark.parametrize("language, version", [("en", "This is version {} of the notice."), ("ko", "이 처리방침은 {} 판입니다.")])
def test_the_page_shows_the_notice_s_version(client, settings, language, version):
    settings.PRIVACY_NOTICE_VERSION = "2027-03-01"

    assert version.format("2027-03-01") in text(page(client, language=language))


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_page_names_the_privacy_officer_the_settings_give(client, settings, language):
    settings.PRIVACY_OFFICER_NAME = "Hong Gil-dong <Privacy & Security>"
    settings.PRIVACY_OFFICER_CONTACT = "privacy@nl.example.kr, 02-000-0000"

    html = page(client, language=language)

    assert "Hong Gil-dong &lt;Privacy &amp; Security&gt;" in html
    assert "privacy@nl.example.kr, 02-000-0000" in html
    assert "PRIVACY_OFFICER_NAME" not in html


@pytest.mark.parametrize(
    "language, not_set",
    [
        ("en", "The privacy officer is not set on this installation"),
        ("ko", "이 설치본에는 개인정보 보호책임자가 설정되어 있지 않으므로"),
    ],
)
def test_without_the_officer_settings_the_page_says_plainly_they_are_not_set(client, settings, language, not_set):
    settings.PRIVACY_OFFICER_NAME = ""
    settings.PRIVACY_OFFICER_CONTACT = ""

    assert not_set in text(page(client, language=language))


def test_the_korean_page_is_in_korean(client):
    html = page(client, language="ko")

    assert '<html lang="ko">' in html
    assert "<h1 class=\"h3\">개인정보 처리방침</h1>" in html
    assert "국외 제공" in html


@pytest.mark.parametrize("path", ["/", "/partners/", "/cooperation/", "/ill/", "/ill/request/", "/accounts/login/", PRIVACY])
def test_the_footer_of_public_pages_links_to_the_privacy_page(client, path):
    footer = page(client, path).split('<footer', 1)[1]

    assert f'href="{PRIVACY}"' in footer


@pytest.mark.parametrize(
    "path, notice",
    [
        ("/ill/request/", "We use the contact person's name, email and postal address to handle this request"),
        ("/accounts/register/", "We use your name, email and the library you name to keep your account"),
        ("/accounts/login/", "A failed login is recorded with the email tried"),
    ],
)
def test_the_forms_of_overseas_librarians_show_the_notice_with_its_link_and_ask_no_consent(client, path, notice):
    html = page(client, path)
    main = html.split("<main", 1)[1].split("</main>", 1)[0]

    assert notice in text(main)
    assert re.search(rf'<p class="privacy-notice[^"]*" id="privacy-notice">.*?href="{PRIVACY}"', main, re.S)
    assert "consent" not in main


def test_the_librarian_s_request_form_states_the_retention_period_the_settings_give(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 400

    assert "They are kept for 400 days from the day the request is closed" in text(page(client, "/ill/request/"))


def consent_box(html, name):
    """The checkbox `name`, its label and the element its aria-describedby names, as HTML."""
    box = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)[0]
    box_id = re.search(r'id="([^"]+)"', box)[1]
    described = re.search(r'aria-describedby="([^"]+)"', box)[1].split()
    label = re.search(rf'<label for="{box_id}"[^>]*>(.*?)</label>', html, re.S)[1]
    descriptions = [re.search(rf'id="{each}"[^>]*>(.*?)</div>', html, re.S)[1] for each in described]
    return box, label, descriptions


def test_registration_in_korea_asks_consent_with_an_unticked_box_described_by_the_notice(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 500
    html = page(client, reverse("accounts:register_korea"), language="ko")

    box, label, [notice] = consent_box(html, "privacy_consent")
    assert "checked" not in box and "required" in box
    assert "개인정보를 수집·이용하는 데 동의합니다" in label
    assert "500일 동안 보관한 뒤 파기합니다" in notice and f'href="{PRIVACY}"' in notice
    assert "동의를 거부할 수 있습니다" in notice


def test_the_borrowing_form_asks_consent_to_the_transfer_abroad_with_its_own_box(client, settings):
    client.force_login(library_user())
    settings.PRIVACY_NOTICE_VERSION = "2027-03-01"
    html = page(client, reverse("ill:borrow"), language="en")

    box, label, [notice] = consent_box(html, "transfer_consent")
    assert "checked" not in box
    assert "going to a library abroad" in label
    assert "its country is known once staff choose it" in notice
    assert f'href="{PRIVACY}"' in notice and "version 2027-03-01" in notice


def test_a_signed_in_user_is_led_from_the_page_to_their_account_where_they_see_and_delete_their_data(client):
    client.force_login(library_user())

    html = page(client, PRIVACY, language="en")

    assert f'href="{reverse("my_account:account")}"' in html
