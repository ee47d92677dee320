"""The manager reports count the same before and after personal data past its period is removed."""

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from ill.models import IllRequest
from ill.services import retention
from nlk_portal.core import calendar

from .test_downloads import body, csv_rows, download

# Years after the fixture's requests were closed: every one of them is past its retention period.
LATER = datetime(2030, 1, 1, tzinfo=calendar.LIBRARY_TIME_ZONE)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def sheets(response):
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def figures(client):
    filters = {"year": "2025"}
    return {
        "csv": csv_rows(download(client, "ill", "csv", **filters)),
        "csv all years": csv_rows(download(client, "ill", "csv")),
        "xlsx": sheets(download(client, "ill", "xlsx", **filters)),
    }


def test_the_ill_report_and_its_exports_give_the_same_figures_after_a_purge(manager_client, ill_money):
    before = figures(manager_client)
    assert len(before["csv all years"]) > 8

    record = retention.purge(now=LATER)

    assert record.requests == IllRequest.objects.filter(personal_data_removed_at__isnull=False).count() > 5
    assert IllRequest.objects.filter(contact_name="Marie Dupont").count() == 1  # the one still open
    assert figures(manager_client) == before
