from django.conf import settings
from django.core.management.base import BaseCommand

from ill.services import retention


class Command(BaseCommand):
    help = (
        "Remove the personal data of requests and borrowings that reached a final status more than "
        "PERSONAL_DATA_RETENTION_DAYS ago, and login records older than LOGIN_RECORD_RETENTION_DAYS; print "
        "how many of each kind. Celery beat runs this daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be removed; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        record = retention.purge(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed. This would be removed:")
        self.stdout.write(
            f"Requests whose final status is older than {settings.PERSONAL_DATA_RETENTION_DAYS} days; "
            f"login records older than {settings.LOGIN_RECORD_RETENTION_DAYS} days."
        )
        for kind, count in retention.counts_of(record).items():
            self.stdout.write(f"{kind}: {count}")
