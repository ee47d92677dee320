"""What every page's frame and the admin say, in English and Korean."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def korean(client):
    client.post(reverse("set_language"), {"language": "ko"})
    return client


def test_the_footer_marks_the_address_the_library_gives_only_in_english(client):
    html = korean(client).get(reverse("home")).content.decode()
    footer = html.split('<footer')[1]

    assert '<html lang="ko">' in html
    assert '<span lang="en">201 Banpo-daero, Seocho-gu, Seoul 06579, Republic of Korea</span>' in footer
    assert "자료관리과, 국립중앙도서관" in footer


def test_the_admin_names_itself_in_the_reader_s_language(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    english = client.get(reverse("admin:index")).content.decode()
    korean_html = korean(client).get(reverse("admin:index")).content.decode()

    assert "NLK International Cooperation Portal" in english
    assert "<title>Site administration | NLK portal admin</title>" in english
    assert "국립중앙도서관 국제협력 포털" in korean_html
    assert "NLK International Cooperation Portal" not in korean_html
    assert re.search(r"<title>[^<]*\| 국제협력 포털 관리</title>", korean_html)


@pytest.mark.parametrize(
    ("url", "language", "title"),
    [
        ("ill:request", "en", "<title>Error: Request Korean material"),
        ("ill:request", "ko", "<title>오류: 한국 자료 신청"),
        ("accounts:register", "en", "<title>Error: Register as a partner librarian"),
        ("accounts:register_korea", "ko", "<title>오류: 해외 자료 신청을 위한 가입"),
        ("accounts:login", "en", "<title>Error: Log in"),
    ],
)
def test_a_form_sent_back_with_errors_says_so_first_in_the_title_and_lists_them(client, url, language, title):
    if language == "ko":
        korean(client)
    else:
        client.post(reverse("set_language"), {"language": "en"})

    html = client.post(reverse(url), {"email": "not an address"}).content.decode()

    assert title in html
    assert 'id="error-summary"' in html


def test_a_page_without_errors_has_its_plain_title(client):
    html = client.get(reverse("accounts:register")).content.decode()

    assert "<title>Register as a partner librarian" in html
    assert 'id="error-summary"' not in html


def test_each_radio_button_of_a_group_with_an_error_is_described_by_it(client):
    html = client.post(reverse("ill:request"), {"service": "copy"}).content.decode()

    radios = re.findall(r'<input type="radio"[^>]*name="item_type"[^>]*>', html)
    assert len(radios) == 2
    assert all('aria-describedby="id_item_type_error"' in radio for radio in radios)
    assert 'id="id_item_type_error"' in html
