from django.core.management.base import BaseCommand

from nlk_portal.outbox import dispatch


class Command(BaseCommand):
    help = (
        "Hand the tasks waiting in the outbox (emails, invoices) to the broker, as Celery beat does "
        "every minute; run it from cron where beat is not running."
    )

    def handle(self, *args, **options):
        handed = dispatch.sweep()
        self.stdout.write(f"{handed} task(s) handed to the broker.")
