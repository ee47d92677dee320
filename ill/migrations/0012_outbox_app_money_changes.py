"""The outbox becomes an app of its own (nlk_portal.outbox) keeping its table, rows and permissions; and
changes to figures money depends on are kept in the request's history."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def move_outbox_content_type(apps, schema_editor):
    """The outbox's content type, and so its permissions and the groups that hold them, go with it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    manager = ContentType.objects.using(schema_editor.connection.alias)
    if not manager.filter(app_label="outbox", model="outboxentry").exists():
        manager.filter(app_label="ill", model="outboxentry").update(app_label="outbox")


def return_outbox_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    manager = ContentType.objects.using(schema_editor.connection.alias)
    if not manager.filter(app_label="ill", model="outboxentry").exists():
        manager.filter(app_label="outbox", model="outboxentry").update(app_label="ill")


def give_history_permissions(apps, schema_editor):
    """ILL staff and Managers read the changes to figures, as they read the status history."""
    alias = schema_editor.connection.alias
    app_config = apps.get_app_config("ill")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=alias, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.using(alias).filter(content_type__app_label="ill", codename="view_moneychange")
    for name in ("ILL staff", "Managers"):
        group, _ = Group.objects.using(alias).get_or_create(name=name)
        group.permissions.add(*view)


class Migration(migrations.Migration):
    dependencies = [
        ("ill", "0011_borrowing_balance_paid"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("outbox", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxEntry")],
            database_operations=[],
        ),
        migrations.RunPython(move_outbox_content_type, return_outbox_content_type),
        migrations.CreateModel(
            name="MoneyChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("figure", models.CharField(choices=[
                    ("prepayment", "Amount paid in advance"),
                    ("lender_copying_fee", "Lender's copying fee"),
                    ("lender_loan_fee", "Lender's loan fee"),
                    ("shipping_fee", "International shipping"),
                    ("bank_fee", "Bank fees"),
                    ("refund_paid", "Refund paid"),
                    ("balance_paid", "Balance paid"),
                ], max_length=30, verbose_name="figure")),
                ("old_amount", models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True,
                                                   verbose_name="old amount")),
                ("old_currency", models.CharField(blank=True, max_length=3, verbose_name="old currency")),
                ("new_amount", models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True,
                                                   verbose_name="new amount")),
                ("new_currency", models.CharField(blank=True, max_length=3, verbose_name="new currency")),
                ("detail", models.CharField(blank=True, max_length=300, verbose_name="detail")),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                ("changed_by", models.ForeignKey(blank=True, null=True,
                                                 on_delete=django.db.models.deletion.SET_NULL,
                                                 to=settings.AUTH_USER_MODEL, verbose_name="by")),
                ("request", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                              related_name="money_changes", to="ill.illrequest")),
            ],
            options={
                "verbose_name": "change to a figure",
                "verbose_name_plural": "changes to figures",
                "ordering": ["changed_at", "id"],
            },
        ),
        migrations.RunPython(give_history_permissions, migrations.RunPython.noop),
    ]
