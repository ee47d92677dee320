"""Staff answering a phone call find the request by the name of the person who made it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from ill.models import IllRequest
from ill.services import retention
from tests.factories import InstitutionAliasFactory, InstitutionFactory, submit_ill_request

LIST = reverse("admin:ill_illrequest_changelist")


@pytest.fixture
def callers(source_fee_schedule):
    copenhagen = InstitutionFactory(name_en="University of Copenhagen", country="DK")
    InstitutionAliasFactory(institution=copenhagen, name="Københavns Universitet")
    soas = InstitutionFactory(name_en="SOAS Library", country="GB")
    return {
        "jensen": submit_ill_request(
            requesting_library=copenhagen, contact_name="Mette Jensen", email="ill@ku.dk", title="조선 금속활자 인쇄"
        ),
        "kim": submit_ill_request(
            requesting_library=soas, contact_name="김민지", email="minji.kim@example.kr", title="History of Goryeo"
        ),
        "smith": submit_ill_request(
            requesting_library=soas, contact_name="John Smith", email="j.smith@soas.example", title="고려 시대의 역사"
        ),
    }


def listed(client, text):
    response = client.get(LIST, {"q": text})
    return {r.reference for r in response.context["cl"].result_list}


@pytest.mark.django_db
def test_staff_find_a_request_by_its_contact_persons_name_as_by_everything_else(client, kim, callers):
    client.force_login(kim)
    ref = {key: r.reference for key, r in callers.items()}

    assert listed(client, "Jensen") == {ref["jensen"]}
    assert listed(client, "mette jensen") == {ref["jensen"]}
    assert listed(client, "김민지") == listed(client, "민지") == {ref["kim"]}
    assert listed(client, "ku.dk") == listed(client, "Copenhagen") == listed(client, "København") == {ref["jensen"]}
    assert listed(client, ref["smith"]) == listed(client, "고려 역사") == {ref["smith"]}
    assert listed(client, "금속활자") == {ref["jensen"]}
    assert listed(client, "Goryeo") == {ref["kim"]}


@pytest.mark.django_db
def test_the_help_under_the_search_box_says_the_name_is_searched(client, kim):
    client.force_login(kim)

    assert "the requester&#x27;s name or email" in client.get(LIST).content.decode()
    client.cookies["django_language"] = "ko"
    assert "신청자 이름 또는 이메일" in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_a_korean_name_is_kept_among_the_grams_until_personal_data_is_removed(callers):
    minji = IllRequest.objects.get(pk=callers["kim"].pk)
    assert {"김", "김민", "민지", "지"} <= set(minji.search_grams.split())

    retention.remove_personal_data(IllRequest.objects.filter(pk=minji.pk))

    assert not {"김민", "민", "민지", "지"} & set(IllRequest.objects.get(pk=minji.pk).search_grams.split())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_requests_the_grams_of_their_contact_name(monkeypatch, source_fee_schedule):
    migration = __import__("importlib").import_module("ill.migrations.0028_search_contact_name")
    library = InstitutionFactory(name_en="SOAS Library", country="GB")
    made = {
        name: submit_ill_request(requesting_library=library, contact_name=name, title="신라 불교")
        for name in ["박서연", "Anders Jensen", "이지호"]
    }
    # As 0027 kept them: the grams of the titles alone.
    IllRequest.objects.update(search_grams="교 라 라불 불 불교 신 신라")
    migrate([("ill", "0027_how_to_pay")])
    monkeypatch.setattr(migration, "BATCH", 2)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    grams = {name: set(IllRequest.objects.get(pk=r.pk).search_grams.split()) for name, r in made.items()}
    assert {"박서", "서연", "신라"} <= grams["박서연"]
    assert {"이지", "지호", "불교"} <= grams["이지호"]
    assert grams["Anders Jensen"] == {"교", "라", "라불", "불", "불교", "신", "신라"}
