"""The directory's search and the request form's library search: accents, Korean words, abbreviations."""

import html

import pytest
from django.urls import reverse

from ill.views.requests import MAX_LIBRARY_RESULTS
from partners.models import Institution, InstitutionAlias, InstitutionKind, SearchRank
from tests.factories import InstitutionAliasFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

MALAGA = "Biblioteca universitaria de la Universidad de Málaga"
HONEST_EN = "City and institution names are listed in their own languages; try the English or native name."
HONEST_KO = "도시와 기관의 이름은 각 나라의 언어로 적혀 있습니다. 영어 이름이나 현지 이름으로 검색하십시오."


def directory(client, text, language="en"):
    """(names found, the page's text) for a search of the directory read in language."""
    client.post(reverse("set_language"), {"language": language})
    response = client.get(reverse("partners:directory"), {"q": text})
    assert response.status_code == 200
    return [i.name_en for i in response.context["institutions"]], html.unescape(response.content.decode())


def found(client, text, language="en"):
    return directory(client, text, language)[0]


def picker(client, text, language="en"):
    """The request form's library search: its JSON body."""
    client.post(reverse("set_language"), {"language": language})
    response = client.get(reverse("ill:library_search"), {"q": text})
    assert response.status_code == 200
    return response.json()


def picked(client, text, language="en"):
    return [r["name"] for r in picker(client, text, language)["results"]]


@pytest.fixture
def copenhagen(db):
    royal = InstitutionFactory(name_en="Royal Danish Library", kind="national", country="DK", city="København")
    InstitutionAliasFactory(institution=royal, name="Det Kgl. Bibliotek")
    InstitutionFactory(name_en="National Library of Norway", kind="national", country="NO", city="Oslo")
    return royal


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("text", ["Malaga", "Málaga", "MALAGA", "malaga", "ＭＡＬＡＧＡ", "Ma\u0301laga"])
def test_malaga_is_found_with_or_without_its_accent(client, reference_data, text, language):
    assert found(client, text, language) == [MALAGA]
    assert picked(client, text, language) == [MALAGA]


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("text", ["Kobenhavn", "københavn", "KØBENHAVN", "København", "kobenhavn"])
def test_kobenhavn_is_found_however_it_is_written(client, copenhagen, text, language):
    assert found(client, text, language) == ["Royal Danish Library"]
    assert picked(client, text, language) == ["Royal Danish Library"]


def test_a_search_with_accents_finds_a_name_written_without_them(client):
    InstitutionFactory(name_en="Malaga Public Library", country="ES", city="Malaga")
    InstitutionFactory(name_en="Kobenhavns Biblioteker", country="DK", city="Kobenhavn")
    InstitutionFactory(name_en="Biblioteca Nacional de España", country="ES", city="Madrid")

    assert found(client, "Málaga") == ["Malaga Public Library"]
    assert found(client, "København") == ["Kobenhavns Biblioteker"]
    assert found(client, "Espana") == found(client, "ESPAÑA") == ["Biblioteca Nacional de España"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Staatsbibliothek zu Berlin, Haus Potsdamer Straße", "potsdamer strasse"),
        ("Biblioteka Uniwersytecka we Wrocławiu", "wroclawiu"),
        ("Thư viện Đà Nẵng", "da nang"),
        ("Ærø Bibliotek", "aero"),
        ("Landsbókasafn Íslands – Háskólabókasafn", "landsbokasafn islands - haskolabokasafn"),
    ],
)
def test_letters_that_do_not_decompose_are_folded_too(client, name, text):
    InstitutionFactory(name_en=name)
    InstitutionFactory(name_en="National Library of Mongolia", country="MN")

    assert found(client, text) == [name]
    assert found(client, text.upper()) == [name]


