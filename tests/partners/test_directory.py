import pytest
from django.urls import reverse

from tests.factories import InstitutionAliasFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_the_directory_groups_institutions_by_country_with_counts(client):
    InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")
    InstitutionFactory(name_en="Université Paris Cité Library", country="FR")
    InstitutionFactory(name_en="National Library of Mongolia", country="MN", kind="national")

    response = client.get(reverse("partners:directory"))

    assert response.status_code == 200
    groups = {str(g["country"].name): [i.name_en for i in g["institutions"]] for g in response.context["groups"]}
    assert groups == {
        "France": ["Bibliothèque nationale de France", "Université Paris Cité Library"],
        "Mongolia": ["National Library of Mongolia"],
    }
    assert "3 institutions in 2 countries." in response.content.decode()


def test_a_search_finds_an_institution_by_an_old_spelling(client):
    bhutan = InstitutionFactory(name_en="National Library of Bhutan", country="BT")
    InstitutionAliasFactory(institution=bhutan, name="National Library of Butan")
    InstitutionFactory(name_en="National Library of Nepal", country="NP")

    response = client.get(reverse("partners:directory"), {"q": "butan"})

    assert [i.name_en for i in response.context["institutions"]] == ["National Library of Bhutan"]


def test_a_search_by_country_name_in_english_or_korean(client):
    InstitutionFactory(name_en="National Library of Mongolia", country="MN")
    InstitutionFactory(name_en="National Library of Nepal", country="NP")

    by_english = client.get(reverse("partners:directory"), {"q": "Mongolia"})
    by_korean = client.get(reverse("partners:directory"), {"q": "몽골"})

    assert [i.name_en for i in by_english.context["institutions"]] == ["National Library of Mongolia"]
    assert [i.name_en for i in by_korean.context["institutions"]] == ["National Library of Mongolia"]


def test_inactive_institutions_are_not_listed(client):
    InstitutionFactory(name_en="Closed Library", is_active=False)

    response = client.get(reverse("partners:directory"))

    assert "Closed Library" not in response.content.decode()


def test_names_in_any_script_are_shown_escaped(client):
    InstitutionFactory(name_en="<script>alert(1)</script> Library", name_ko="도서관 <b>", country="KR")

    html = client.get(reverse("partners:directory")).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Library" in html


def test_the_directory_speaks_korean(client):
    InstitutionFactory(name_en="National Library of Korea", name_ko="국립중앙도서관", country="KR")

    client.post(reverse("set_language"), {"language": "ko"})
    html = client.get(reverse("partners:directory")).content.decode()

    assert '<html lang="ko">' in html
    assert "협력 기관" in html
    assert "국립중앙도서관" in html
    assert "대한민국" in html


def test_the_home_page_counts_the_directory(client, reference_data):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    directory = response.context["directory"]
    assert directory["institutions"] > 70
    assert f"{directory['institutions']} partner institutions in {directory['countries']} countries." in (
        response.content.decode()
    )


def test_a_nul_character_in_a_search_is_ignored(client):
    InstitutionFactory(name_en="National Library of Mongolia", country="MN")
    InstitutionFactory(name_en="National Library of Nepal", country="NP")

    response = client.get(reverse("partners:directory"), {"q": "Mongo\x00lia\x00"})

    assert response.status_code == 200
    assert [i.name_en for i in response.context["institutions"]] == ["National Library of Mongolia"]


def names(response):
    return [i.name_en for i in response.context["institutions"]]


def search(client, text, language="en"):
    client.post(reverse("set_language"), {"language": language})
    return names(client.get(reverse("partners:directory"), {"q": text}))


@pytest.mark.parametrize(
    ("korean", "english"),
    [("국립도서관", "National library"), ("대학도서관", "Academic library"), ("일본", "Japan"), ("독일", "Germany")],
)
def test_a_search_in_korean_finds_what_its_english_equivalent_finds(client, korean, english):
    InstitutionFactory(name_en="National Diet Library", kind="national", country="JP", city="Tokyo")
    InstitutionFactory(name_en="Waseda University Library", kind="academic", country="JP", city="Tokyo")
    InstitutionFactory(name_en="Free University of Berlin", kind="academic", country="DE", city="Berlin")
    InstitutionFactory(name_en="Deutsche Nationalbibliothek", kind="national", country="DE", city="Leipzig")
    InstitutionFactory(name_en="Queens Library at Flushing", kind="public", country="US", city="New York")

    found = search(client, korean, "ko")

    assert found
    assert found == search(client, english, "ko") == search(client, english, "en")


