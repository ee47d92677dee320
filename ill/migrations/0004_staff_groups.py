from django.contrib.auth.management import create_permissions
from django.db import migrations

ILL_STAFF = "ILL staff"
EXCHANGE_STAFF = "Exchange staff"
MANAGERS = "Managers"

# ILL staff work requests, keep the fee schedule and check the libraries requesters enter.
ILL_STAFF_PERMISSIONS = {
    "ill": [
        "view_illrequest",
        "change_illrequest",
        "view_statuschange",
        "view_sentemail",
        "add_internalnote",
        "view_internalnote",
        "add_feeschedule",
        "change_feeschedule",
        "view_feeschedule",
    ],
    "partners": [
        "view_institution",
        "change_institution",
        "add_institutionalias",
        "change_institutionalias",
        "delete_institutionalias",
        "view_institutionalias",
        "view_librarian",
        "change_librarian",
    ],
}
# Managers see everything the portal records and change nothing.
MANAGER_APPS = ["ill", "exchange", "partners"]


def create_staff_groups(apps, schema_editor):
    alias = schema_editor.connection.alias
    # Permissions are only created after all migrations have run (post_migrate)
    # on a fresh database; create them now so that the groups can be given them.
    for label in MANAGER_APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=alias, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    give_staff_groups_their_permissions(Group.objects.using(alias), Permission.objects.using(alias))


def give_staff_groups_their_permissions(groups, permissions):
    """Also called by the tests, whose transactional flushes empty the groups table."""
    ill_staff, _ = groups.get_or_create(name=ILL_STAFF)
    for app_label, codenames in ILL_STAFF_PERMISSIONS.items():
        ill_staff.permissions.add(*permissions.filter(content_type__app_label=app_label, codename__in=codenames))
    # The exchange migration gave this group its permissions; it is only made sure of here.
    groups.get_or_create(name=EXCHANGE_STAFF)
    managers, _ = groups.get_or_create(name=MANAGERS)
    managers.permissions.add(
        *permissions.filter(content_type__app_label__in=MANAGER_APPS, codename__startswith="view_")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ill", "0003_staff_triage"),
        ("exchange", "0002_exchange_staff_group"),
        ("partners", "0002_librarian"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
