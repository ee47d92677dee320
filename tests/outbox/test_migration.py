"""The outbox became an app of its own: its table, rows, permissions and the groups that hold them stay."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ill", "0011_borrowing_balance_paid")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_moving_the_outbox_keeps_its_rows_permissions_and_groups():
    old = migrate(BEFORE)
    OldEntry = old.get_model("ill", "OutboxEntry")
    OldContentType = old.get_model("contenttypes", "ContentType")
    OldPermission = old.get_model("auth", "Permission")
    OldGroup = old.get_model("auth", "Group")
    content_type, _ = OldContentType.objects.get_or_create(app_label="ill", model="outboxentry")
    view, _ = OldPermission.objects.get_or_create(
        content_type=content_type, codename="view_outboxentry", defaults={"name": "Can view background task"}
    )
    group = OldGroup.objects.create(name="Night shift")
    group.permissions.add(view)
    entry = OldEntry.objects.create(task_name="ill.tasks.send_acknowledgement", args=[7], state="failed")

    latest = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Entry = latest.get_model("outbox", "OutboxEntry")
    kept = Entry.objects.get(pk=entry.pk)
    assert (kept.task_name, kept.args, kept.state) == ("ill.tasks.send_acknowledgement", [7], "failed")
    permission = Permission.objects.get(codename="view_outboxentry")
    assert permission.pk == view.pk and permission.content_type.app_label == "outbox"
    assert Group.objects.get(name="Night shift").permissions.filter(pk=view.pk).exists()
    assert not Permission.objects.filter(content_type__app_label="ill", codename__endswith="outboxentry").exists()

