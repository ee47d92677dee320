from django.contrib.auth.management import create_permissions
from django.db import migrations, models

MANAGERS = "Managers"
# Staff look at the reports; managers also download them.
REPORT_VIEWERS = ["ILL staff", "Exchange staff", MANAGERS]


def create_report_permissions(apps, schema_editor):
    alias = schema_editor.connection.alias
    app_config = apps.get_app_config("exchange")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=alias, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    give_report_permissions(Group.objects.using(alias), Permission.objects.using(alias))


def give_report_permissions(groups, permissions):
    """Also called by the tests, whose transactional flushes empty the groups table. The permissions are
    found by their codenames, which stay as they are when the model that holds them is renamed."""
    reports = permissions.filter(content_type__app_label="exchange")
    for name in REPORT_VIEWERS:
        group, _ = groups.get_or_create(name=name)
        group.permissions.add(*reports.filter(codename="view_reports"))
    groups.get(name=MANAGERS).permissions.add(*reports.filter(codename="export_reports"))


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_exchange_staff_group"),
        ("ill", "0004_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Report",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "verbose_name": "manager report",
                "verbose_name_plural": "manager reports",
                "permissions": [
                    ("view_reports", "Can view the manager reports"),
                    ("export_reports", "Can download the manager reports"),
                ],
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="MonthlyReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "month",
                    models.DateField(
                        help_text="The first day of the month reported on.", unique=True, verbose_name="month"
                    ),
                ),
                ("recipients", models.TextField(blank=True, verbose_name="recipients")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
            ],
            options={
                "verbose_name": "monthly report",
                "verbose_name_plural": "monthly reports",
                "ordering": ["-month"],
            },
        ),
        migrations.RunPython(create_report_permissions, migrations.RunPython.noop),
    ]
