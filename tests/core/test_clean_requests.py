"""A path holding a NUL byte or bytes that are not UTF-8 is refused before any page; NULs leave the query
string, so a search or a filter typed with one is read without it, on PostgreSQL as on SQLite."""

import pytest

from nlk_portal.core.middleware import readable, without_nul
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/ill/track/%00/", "/ill/track/%C3%28/", "/admin/ill/illrequest/1%00/change/", "/partners/%FF/", "/%00"],
)
def test_a_path_with_a_nul_byte_or_broken_utf8_is_a_bad_request(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_nul_in_a_search_is_read_without_it(client):
    InstitutionFactory(name_en="National Library of Mongolia", country="MN")

    response = client.get("/partners/?q=Mon%00go%00lia")

    assert [i.name_en for i in response.context["institutions"]] == ["National Library of Mongolia"]


@pytest.mark.parametrize(
    "query, status",
    [
        ("status=%00", 200),
        ("direction__exact=%00", 200),
        ("country=K%00R", 200),
        ("q=%00", 200),
        ("q=%FF", 200),
        ("due=%00junk", 200),
        ("%00=1", 302),  # a filter the list does not have: Django's admin says so
        ("requesting_library__country__exact=K%00R", 400),  # a lookup the list does not offer
    ],
)
def test_an_admin_list_filtered_or_searched_with_a_nul_or_broken_utf8_answers(client, query, status):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(f"/admin/ill/illrequest/?{query}").status_code == status


def test_the_admin_autocomplete_reads_a_term_without_its_nul(client):
    InstitutionFactory(name_en="National Library of Mongolia", country="MN")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(
        "/admin/autocomplete/?app_label=ill&model_name=illrequest&field_name=requesting_library&term=Mon%00golia"
    )

    assert [r["text"] for r in response.json()["results"]] == ["National Library of Mongolia"]


def test_korean_and_other_text_passes_as_it_is(client):
    InstitutionFactory(name_en="National Library of Korea", name_ko="국립중앙도서관", country="KR")

    response = client.get("/partners/?q=%EA%B5%AD%EB%A6%BD")

    assert [i.name_ko for i in response.context["institutions"]] == ["국립중앙도서관"]


def test_readable_reads_percent_encoding_and_plus():
    assert readable(b"/ill/%ED%95%9C+%EA%B5%AD/%25%30%30")
    assert not readable(b"/a+%00")
    assert not readable(b"/\xff")
    assert not readable(b"/%E0%80%80")  # an overlong encoding of NUL is not UTF-8 either


def test_without_nul_keeps_every_name_and_value():
    assert without_nul(b"q=Mon%00golia&q=b&%00x=1&e=") == "q=Mongolia&q=b&x=1&e="
