"""The institutions and other spellings already there are folded for the search when the migration adds it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partners.models import Institution

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("partners", "0009_privacy_consent")]
AFTER = [("partners", "0010_search_folded")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_rows_are_folded_and_found():
    old = migrate(BEFORE)
    OldInstitution = old.get_model("partners", "Institution")
    OldAlias = old.get_model("partners", "InstitutionAlias")
    royal = OldInstitution.objects.create(
        key="royal-danish-library", name_en="Royal Danish Library", kind="national", country="DK", city="København"
    )
    OldAlias.objects.create(institution=royal, name="Det Kongelige Bibliotek, Slotsholmen")
    OldInstitution.objects.create(
        key="malaga", name_en="Biblioteca de la Universidad de Málaga", name_ko="말라가 대학교 도서관",
        kind="academic", country="ES", city="Málaga",
    )

    new = migrate(AFTER)

    Folded = new.get_model("partners", "Institution")
    assert dict(Folded.objects.values_list("key", "folded_city")) == {
        "royal-danish-library": "kobenhavn", "malaga": "malaga",
    }
    assert Folded.objects.get(key="malaga").folded_name_ko == "말라가 대학교 도서관"
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert [i.key for i in Institution.objects.search("Kobenhavn")] == ["royal-danish-library"]
    assert [i.key for i in Institution.objects.search("slotsholmen")] == ["royal-danish-library"]
    assert [i.key for i in Institution.objects.search("MALAGA")] == ["malaga"]
