"""Korean words of one or two syllables are found by the staff's search through the requests' grams."""

import unicodedata

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ill.models import IllRequest
from ill.rules.search import is_short_cjk_word, search_grams
from ill.selectors import queues
from ill.services.workflow import save_staff_edit
from tests.factories import InstitutionFactory, submit_ill_request

LIST = reverse("admin:ill_illrequest_changelist")


def test_the_grams_are_each_syllable_and_each_pair_of_adjacent_ones():
    assert search_grams("고려 역사", "Goryeo") == "고 고려 려 사 역 역사"
    assert search_grams("新羅의 佛敎") == "佛 佛敎 敎 新 新羅 羅 羅의 의"
    assert search_grams("Joseon dynasty", "") == ""


def test_hangul_typed_as_separate_jamo_is_kept_composed():
    decomposed = unicodedata.normalize("NFD", "신라")

    assert search_grams(decomposed) == "라 신 신라"
    assert is_short_cjk_word(decomposed)


@pytest.mark.parametrize("word, short", [("고", True), ("고려", True), ("高麗", True), ("고구려", False),
                                         ("ab", False), ("고a", False), ("", False)])
def test_only_words_of_one_or_two_cjk_characters_are_looked_up_by_grams(word, short):
    assert is_short_cjk_word(word) is short


@pytest.fixture
def shelf(source_fee_schedule):
    library = InstitutionFactory(name_en="SOAS Library", country="GB")
    titles = {
        "goryeo": dict(title="고려 시대의 역사"),
        "silla": dict(title="신라 불교 미술", author="김원룡"),
        "article": dict(item_type="article", title="", article_title="역사 연구 방법", serial_title="역사학보"),
        "chapter": dict(title="한국 근대 문학사", part_title="고려가요의 전승"),
        "english": dict(title="History of Goryeo"),
    }
    return {key: submit_ill_request(requesting_library=library, **fields) for key, fields in titles.items()}


def found(text):
    return set(queues.search(IllRequest.objects.all(), text).values_list("reference", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected",
    [
        ("고려", {"goryeo", "chapter"}),
        ("역사", {"goryeo", "article"}),
        ("고려 역사", {"goryeo"}),
        ("신라", {"silla"}),
        ("신", {"silla"}),
        ("원룡", {"silla"}),
        ("학보", {"article"}),
        ("고려가요", {"chapter"}),
        ("려가", {"chapter"}),
        ("Goryeo", {"english"}),
        ("백제", set()),
    ],
)
def test_staff_find_requests_by_a_korean_word_of_any_length(shelf, text, expected):
    assert found(text) == {shelf[key].reference for key in expected}


@pytest.mark.django_db
def test_a_staff_edit_of_a_title_keeps_its_grams(shelf):
    english = IllRequest.objects.get(pk=shelf["english"].pk)
    english.title = "백제 역사"

    save_staff_edit(english, ["title"], by=None)

    assert set(IllRequest.objects.get(pk=english.pk).search_grams.split()) >= {"백제", "역사", "백", "제"}
    assert found("백제") == {english.reference}


@pytest.mark.django_db
def test_the_admin_list_finds_a_two_syllable_word_among_many(client, kim, shelf):
    client.force_login(kim)

    response = client.get(LIST, {"q": "고려 역사"})

    assert [r.reference for r in response.context["cl"].result_list] == [shelf["goryeo"].reference]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_on_postgresql_the_search_reads_the_gin_index_of_the_grams(shelf):
    # As the admin reads the matches: unordered, the list sorts them afterwards.
    queryset = queues.search(IllRequest.objects.all(), "고려 역사").order_by().values("pk")
    with connection.cursor() as cursor:
        # A table of five rows is read whole however it is indexed: leave the planner only the index scans
        # that take a condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "ill_search_grams" in plan


SYLLABLES = "고려역사신라불교"
text = st.text(alphabet=SYLLABLES + " a", max_size=12)


@pytest.mark.django_db
# Each example keeps to the requests it makes, so the schedule the fixture made once serves them all.
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(text, min_size=1, max_size=5), word=st.text(alphabet=SYLLABLES, min_size=1, max_size=2))
def test_the_grams_find_exactly_what_a_substring_search_finds(source_fee_schedule, titles, word):
    library = InstitutionFactory()
    made = [submit_ill_request(requesting_library=library, title=f"{title}!", email="a@b.example")
            for title in titles]
    mine = IllRequest.objects.filter(pk__in=[r.pk for r in made])

    by_search = set(queues.search(mine, word).values_list("pk", flat=True))

    assert by_search == {r.pk for r in made if word in r.title}
