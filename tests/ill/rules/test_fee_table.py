"""The fee schedule as the public pages print it."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.template.loader import render_to_string
from django.utils import translation

from ill.models import FeeSchedule

SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE


def rendered(schedule):
    with translation.override("en"):
        return render_to_string("ill/includes/fee_table.html", {"schedule": schedule})


def test_the_fees_are_printed_without_a_date_the_library_did_not_give():
    # As the migrations leave the schedule loaded from the library's page (0019_fee_schedule_date_shown).
    html = rendered(FeeSchedule(**SOURCE_SCHEDULE, show_effective_from=False))

    assert "USD 5.00 for 10 pages or less" in html
    assert "in force from" not in html


def test_the_date_in_force_is_printed_where_staff_have_set_it():
    schedule = FeeSchedule(**SOURCE_SCHEDULE)
    # FeeSchedule.show_effective_from: staff say the date is one the library gives.
    schedule.show_effective_from = True

    assert "Fees in force from 2026-01-01." in rendered(schedule)


@pytest.mark.django_db
def test_the_schedule_loaded_from_the_library_s_page_does_not_show_its_date():
    migration = __import__("importlib").import_module("ill.migrations.0019_fee_schedule_date_shown")
    FeeSchedule.objects.filter(effective_from=SOURCE_SCHEDULE["effective_from"]).delete()
    FeeSchedule.objects.create(**SOURCE_SCHEDULE)
    migration.hide_the_seeded_date(django_apps, None)
    seeded = FeeSchedule.objects.get(effective_from=SOURCE_SCHEDULE["effective_from"])

    assert seeded.show_effective_from is False
    assert FeeSchedule._meta.get_field("show_effective_from").default is True


@pytest.mark.django_db
def test_the_request_form_gives_the_fees_without_the_seeded_date(client):
    html = client.get("/ill/request/").content.decode()
    line = html.split('class="small text-body-secondary mb-0 fee-schedule">')[1].split("</p>")[0]

    assert " ".join(line.split()) == (
        "USD 5.00 for 10 pages or less; USD 4.00 for each additional 10 pages or part of them; "
        "international shipping USD 3.00"
    )
    assert "2026-01-01" not in html
