"""The changes to figures already recorded as text: those that are exactly one of the portal's own sentences,
in English or in the Korean it was written in, become its code and values; any other text stays as written."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from ill.models import MoneyChange

pytestmark = pytest.mark.django_db(transaction=True)
MIGRATION = importlib.import_module("ill.migrations.0026_history_words")
BEFORE = [("ill", "0025_personal_data_purge")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


DETAILS = {
    "paid on 2026-12-06, receipt KR-RCPT-11": ("paid", {"date": "2026-12-06", "receipt": "KR-RCPT-11"}),
    "paid on 2026-12-06": ("paid_out", {"date": "2026-12-06"}),
    "invoice INV-2026-000002, in place of INV-2026-000001": (
        "invoice_replacing", {"number": "INV-2026-000002", "void": "INV-2026-000001"}
    ),
    "청구서 INV-2026-000001 무효 처리": ("invoice_voided", {"number": "INV-2026-000001"}),
    "청구서 INV-2026-000001, 영수증 RCPT-0001, 2026-12-06 수령": (
        "invoice_paid", {"number": "INV-2026-000001", "receipt": "RCPT-0001", "date": "2026-12-06"}
    ),
    # Not one of the sentences, or not a real date: kept as written.
    "paid on 2026-13-45": ("", {}),
    "invoice INV-1 and a word typed by hand": ("", {}),
}


def test_known_sentences_become_codes_and_other_text_stays():
    old = migrate(BEFORE)
    Institution = old.get_model("partners", "Institution")
    FeeSchedule = old.get_model("ill", "FeeSchedule")
    OldRequest = old.get_model("ill", "IllRequest")
    OldChange = old.get_model("ill", "MoneyChange")
    library = Institution.objects.create(key="soas", name_en="SOAS Library", kind="academic", country="GB")
    schedule = FeeSchedule.objects.create(
        effective_from=date(2020, 1, 1), currency="USD", copying_base_fee=Decimal("5"), copying_base_pages=10,
        copying_step_fee=Decimal("4"), copying_step_pages=10, shipping_fee=Decimal("3"),
    )
    request = OldRequest.objects.create(
        reference="ILL-2026-000001", requesting_library=library, contact_name="A", email="a@b.example",
        item_type="monograph", title="역사", service="copy", delivery="post", fee_schedule=schedule,
        copying_fee=Decimal("5"), shipping_fee=Decimal("3"), currency="USD", due_date=date(2026, 2, 1),
        received_at=timezone.now(), tracking_token="token-1",
    )
    for detail in DETAILS:
        OldChange.objects.create(request=request, figure="bank_fee", new_amount=Decimal("1"), new_currency="USD",
                                 detail=detail)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    changes = {change.detail: change for change in MoneyChange.objects.all()}
    assert {detail: (c.detail_code, c.detail_values) for detail, c in changes.items()} == DETAILS
    with translation.override("en"):
        assert changes["청구서 INV-2026-000001, 영수증 RCPT-0001, 2026-12-06 수령"].detail_text == (
            "invoice INV-2026-000001, receipt RCPT-0001, received on Dec. 6, 2026"
        )
        assert changes["invoice INV-1 and a word typed by hand"].detail_text == "invoice INV-1 and a word typed by hand"
    with translation.override("ko"):
        assert changes["paid on 2026-12-06, receipt KR-RCPT-11"].detail_text == "2026년 12월 6일 납부, 영수증 KR-RCPT-11"


def test_a_detail_is_coded_only_when_it_is_exactly_one_sentence():
    assert MIGRATION.coded("invoice INV-1") == ("invoice", {"number": "INV-1"})
    assert MIGRATION.coded("invoice INV-1 ") is None
    assert MIGRATION.coded("see invoice INV-1") is None
