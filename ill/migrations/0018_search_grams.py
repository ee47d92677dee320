"""Each request keeps the Hangul and Hanja characters and character pairs of its searched text
(ill.rules.search), filled in for the requests already there in batches, and on PostgreSQL a GIN
index over them, so that a staff search for a word of one or two syllables reads only its matches.

Not atomic: each batch commits on its own, and the index is built CONCURRENTLY, so a large table
stays readable and writable while it runs. The column has a database default, so the processes still
running the code before it can go on writing requests while it is added.
"""

from django.db import migrations, models, transaction

from ill.rules.search import GRAM_FIELDS, search_grams

BATCH = 5000
INDEX = "ill_search_grams"


def fill_search_grams(apps, schema_editor):
    """Every request's grams, BATCH requests at a time in order of id; requests without such text keep ''."""
    IllRequest = apps.get_model("ill", "IllRequest")
    connection = schema_editor.connection
    requests = IllRequest.objects.using(connection.alias)
    last = 0
    while True:
        batch = list(requests.filter(pk__gt=last).order_by("pk").values_list("pk", *GRAM_FIELDS)[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        grams = [(pk, search_grams(*texts)) for pk, *texts in batch]
        grams = [(pk, value) for pk, value in grams if value]
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
                requests.bulk_update(
                    [IllRequest(pk=pk, search_grams=value) for pk, value in grams], ["search_grams"]
                )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON ill_illrequest "
        "USING gin ((string_to_array(search_grams, ' ')))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("ill", "0017_prepayment_instructions")]

    operations = [
        migrations.AddField(
            model_name="illrequest",
            name="search_grams",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(fill_search_grams, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
