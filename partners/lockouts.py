"""Password guessing, counted three ways, and ILL staff told when a staff account is locked out.

django-axes counts each failed login once for each of AXES_LOCKOUT_PARAMETERS: one account from one
client address, one account from every address, one address at every account. Axes holds them all to one
limit; here each has its own (LOGIN_FAILURE_LIMIT, LOGIN_ACCOUNT_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT),
so a few wrong passwords from one network lock only that account from that network, while guesses spread
over many addresses, or one address trying many accounts, are still stopped. The count of one address at
every account does not apply to staff accounts: a stranger on the library's own network, guessing at any
accounts from it, never keeps staff out (their own two counts still stop guesses at them).
"""

from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.dispatch import receiver
from django.utils import timezone

from nlk_portal.outbox.dispatch import after_commit


def failure_limits():
    """The limit of each of AXES_LOCKOUT_PARAMETERS's counts, in the same order."""
    own = {"username": settings.LOGIN_ACCOUNT_FAILURE_LIMIT, "ip_address": settings.LOGIN_ADDRESS_FAILURE_LIMIT}
    return [
        own[parameter] if isinstance(parameter, str) else settings.AXES_FAILURE_LIMIT
        for parameter in settings.AXES_LOCKOUT_PARAMETERS
    ]


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with a limit of its own for each count (AXES_HANDLER)."""

    def get_failures(self, request, credentials=None):
        """The failures as axes compares them with AXES_FAILURE_LIMIT: each count moved by the difference
        between its own limit and that one, so the result reaches the limit once any count reaches its own.

        Also notes on the request whether a count has just reached its limit: the failure that locks out.
        """
        limit = get_failure_limit(request, credentials)
        kept = self.counts(request, credentials)
        request.nlk_lockout_begins = any(count == own_limit for count, own_limit, _parameter in kept)
        return max((count + limit - own_limit for count, own_limit, _parameter in kept), default=0)


    def counts(self, request, credentials=None):
        """(failures, own limit, parameter) of each count that applies to this login, in the order of
        AXES_LOCKOUT_PARAMETERS: the one address at every account does not apply to a staff account."""
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        kept = list(zip(counts, failure_limits(), settings.AXES_LOCKOUT_PARAMETERS, strict=True))
        if is_staff_account(get_client_username(request, credentials)):
            kept = [(count, own_limit, parameter) for count, own_limit, parameter in kept if parameter != "ip_address"]
        return kept


@dataclass(frozen=True)
class TriesLeft:
    """How many more failed logins the nearest limit allows, and which count it is: "account from address"
    (one account from this address), "account" (one account from every address) or "address" (this
    address at every account)."""

    tries: int
    count: str


# The names of AXES_LOCKOUT_PARAMETERS's counts, the widest lockout first: when two limits are as near,
# the reader is told of the one that stops more.
COUNT_NAMES = {"ip_address": "address", "username": "account", ("username", "ip_address"): "account from address"}
WIDEST_FIRST = ["address", "account", "account from address"]


def tries_left(request, credentials) -> TriesLeft:
    """The failed logins left, after those already counted, before this login is locked out; read after a
    failure, with the request axes has seen."""
    counts = [
        TriesLeft(max(0, own_limit - count), COUNT_NAMES[tuple(parameter) if isinstance(parameter, list) else parameter])
        for count, own_limit, parameter in LockoutHandler().counts(request, credentials)
    ]
    return min(counts, key=lambda left: (left.tries, WIDEST_FIRST.index(left.count)))


def is_staff_account(username) -> bool:
    return bool(username) and get_user_model().objects.filter(username__iexact=username, is_staff=True).exists()


@receiver(user_locked_out)
def tell_ill_staff_of_a_staff_lockout(sender, request, username, ip_address, **kwargs):
    """Email ILL staff once when a staff account's login is blocked, not again at each refused try."""
    if not getattr(request, "nlk_lockout_begins", False):
        return
    account = get_user_model().objects.filter(username__iexact=username, is_staff=True).first()
    if account is not None:
        after_commit(
            "partners.tasks.send_staff_lockout_notice", account.pk, ip_address or "", timezone.now().isoformat()
        )
