"""Staff find a request by its contact person's name: a trigram index on the name, as on the other
searched columns (0005_search_indexes), and the search grams (0018_search_grams) of every request whose
contact name is written in Hangul, Hanja or kana, refreshed batch by batch.

Not atomic: each batch commits on its own and the index is built CONCURRENTLY, so a large table stays
readable and writable while it runs.
"""

from django.db import migrations, transaction

from ill.rules.search import grams_of, search_grams

BATCH = 5000
INDEX = "ill_search_contact_name"
# The searched fields whose grams a request keeps, as they are from this migration on.
GRAM_FIELDS = (
    "title", "article_title", "serial_title", "author", "part_title", "part_author", "contact_name", "email",
)


def refresh_search_grams(apps, schema_editor):
    """The grams of each request whose contact name has any, BATCH requests read at a time in order of id."""
    IllRequest = apps.get_model("ill", "IllRequest")
    connection = schema_editor.connection
    requests = IllRequest.objects.using(connection.alias)
    last = 0
    while True:
        batch = list(requests.filter(pk__gt=last).order_by("pk").values_list("pk", *GRAM_FIELDS)[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        named = GRAM_FIELDS.index("contact_name")
        grams = [(pk, search_grams(*texts)) for pk, *texts in batch if grams_of(texts[named])]
        if not grams:
            continue
        with transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE ill_illrequest AS r SET search_grams = g.grams "
                        "FROM unnest(%s::bigint[], %s::text[]) AS g(id, grams) WHERE r.id = g.id",
                        [[pk for pk, _ in grams], [value for _, value in grams]],
                    )
            else:
                requests.bulk_update([IllRequest(pk=pk, search_grams=value) for pk, value in grams], ["search_grams"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON ill_illrequest "
        "USING gin ((UPPER(contact_name::text)) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("ill", "0027_how_to_pay")]

    operations = [
        migrations.RunPython(refresh_search_grams, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
