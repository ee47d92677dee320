"""The service terms the library's page states, shown before and after a request."""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.calendar import library_date

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


def due_date(received_at: datetime) -> date:
    """One month after the request arrived, as a date in Seoul."""
    due: date = library_date(received_at) + PROCESSING_TIME
    return due


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


def borrowing_target_date(received_at: datetime) -> date:
    """One month after the request arrived: when staff aim to have the material."""
    due: date = library_date(received_at) + BORROWING_TARGET
    return due


def borrowing_due_date(received_at: datetime) -> date:
    """Two months after the request arrived: the limit, past which the request is overdue."""
    due: date = library_date(received_at) + BORROWING_LIMIT
    return due


# A loan NLK sends: the library's page states no loan period, so the days it runs are the setting
# ILL_LOAN_DAYS, which the caller passes in.
LOAN_PERIOD_UNSTATED_TEXT = _(
    "The library's page gives no loan period: the date offered is %(days)s days from today (the setting "
    "ILL_LOAN_DAYS). Change it if this loan is to be due back on another day."
)


def loan_due_date(sent_on: date, days: int) -> date:
    """When a loan sent on `sent_on` is due back, `days` days later."""
    return sent_on + timedelta(days=days)


def renewed_due_date(due: date, days: int) -> date:
    """A renewed loan's new due date: `days` more after the date it was due."""
    return due + timedelta(days=days)
