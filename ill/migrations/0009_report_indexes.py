from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ill', '0008_invoice_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='statuschange',
            index=models.Index(fields=['request', 'to_status', 'changed_at'], name='ill_change_request_status'),
        ),
    ]