def test_the_folded_ranks_are_those_of_the_names(client):
    InstitutionFactory(name_en="Biblioteca de Málaga", country="ES", city="Málaga")
    exact = InstitutionFactory(name_en="Biblioteca Municipal", country="ES")
    InstitutionAliasFactory(institution=exact, name="MÁLAGA")
    InstitutionFactory(name_en="Málaga University Library", country="ES")
    InstitutionFactory(name_en="Centro Cultural", country="ES", city="Malaga")

    ranked = Institution.objects.search("malaga")

    assert [(i.name_en, i.search_rank) for i in ranked] == [
        ("Biblioteca Municipal", SearchRank.EXACT),
        ("Málaga University Library", SearchRank.PREFIX),
        ("Biblioteca de Málaga", SearchRank.CONTAINS),
        ("Centro Cultural", SearchRank.OTHER),
    ]


def test_a_name_changed_with_update_fields_is_searched_by_its_new_spelling(client):
    library = InstitutionFactory(name_en="City Library", city="Krakow")
    alias = InstitutionAliasFactory(institution=library, name="Old Name")

    library.city = "Kraków"
    library.name_en = "Biblioteka Kraków"
    library.save(update_fields=["city", "name_en"])
    alias.name = "Miejska Biblioteka Publiczna w Łodzi"
    alias.save(update_fields=["name"])

    assert found(client, "krakow") == ["Biblioteka Kraków"]
    assert found(client, "lodzi") == ["Biblioteka Kraków"]
    assert found(client, "City Library") == []


def test_aliases_created_in_bulk_are_searched_folded(client):
    library = InstitutionFactory(name_en="Royal Danish Library", country="DK")
    InstitutionAlias.objects.bulk_create([InstitutionAlias(institution=library, name="Det Kongelige Bibliotek, København")])

    assert found(client, "kobenhavn") == ["Royal Danish Library"]


def test_korean_searches_still_find_korean_names(client, reference_data):
    assert found(client, "국립중앙도서관", "ko") == ["National Library of Korea"]
    assert found(client, "러시아국립", "ko") == ["Russian State Library"]
    assert Institution.objects.search("국립중앙도서관").get().search_rank == SearchRank.EXACT


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("text", ["대학교", "대학교도서관", "대학교 도서관", "대학 도서관", "대학도서관"])
def test_daehakgyo_finds_the_universities(client, reference_data, text, language):
    universities = list(Institution.objects.filter(kind=InstitutionKind.ACADEMIC).values_list("name_en", flat=True))
    assert len(universities) == 23
    assert "Free University of Berlin" in universities and "Peking University Library" in universities

    assert sorted(found(client, text, language)) == sorted(universities)
    assert picked(client, text, language) == sorted(universities)[:MAX_LIBRARY_RESULTS]


@pytest.mark.parametrize(
    ("korean", "kind"),
    [
        ("국립도서관", InstitutionKind.NATIONAL),
        ("국가도서관", InstitutionKind.NATIONAL),
        ("공공도서관", InstitutionKind.PUBLIC),
        ("시립도서관", InstitutionKind.PUBLIC),
        ("전문도서관", InstitutionKind.SPECIAL),
        ("연구소", InstitutionKind.RESEARCH),
        ("연구기관", InstitutionKind.RESEARCH),
        ("연구원", InstitutionKind.RESEARCH),
        ("국제기구", InstitutionKind.INTERNATIONAL_ORG),
        ("국제기관", InstitutionKind.INTERNATIONAL_ORG),
    ],
)
def test_korean_words_for_kinds_of_institution_find_that_kind(client, korean, kind):
    for each in InstitutionKind:
        InstitutionFactory(name_en=f"Test {each.value}", kind=each, country="FR")

    assert found(client, korean, "ko") == [f"Test {kind.value}"]
    assert found(client, korean, "en") == [f"Test {kind.value}"]


def test_doseogwan_finds_every_library_but_not_the_institutes_or_organizations(client):
    for each in InstitutionKind:
        InstitutionFactory(name_en=f"Test {each.value}", kind=each, country="FR")

    assert sorted(found(client, "도서관", "ko")) == ["Test academic", "Test national", "Test public", "Test special"]


