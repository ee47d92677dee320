"""A catalogue or discovery system links to the request form with an OpenURL 1.0 query, and the form opens
with the item filled in; keys the form does not know are ignored and a bad value leaves its field empty."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from ill.forms.openurl import initial_from_openurl
from ill.models import IllRequest
from tests.factories import InstitutionFactory
from tests.ill.forms import form_data

URL = reverse("ill:request")

ARTICLE = {
    "url_ver": "Z39.88-2004",
    "rft_val_fmt": "info:ofi/fmt:kev:mtx:journal",
    "rft.genre": "article",
    "rft.atitle": "Hangeul and the printing of the Joseon dynasty",
    "rft.jtitle": "Korea Journal",
    "rft.aulast": "Kim",
    "rft.aufirst": "Min-ji",
    "rft.issn": "0023-3900",
    "rft.date": "2019-06",
    "rft.volume": "59",
    "rft.issue": "2",
    "rft.spage": "12",
    "rft.epage": "30",
    "rft.pub": "Korean National Commission for UNESCO",
    "rft.place": "Seoul",
    "rft_id": "info:doi/10.25024/kj.2019.59.2.12",
    "rfr_id": "info:sid/worldcat.org",
    "rft.unknown_key": "ignored",
}


def initial(query):
    return initial_from_openurl(query, this_year=2026)


def test_an_article_fills_in_the_article_and_its_serial():
    assert initial(ARTICLE) == {
        "item_type": "article",
        "serial_title": "Korea Journal",
        "article_title": "Hangeul and the printing of the Joseon dynasty",
        "author": "Kim, Min-ji",
        "publisher": "Korean National Commission for UNESCO",
        "place": "Seoul",
        "volume": "59",
        "issue": "2",
        "issn": "00233900",
        "year": 2019,
        "pages_wanted": "12-30",
        "citation_source": "info:doi/10.25024/kj.2019.59.2.12",
        "service": "copy",
    }


def test_a_book_fills_in_its_title_and_a_chapter_its_own():
    book = initial({"rft.genre": "bookitem", "rft.btitle": "한국 근대 문학사", "rft.atitle": "1920년대의 소설",
                    "rft.au": "김윤식", "rft.isbn": "978-89-364-3456-4", "rft.pages": "45-60, 70"})

    assert book == {
        "item_type": "monograph",
        "title": "한국 근대 문학사",
        "part_title": "1920년대의 소설",
        "author": "김윤식",
        "isbn": "9788936434564",
        "pages_wanted": "45-60, 70",
        "service": "copy",
    }
    assert initial({"rft.title": "Han'guk munhak sa"}) == {"item_type": "monograph", "title": "Han'guk munhak sa"}


@pytest.mark.parametrize(
    "key, value",
    [
        ("rft.isbn", "978-89-364-3456-5"),  # wrong check digit
        ("rft.issn", "1234-5678"),
        ("rft.date", "next spring"),
        ("rft.date", "3019"),
        ("rft.pages", "the good bits"),
        ("rft.spage", "0"),
        ("rft.volume", "v" * 51),
        ("rft.btitle", "t" * 501),
    ],
)
def test_a_bad_value_leaves_its_field_empty(key, value):
    field = {"rft.isbn": "isbn", "rft.issn": "issn", "rft.date": "year", "rft.pages": "pages_wanted",
             "rft.spage": "pages_wanted", "rft.volume": "volume", "rft.btitle": "title"}[key]

    assert field not in initial({"rft.genre": "book", key: value})


def test_control_characters_are_dropped_and_an_empty_query_fills_nothing():
    assert initial({"rft.btitle": "Korea\x00 Journal\x07"})["title"] == "Korea Journal"
    assert initial({}) == {}
    assert initial({"q": "anything", "title": "not an OpenURL key"}) == {}


@pytest.mark.django_db
def test_the_form_opens_filled_in_from_an_openurl_link(client, source_fee_schedule):
    html = client.get(f"{URL}?{urlencode(ARTICLE)}").content.decode()

    assert 'value="Hangeul and the printing of the Joseon dynasty"' in html
    assert 'value="Korea Journal"' in html and 'value="00233900"' in html
    assert 'value="12-30"' in html and 'value="2019"' in html
    assert re.search(r'<input[^>]*name="item_type"[^>]*value="article"[^>]*checked', html)
    assert IllRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_chapter_asked_for_through_the_form_keeps_its_title(client, source_fee_schedule):
    library = InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")
    data = form_data(library, part_title="1920년대의 소설", part_author="김윤식", action="submit")

    response = client.post(URL, data)

    assert response.status_code == 302
    assert IllRequest.objects.get().part_title == "1920년대의 소설"
