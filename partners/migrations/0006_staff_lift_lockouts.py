"""ILL staff, who look after the partner accounts, see the failed logins and lift a lockout (django-axes)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LOCKOUT_PERMISSIONS = ["view_accessattempt", "delete_accessattempt", "view_accessfailurelog", "view_accesslog"]


def let_ill_staff_lift_lockouts(apps, schema_editor):
    alias = schema_editor.connection.alias
    app_config = apps.get_app_config("axes")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=alias, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff, _ = Group.objects.using(alias).get_or_create(name="ILL staff")
    staff.permissions.add(
        *Permission.objects.using(alias).filter(content_type__app_label="axes", codename__in=LOCKOUT_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0005_iso18626_peers"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(let_ill_staff_lift_lockouts, migrations.RunPython.noop)]
