"""Closing a partner librarian's or a user in Korea's account at their own request."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from partners.selectors.accounts import is_registrant
from partners.services.accounts import delete_account

from ..models import IllRequest
from ..selectors.personal_data import open_requests_of
from .retention import Counts, remove_user_personal_data


class AccountStillNeeded(Exception):
    """The account cannot be closed now; `open_requests` are the requests still being worked."""

    def __init__(self, open_requests: Iterable[IllRequest] = ()) -> None:
        super().__init__("The account has requests still being worked.")
        self.open_requests = list(open_requests)


def close_account(user: User) -> Counts:
    """Remove the personal data of the account's requests as the retention purge does, then delete the
    account. The requests keep their reference, library, dates, status history and money.

    Refused (AccountStillNeeded, changing nothing) while any of its requests is not in a final status,
    and for staff, whose accounts the administrators keep. Returns the counts of what was removed.
    """
    if not is_registrant(user):
        raise AccountStillNeeded()
    with transaction.atomic():
        # Locked, so two closings of the same account run one after the other.
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        still_open = list(open_requests_of(user))
        if still_open:
            raise AccountStillNeeded(still_open)
        removed = remove_user_personal_data(user)
        delete_account(user)
    return removed
