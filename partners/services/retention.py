"""Personal data of accounts, and login records, removed once they are no longer needed.

ill.services.retention calls these beside its own purge of requests: `remove_login_records` for records
past LOGIN_RECORD_RETENTION_DAYS, `remove_account_personal_data` when an account's personal data goes.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from ..models import Librarian, LibraryUser
from ..selectors.accounts import login_records_before

REMOVED = "(removed)"
LOGIN_RECORDS = (AccessAttempt, AccessFailureLog, AccessLog)


def remove_login_records(cutoff, *, dry_run=False) -> int:
    """Delete the login records older than `cutoff`; return how many there were."""
    count = 0
    for records in login_records_before(cutoff):
        count += records.count() if dry_run else records.delete()[0]
    return count


def remove_account_personal_data(user) -> None:
    """Replace the personal data of `user`'s account (names, email, username, phone, postal address, the
    library typed at registration) and its login records, and close the account: it can no longer sign in.

    The account row stays, so what refers to it (a request's history, staff's records) still holds."""
    username = user.get_username()
    for records in LOGIN_RECORDS:
        records.objects.filter(username=username).delete()
    user.username = f"removed-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    LibraryUser.objects.filter(user=user).update(phone="", postal_address="")
    Librarian.objects.filter(user=user).update(library_named=REMOVED)
