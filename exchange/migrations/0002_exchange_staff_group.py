from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Exchange staff"


def create_exchange_staff_group(apps, schema_editor):
    alias = schema_editor.connection.alias
    # On a fresh database permissions are only created after all migrations
    # have run (post_migrate); create this app's and the directory's now so
    # that the group can be given them.
    for label in ["partners", "exchange"]:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=alias, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # get_or_create: the migration that sets up the other staff groups adds to this one.
    group, _ = Group.objects.using(alias).get_or_create(name=GROUP)
    permissions = Permission.objects.using(alias).filter(content_type__app_label="exchange")
    permissions |= Permission.objects.using(alias).filter(
        content_type__app_label="partners", codename="view_institution"
    )
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_initial"),
        ("partners", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_exchange_staff_group, migrations.RunPython.noop)]
