from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The staff search is Django's `icontains`, which PostgreSQL runs as
# UPPER(column::text) LIKE UPPER('%term%'): trigram indexes on that very
# expression let it find a request among a million without reading them all.
SEARCHED_COLUMNS = ["reference", "title", "article_title", "serial_title", "author", "isbn", "issn", "email"]


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
    dependencies = [("ill", "0004_staff_groups")]

    # TrigramExtension does nothing on databases other than PostgreSQL.
    operations = [
        TrigramExtension(),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
