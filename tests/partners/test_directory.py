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
