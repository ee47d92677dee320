"""The service terms the library's page states, shown before and after a request."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Due dates are counted on the library's calendar, whatever zone staff use.
LIBRARY_TIME_ZONE = ZoneInfo("Asia/Seoul")
PROCESSING_TIME = relativedelta(months=1)

PROCESSING_TIME_TEXT = _("Processing time: one month.")
PAYMENT_TERMS_TEXT = _("Payment may only be made in cash (USD). Cheques are not accepted.")
MATERIAL_TEXT = _(
    "Monographs and serial articles that are published or issued in Korea and are not available elsewhere."
)
COPYRIGHT_TEXT = _(
    "To avoid copyright infringement, copies can be made of less than one third of the entire contents "
    "of a single item."
)


def library_date(moment: datetime):
    return moment.astimezone(LIBRARY_TIME_ZONE).date()


def due_date(received_at: datetime):
    """One month after the request arrived, as a date in Seoul."""
    return library_date(received_at) + PROCESSING_TIME


def library_today():
    return library_date(timezone.now())


def days_until(due: date, today: date | None = None):
    """Days left before the due date; negative once it has passed."""
    return (due - (today or library_today())).days


def due_phrase(days):
    """“3 days overdue”, “due today”, “5 days left”: `days` as days_until gives it."""
    if days < 0:
        return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
    if days == 0:
        return str(_("due today"))
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}


# Borrowing from abroad for users in Korea: the page gives one to two months.
BORROWING_TARGET = relativedelta(months=1)
BORROWING_LIMIT = relativedelta(months=2)

BORROWING_MATERIAL_TEXT = _(
    "Monographs and periodical articles that are not available in Korea. The lending institution has to "
    "confirm that the material is available."
)
BORROWING_PROCESSING_TIME_TEXT = _("Processing time: one to two months.")
BORROWING_COPY_TEXT = _(
    "Although laws vary by country, the contents can be copied partially due to copyrights. Copying materials "
    "from some countries is not permitted due to copyright laws."
)
BORROWING_FEES_TEXT = _("Fees apply according to the lending institution’s policies.")
BORROWING_PREPAYMENT_TEXT = _("Fees must be paid in advance, at the time when a request is made.")
BORROWING_REFUND_TEXT = _(
    "After the request is processed, the difference is refunded: the amount paid in advance, less the "
    "copying and loan fees of the lending institution, international shipping and bank fees."
)


def borrowing_target_date(received_at: datetime):
    """One month after the request arrived: when staff aim to have the material."""
    return library_date(received_at) + BORROWING_TARGET


def borrowing_due_date(received_at: datetime):
    """Two months after the request arrived: the limit, past which the request is overdue."""
    return library_date(received_at) + BORROWING_LIMIT
