"""The fees the library's International Cooperation page states, so a new database quotes correctly.

The page carries no date; the schedule is in force from the start of the year
the portal opened, and staff add a newer schedule in the admin when fees change.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE_SCHEDULE = {
    "effective_from": date(2026, 1, 1),
    "currency": "USD",
    "copying_base_fee": Decimal("5.00"),
    "copying_base_pages": 10,
    "copying_step_fee": Decimal("4.00"),
    "copying_step_pages": 10,
    "shipping_fee": Decimal("3.00"),
}


def add_schedule(apps, schema_editor):
    FeeSchedule = apps.get_model("ill", "FeeSchedule")
    FeeSchedule.objects.get_or_create(
        effective_from=SOURCE_SCHEDULE["effective_from"],
        defaults={k: v for k, v in SOURCE_SCHEDULE.items() if k != "effective_from"},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("ill", "FeeSchedule").objects.filter(
        effective_from=SOURCE_SCHEDULE["effective_from"], illrequest__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("ill", "0001_initial")]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