def test_a_museum_is_a_kind_the_directory_does_not_have(client, reference_data):
    names, page = directory(client, "박물관", "ko")

    assert names == found(client, "museum") == []
    assert HONEST_KO in page


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("text", ["UK", "uk", "U.K.", "영국", "United Kingdom"])
def test_uk_finds_the_united_kingdom(client, reference_data, text, language):
    assert found(client, text, language) == ["Bodleian Libraries, University of Oxford"]
    assert picked(client, text, language) == ["Bodleian Libraries, University of Oxford"]


@pytest.mark.parametrize("text", ["USA", "U.S.A.", "US"])
def test_usa_finds_the_united_states(client, reference_data, text):
    names = found(client, text)

    assert {"Library of Congress", "Queens Library at Flushing"} <= set(names)


def test_an_abbreviation_is_matched_whole_not_inside_a_word(client, reference_data):
    assert "Bodleian Libraries, University of Oxford" not in found(client, "duk")
    assert "Bodleian Libraries, University of Oxford" not in found(client, "uk library")


@pytest.mark.parametrize(
    ("language", "honest"), [("en", f"No institution matched “코펜하겐”. {HONEST_EN}"), ("ko", f"“코펜하겐”에 대한 검색 결과가 없습니다. {HONEST_KO}")]
)
def test_a_korean_city_name_the_directory_does_not_have_gets_an_honest_answer(client, reference_data, language, honest):
    names, page = directory(client, "코펜하겐", language)

    assert names == []
    assert honest in page
    # The same city in English is there.
    assert found(client, "Copenhagen", language) == [
        "University of Copenhagen (Department of Cross-Cultural and Regional Studies)"
    ]


@pytest.mark.parametrize("text", ["서울", "베이징", "도쿄", "예루살렘"])
def test_no_korean_city_name_is_made_up(client, reference_data, text):
    # The reference data gives every city in English only; staff may add the Korean name (city_ko).
    assert not Institution.objects.exclude(city_ko="").exists()
    assert found(client, text, "ko") == []


def test_a_korean_city_name_staff_add_is_found(client, copenhagen):
    copenhagen.city_ko = "코펜하겐"
    copenhagen.save(update_fields=["city_ko"])

    names, page = directory(client, "코펜하겐", "ko")

    assert names == ["Royal Danish Library"]
    assert HONEST_KO not in page


def test_a_latin_search_that_finds_nothing_keeps_the_plain_answer(client, reference_data):
    names, page = directory(client, "Atlantis", "en")

    assert names == []
    assert "No institution matches your search." in page
    assert HONEST_EN not in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "No library matched “코펜하겐”. City and library names are listed in their own languages; "
            "try the English or native name, or enter your library below.",
        ),
        (
            "ko",
            "“코펜하겐”에 대한 검색 결과가 없습니다. 도시와 도서관의 이름은 각 나라의 언어로 적혀 있습니다. "
            "영어 이름이나 현지 이름으로 검색하거나 아래에 도서관을 입력하십시오.",
        ),
    ],
)
def test_the_library_search_tells_a_korean_search_that_found_nothing_why(client, reference_data, language, message):
    assert picker(client, "코펜하겐", language) == {"results": [], "message": message}
    assert picker(client, "Atlantis", language) == {"results": []}
    assert "message" not in picker(client, "대학교", language)


def test_a_stray_accent_alone_finds_nothing(client, reference_data):
    assert found(client, "\u0301") == []
    assert len(found(client, "")) == Institution.objects.count()


def test_the_search_is_shown_escaped_in_the_honest_answer(client):
    response = client.get(reverse("partners:directory"), {"q": "<b>서울</b>"})

    assert "&lt;b&gt;서울&lt;/b&gt;" in response.content.decode()
    assert "<b>서울</b>" not in response.content.decode()