def test_the_korean_country_names_are_those_of_django_countries(client):
    InstitutionFactory(name_en="National Diet Library", country="JP")
    InstitutionFactory(name_en="Free University of Berlin", country="DE")

    assert search(client, "일본") == ["National Diet Library"]
    assert search(client, "독일") == ["Free University of Berlin"]


def test_korean_names_cities_and_other_spellings_that_staff_add_are_searched(client):
    berlin = InstitutionFactory(name_en="Free University of Berlin", country="DE", city="Berlin")
    InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE", city="Berlin", city_ko="베를린")
    InstitutionAliasFactory(institution=berlin, name="베를린 자유대학교")
    InstitutionFactory(name_en="National Library of Mongolia", name_ko="몽골 국립도서관", country="MN")

    assert search(client, "자유대학교", "ko") == ["Free University of Berlin"]
    assert search(client, "베를린", "ko") == ["Free University of Berlin", "Staatsbibliothek zu Berlin"]
    assert search(client, "몽골 국립", "ko") == ["National Library of Mongolia"]


def test_a_city_given_in_korean_is_shown_on_the_korean_page(client):
    InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE", city="Berlin", city_ko="베를린")

    english = client.get(reverse("partners:directory")).content.decode()
    client.post(reverse("set_language"), {"language": "ko"})
    korean = client.get(reverse("partners:directory")).content.decode()

    assert "· Berlin" in english
    assert "· 베를린" in korean


def test_search_results_are_ranked_exact_then_prefix_then_contains_then_the_rest(client):
    InstitutionFactory(name_en="Library of Mongolia Studies", country="FR")
    InstitutionFactory(name_en="Ulaanbaatar City Public Library", country="MN", city="Ulaanbaatar")
    InstitutionFactory(name_en="Central Mongolia Archive", country="FR")
    exact = InstitutionFactory(name_en="Bibliothèque nationale de Mongolie", country="MN")
    InstitutionAliasFactory(institution=exact, name="Mongolia")
    InstitutionFactory(name_en="Mongolian Academy of Sciences Library", country="MN")

    response = search(client, "mongolia")

    assert response == [
        "Bibliothèque nationale de Mongolie",  # an other spelling is the text
        "Mongolian Academy of Sciences Library",  # the name starts with it
        "Central Mongolia Archive",  # the name contains it
        "Library of Mongolia Studies",
        "Ulaanbaatar City Public Library",  # only its country matches
    ]


def test_a_ranked_search_keeps_each_country_together_where_its_best_match_ranks(client):
    InstitutionFactory(name_en="Central Mongolia Archive", country="FR")
    InstitutionFactory(name_en="Mongolian Academy of Sciences Library", country="MN")
    InstitutionFactory(name_en="Ulaanbaatar City Public Library", country="MN")

    response = client.get(reverse("partners:directory"), {"q": "mongolia"})

    groups = [(str(g["country"].name), [i.name_en for i in g["institutions"]]) for g in response.context["groups"]]
    assert groups == [
        ("Mongolia", ["Mongolian Academy of Sciences Library", "Ulaanbaatar City Public Library"]),
        ("France", ["Central Mongolia Archive"]),
    ]


def test_the_reference_data_is_found_alike_in_korean_and_english(client, reference_data):
    for korean, english in [("국립도서관", "National library"), ("일본", "Japan"), ("독일", "Germany")]:
        assert sorted(search(client, korean, "ko")) == sorted(search(client, english, "en")), korean
    academic = search(client, "대학도서관", "ko")
    assert "Free University of Berlin" in academic and "Peking University Library" in academic


def test_the_home_page_and_the_directory_count_the_same_countries(client):
    InstitutionFactory(name_en="National Library of Mongolia", country="MN")
    InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")
    InstitutionFactory(name_en="United Nations", country="", kind="international_org")

    home = client.get(reverse("home"))
    directory = client.get(reverse("partners:directory"))

    assert home.context["directory"] == {"institutions": 3, "countries": 2}
    assert directory.context["country_count"] == 2
    assert "3 partner institutions in 2 countries." in home.content.decode()
    assert "3 institutions in 2 countries." in directory.content.decode()


def test_countries_whose_best_matches_rank_alike_run_in_alphabetical_order(client):
    InstitutionFactory(name_en="Biblioteca universitaria de Málaga", kind="academic", country="ES")
    InstitutionFactory(name_en="Bodleian Libraries", kind="academic", country="GB")
    InstitutionFactory(name_en="Free University of Berlin", kind="academic", country="DE")

    response = client.get(reverse("partners:directory"), {"q": "academic library"})

    assert [str(g["country"].name) for g in response.context["groups"]] == ["Germany", "Spain", "United Kingdom"]
