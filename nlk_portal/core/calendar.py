"""The library's calendar: dates are counted in Seoul, whatever zone staff or requesters are in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

LIBRARY_TIME_ZONE = ZoneInfo("Asia/Seoul")


def library_date(moment: datetime) -> date:
    """The date in Seoul at `moment`."""
    return moment.astimezone(LIBRARY_TIME_ZONE).date()


def library_today() -> date:
    return library_date(timezone.now())


def days_until(due: date, today: date | None = None) -> int:
    """Days left before the due date; negative once it has passed."""
    return (due - (today or library_today())).days


def due_phrase(days: int) -> str:
    """“3 days overdue”, “due today”, “5 days left”: `days` as days_until gives it."""
    if days < 0:
        return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
    if days == 0:
        return str(_("due today"))
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
