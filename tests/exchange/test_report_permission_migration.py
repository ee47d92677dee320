"""The model that holds the manager reports' permissions was renamed (exchange 0004): managers who could
download the reports before still can, through the same permissions and content type."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from nlk_portal.core.roles import MANAGERS

pytestmark = pytest.mark.django_db(transaction=True)
REPORT_PERMISSIONS = importlib.import_module("exchange.migrations.0003_reports")


def migrate(*target):
    # As `manage.py migrate` does it: contenttypes renames a renamed model's content type on its signals.
    call_command("migrate", *target, verbosity=0)
    ContentType.objects.clear_cache()


def test_managers_keep_their_report_permissions_when_the_model_that_holds_them_is_renamed():
    migrate("exchange", "0003_reports")
    REPORT_PERMISSIONS.give_report_permissions(Group.objects, Permission.objects)
    before = ContentType.objects.get(app_label="exchange", model="report")
    manager = get_user_model().objects.create_user("manager", is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGERS))

    migrate()

    after = ContentType.objects.get(app_label="exchange", model="reportpermission")
    assert after.pk == before.pk
    assert not ContentType.objects.filter(app_label="exchange", model="report").exists()
    assert set(Permission.objects.filter(content_type=after).values_list("codename", flat=True)) == {
        "view_reports",
        "export_reports",
    }
    manager = get_user_model().objects.get(pk=manager.pk)
    assert manager.has_perm("exchange.export_reports")
    assert manager.has_perm("exchange.view_reports")
