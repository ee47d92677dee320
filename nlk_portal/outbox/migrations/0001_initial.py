"""The outbox's table was created by the ILL app (ill 0006); this migration only takes it over in the
models' state. ill 0012 lets go of it and moves its content type, so permissions and groups keep it."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("task_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True,
                                                     verbose_name="task id")),
                        ("task_name", models.CharField(max_length=200, verbose_name="task")),
                        ("args", models.JSONField(default=list, verbose_name="arguments")),
                        ("state", models.CharField(
                            choices=[("pending", "Waiting for the broker"), ("queued", "Queued"),
                                     ("running", "Running"), ("retrying", "Retrying"), ("done", "Done"),
                                     ("failed", "Failed")],
                            default="pending", max_length=10, verbose_name="state")),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                        ("error", models.TextField(blank=True, verbose_name="last error")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("handed_over_at", models.DateTimeField(blank=True, null=True,
                                                                verbose_name="handed to the broker")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                    ],
                    options={
                        "verbose_name": "background task",
                        "verbose_name_plural": "background tasks",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "ill_outboxentry",
                        "indexes": [models.Index(fields=["state", "updated_at"], name="outbox_state_updated")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
