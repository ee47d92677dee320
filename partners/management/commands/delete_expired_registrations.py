from django.conf import settings
from django.core.management.base import BaseCommand

from partners.services import accounts


class Command(BaseCommand):
    help = (
        "Delete registrations whose email was never confirmed within ACCOUNTS_UNCONFIRMED_DAYS, "
        "freeing their addresses (beat does this daily). Staff accounts, and accounts once confirmed, "
        "are never deleted."
    )

    def handle(self, *args, **options):
        deleted = accounts.delete_expired_registrations()
        self.stdout.write(
            f"{deleted} registration(s) unconfirmed after {settings.ACCOUNTS_UNCONFIRMED_DAYS} days deleted"
        )
