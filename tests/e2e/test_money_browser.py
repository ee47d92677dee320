"""The live fee estimate writes money as the rest of the portal does."""

import importlib

import pytest
from playwright.sync_api import expect

from ill.models import FeeSchedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE


def test_the_fee_estimate_groups_thousands(page):
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    page.goto("/ill/request/")

    page.get_by_label("Pages wanted").fill("1-3000")

    expect(page.locator("#fee-preview")).to_have_text(
        "3,000 pages: copying USD 1,201.00 + shipping USD 3.00 = USD 1,204.00"
    )
