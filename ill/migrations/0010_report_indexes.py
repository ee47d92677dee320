from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ill", "0009_borrowing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="statuschange",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("to_status__in", ["CompletedWithoutReturn", "CopyCompleted", "LoanCompleted"])
                ),
                fields=("request",),
                name="one_completion_per_request",
            ),
        ),
    ]
