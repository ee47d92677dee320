"""The requests already there get their search grams when the migration adds them, batch by batch."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)
MIGRATION = __import__("importlib").import_module("ill.migrations.0018_search_grams")
BEFORE = [("ill", "0017_prepayment_instructions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_requests_are_given_their_grams_in_batches(monkeypatch):
    old = migrate(BEFORE)
    Institution = old.get_model("partners", "Institution")
    FeeSchedule = old.get_model("ill", "FeeSchedule")
    OldRequest = old.get_model("ill", "IllRequest")
    library = Institution.objects.create(key="soas", name_en="SOAS Library", kind="academic", country="GB")
    schedule = FeeSchedule.objects.create(
        effective_from=date(2020, 1, 1), currency="USD", copying_base_fee=Decimal("5"), copying_base_pages=10,
        copying_step_fee=Decimal("4"), copying_step_pages=10, shipping_fee=Decimal("3"),
    )
    titles = ["고려 시대의 역사", "History of Goryeo", "신라 불교", "", "조선 왕조 실록", "역사학보"]
    for n, title in enumerate(titles):
        OldRequest.objects.create(
            reference=f"ILL-2020-{n:06d}", requesting_library=library, contact_name="A", email="a@b.example",
            item_type="monograph", title=title, service="copy", delivery="post", fee_schedule=schedule,
            copying_fee=Decimal("5"), shipping_fee=Decimal("3"), currency="USD", due_date=date(2020, 2, 1),
            received_at=timezone.now(), tracking_token=f"token-{n}",
        )
    monkeypatch.setattr(MIGRATION, "BATCH", 2)

    latest = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    IllRequest = latest.get_model("ill", "IllRequest")
    grams = dict(IllRequest.objects.values_list("title", "search_grams"))
    assert grams["고려 시대의 역사"] == "고 고려 대 대의 려 사 시 시대 역 역사 의"
    assert grams["역사학보"] == "보 사 사학 역 역사 학 학보"
    assert grams["History of Goryeo"] == grams[""] == ""
