from django.core.management.base import BaseCommand

from ill.services import digests


class Command(BaseCommand):
    help = (
        "Send today's ILL digests now: each staff member's overdue and due-this-week requests, and the "
        "unassigned ones to the team. Celery beat runs this daily; a digest already sent today is not sent again."
    )

    def handle(self, *args, **options):
        sent = digests.send_daily_digests()
        self.stdout.write(f"{sent} digest(s) sent.")
