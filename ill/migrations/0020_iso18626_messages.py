"""Requests exchanged with partner ILL systems by ISO 18626 and every message of them; a chapter's title
and author on a request; and what the staff groups may do with them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# ILL staff keep the peers and follow (and send again) the messages; managers see them.
ILL_STAFF_ISO18626_PERMISSIONS = {
    "ill": ["view_iso18626message", "change_iso18626message", "view_iso18626transaction"],
    "partners": ["add_iso18626peer", "change_iso18626peer", "view_iso18626peer"],
}
MANAGER_ISO18626_VIEWS = {
    "ill": ["view_iso18626message", "view_iso18626transaction"],
    "partners": ["view_iso18626peer"],
}


def give_iso18626_permissions(apps, schema_editor):
    alias = schema_editor.connection.alias
    for label in ILL_STAFF_ISO18626_PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=alias, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    give_groups_iso18626_permissions(Group.objects.using(alias), Permission.objects.using(alias))


def give_groups_iso18626_permissions(groups, permissions):
    """Also called by the tests, whose transactional flushes empty the groups table."""
    for group_name, wanted in [("ILL staff", ILL_STAFF_ISO18626_PERMISSIONS), ("Managers", MANAGER_ISO18626_VIEWS)]:
        group, _ = groups.get_or_create(name=group_name)
        for app_label, codenames in wanted.items():
            group.permissions.add(*permissions.filter(content_type__app_label=app_label, codename__in=codenames))


class Migration(migrations.Migration):

    dependencies = [
        ('ill', '0019_fee_schedule_date_shown'),
        ('partners', '0005_iso18626_peers'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='illrequest',
            name='part_author',
            field=models.CharField(blank=True, db_default='', default='', max_length=300, verbose_name='author of the part'),
        ),
        migrations.AlterField(
            model_name='illrequest',
            name='part_title',
            field=models.CharField(blank=True, db_default='', default='', help_text="For a chapter of a book; a serial article's own title is its article title.", max_length=500, verbose_name='title of the part (chapter or article)'),
        ),
        migrations.CreateModel(
            name='Iso18626Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('incoming', models.BooleanField(help_text='Received from the peer, or else sent to it.', verbose_name='from the peer')),
                ('message_type', models.CharField(choices=[('request', 'request'), ('supplyingAgencyMessage', 'supplyingAgencyMessage'), ('requestingAgencyMessage', 'requestingAgencyMessage')], max_length=30, verbose_name='message')),
                ('reason', models.CharField(blank=True, max_length=30, verbose_name='reason or action')),
                ('status', models.CharField(blank=True, max_length=30, verbose_name='status carried')),
                ('answer_yes_no', models.BooleanField(blank=True, null=True, verbose_name='answer')),
                ('timestamp', models.DateTimeField(verbose_name='message timestamp')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='stored')),
                ('body', models.TextField(verbose_name='message (XML)')),
                ('confirmation', models.TextField(blank=True, verbose_name='confirmation (XML)')),
                ('state', models.CharField(choices=[('received', 'Received and answered'), ('pending', 'Waiting to be sent'), ('waiting', 'Waiting for an earlier message to be confirmed'), ('retrying', 'Not delivered: will be tried again'), ('held', 'Held: messages to this peer are off'), ('confirmed', 'Confirmed by the peer'), ('refused', 'Refused by the peer')], max_length=10, verbose_name='state')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                ('error', models.TextField(blank=True, verbose_name='last error')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered')),
                ('key', models.CharField(blank=True, editable=False, max_length=100, null=True, unique=True)),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                ('in_reply_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replies', to='ill.iso18626message', verbose_name='in reply to')),
                ('peer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.iso18626peer', verbose_name='peer')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='iso18626_messages', to='ill.illrequest', verbose_name='ILL request')),
            ],
            options={
                'verbose_name': 'ISO 18626 message',
                'verbose_name_plural': 'ISO 18626 messages',
                'ordering': ['created_at', 'id'],
                'indexes': [models.Index(fields=['state', 'next_attempt_at'], name='iso18626_state_next')],
            },
        ),
        migrations.CreateModel(
            name='Iso18626Transaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('direction', models.CharField(choices=[('supplies', 'NLK supplies an overseas library'), ('borrows', 'NLK borrows from abroad')], max_length=10, verbose_name='direction')),
                ('requesting_agency_request_id', models.CharField(max_length=255, verbose_name="requester's request id")),
                ('supplying_agency_request_id', models.CharField(blank=True, max_length=255, verbose_name="supplier's request id")),
                ('service_type', models.CharField(blank=True, max_length=20, verbose_name='service asked for')),
                ('patron_reference', models.CharField(blank=True, max_length=255, verbose_name='patron reference')),
                ('max_cost', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='maximum cost')),
                ('max_cost_currency', models.CharField(blank=True, max_length=3, verbose_name='currency of the maximum cost')),
                ('need_before', models.DateTimeField(blank=True, null=True, verbose_name='needed before')),
                ('requester_received_at', models.DateTimeField(blank=True, null=True, verbose_name='received by the requester')),
                ('return_shipped_at', models.DateTimeField(blank=True, null=True, verbose_name='loan shipped back by the requester')),
                ('supplier_shipped_at', models.DateTimeField(blank=True, null=True, verbose_name='sent by the lender')),
                ('supplier_due_at', models.DateTimeField(blank=True, null=True, verbose_name='due back to the lender')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('peer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.iso18626peer', verbose_name='peer')),
                ('request', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='iso18626', to='ill.illrequest', verbose_name='ILL request')),
            ],
            options={
                'verbose_name': 'ISO 18626 transaction',
                'verbose_name_plural': 'ISO 18626 transactions',
                'constraints': [models.UniqueConstraint(fields=('peer', 'direction', 'requesting_agency_request_id'), name='one_request_per_peer_request_id')],
            },
        ),
        migrations.RunPython(give_iso18626_permissions, migrations.RunPython.noop),
    ]
