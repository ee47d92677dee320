"""The group whose members may change ISO 18626 peers' endpoints, security codes and client networks.

ILL staff keep the peers but not these: the permission is given to this group alone (and superusers
have it), so staff put in it only those who register peers and their codes.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ISO18626_ADMINISTRATORS = "ISO 18626 administrators"
PERMISSIONS = [
    "change_iso18626_peer_credentials", "add_iso18626peer", "change_iso18626peer", "view_iso18626peer",
    "view_institution",
]


def make_iso18626_administrators(apps, schema_editor):
    alias = schema_editor.connection.alias
    app_config = apps.get_app_config("partners")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=alias, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    give_iso18626_administrators_their_permissions(Group.objects.using(alias), Permission.objects.using(alias))


def give_iso18626_administrators_their_permissions(groups, permissions):
    """Also called by the tests, whose transactional flushes empty the groups table."""
    group, _ = groups.get_or_create(name=ISO18626_ADMINISTRATORS)
    group.permissions.add(*permissions.filter(content_type__app_label="partners", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0007_peer_authentication"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_iso18626_administrators, migrations.RunPython.noop)]
