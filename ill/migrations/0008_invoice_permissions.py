from django.contrib.auth.management import create_permissions
from django.db import migrations

# ILL staff record payments, void and reissue invoices, and run failed background tasks again.
ILL_STAFF_INVOICE_PERMISSIONS = [
    "view_invoice",
    "change_invoice",
    "view_invoiceline",
    "view_payment",
    "add_payment",
    "view_outboxentry",
    "change_outboxentry",
]
MANAGER_VIEWS = ["view_invoice", "view_invoiceline", "view_payment", "view_outboxentry"]


def give_invoice_permissions(apps, schema_editor):
    alias = schema_editor.connection.alias
    app_config = apps.get_app_config("ill")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=alias, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ill_permissions = Permission.objects.using(alias).filter(content_type__app_label="ill")
    ill_staff, _ = Group.objects.using(alias).get_or_create(name="ILL staff")
    ill_staff.permissions.add(*ill_permissions.filter(codename__in=ILL_STAFF_INVOICE_PERMISSIONS))
    managers, _ = Group.objects.using(alias).get_or_create(name="Managers")
    managers.permissions.add(*ill_permissions.filter(codename__in=MANAGER_VIEWS))


class Migration(migrations.Migration):
    dependencies = [
        ("ill", "0007_invoice_email_kinds"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_invoice_permissions, migrations.RunPython.noop)]
