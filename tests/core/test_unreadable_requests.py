"""A path or query string holding a NUL byte or bytes that are not UTF-8 is refused before any page."""

import pytest

from nlk_portal.core.middleware import readable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/partners/?q=%00",
        "/partners/?q=Seoul%00",
        "/partners/?%00=1",
        "/partners/?q=%FF",
        "/partners/?q=%ED%95",  # half of 한
        "/ill/track/%00/",
        "/ill/track/%C3%28/",
        "/admin/autocomplete/?app_label=ill&model_name=illrequest&field_name=requesting_library&term=%00",
        "/admin/ill/illrequest/?status__exact=%00",
    ],
)
def test_a_nul_byte_or_broken_utf8_is_a_bad_request(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.parametrize("url", ["/partners/?q=%ED%95%9C%EA%B5%AD", "/partners/?q=Biblioth%C3%A8que+nationale", "/partners/?q=%25"])
def test_korean_and_other_text_passes(client, url):
    assert client.get(url).status_code == 200


def test_readable_reads_percent_encoding_and_plus():
    assert readable(b"q=%ED%95%9C+%EA%B5%AD&x=%25%30%30")
    assert not readable(b"q=a+%00")
    assert not readable(b"\xff")
    assert not readable(b"%E0%80%80")  # an overlong encoding of NUL is not UTF-8 either
