"""A chapter of a book has its own title and author (ISO 18626 titleOfComponent / authorOfComponent),
searched by staff as the other titles are (see 0005_search_indexes)."""

from django.db import migrations, models

SEARCHED_COLUMNS = ["part_title", "part_author"]


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS ill_search_{column} ON ill_illrequest "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS ill_search_{column}")


class Migration(migrations.Migration):
    dependencies = [("ill", "0015_sent_email_skipped")]

    operations = [
        migrations.AddField(
            model_name="illrequest",
            name="part_title",
            field=models.CharField(blank=True, max_length=500, verbose_name="title of the part (chapter or article)"),
        ),
        migrations.AddField(
            model_name="illrequest",
            name="part_author",
            field=models.CharField(blank=True, max_length=300, verbose_name="author of the part"),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
