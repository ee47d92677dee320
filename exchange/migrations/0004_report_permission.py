from django.db import migrations


class Migration(migrations.Migration):
    """The model that holds the manager reports' permissions is renamed; it has no table, and its
    permissions keep their codenames (exchange.view_reports, exchange.export_reports) and their content type,
    which contenttypes renames with it."""

    dependencies = [
        ("exchange", "0003_reports"),
    ]

    operations = [
        migrations.RenameModel(old_name="Report", new_name="ReportPermission"),
        migrations.AlterModelTable(name="reportpermission", table="exchange_report"),
    ]
