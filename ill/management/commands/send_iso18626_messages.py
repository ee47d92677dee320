"""`manage.py send_iso18626_messages`: send again the ISO 18626 messages that are due, as beat does."""

from django.core.management.base import BaseCommand

from ill.services import peer_messages


class Command(BaseCommand):
    help = (
        "Send again the ISO 18626 messages whose pause after a failed delivery is over, and those held while "
        "messages to their peer were off, as Celery beat does every minute; run it from cron where beat is not "
        "running. A message its peer confirmed is never sent again."
    )

    def handle(self, *args, **options):
        handed = peer_messages.send_due_messages()
        self.stdout.write(f"{handed} message(s) handed over to be sent.")
