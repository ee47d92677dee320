"""The monthly report: last month's exchange and ILL reports, emailed to managers as PDF once a month."""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nlk_portal.core.calendar import library_today

from ..models import MonthlyReport
from ..reports import exports, figures
from ..reports.filters import Filters
from ..selectors.managers import report_recipients

logger = logging.getLogger(__name__)
REPORTS = ["exchange", "ill"]


def previous_month(today):
    """The first day of the month before `today`'s."""
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


def send_monthly_report(today=None):
    """Email last month's reports to the managers, unless they were sent already; the row is the record."""
    month = previous_month(today or library_today())
    to = report_recipients()
    if not to:
        logger.warning("No manager has an email address: the report for %s is not sent.", month)
        return None
    with transaction.atomic():
        # The lock makes a second run wait for the first, then find the report sent.
        report, _created = MonthlyReport.objects.select_for_update().get_or_create(month=month)
        if report.sent_at:
            return report
        message = compose(month, to)
        message.send()
        report.sent_at, report.recipients = timezone.now(), "\n".join(to)
        report.save(update_fields=["sent_at", "recipients"])
    return report


def compose(month, to):
    filters = Filters.for_month(month)
    with translation.override(settings.MONTHLY_REPORT_LANGUAGE):
        period = month.strftime("%Y-%m")
        message = EmailMessage(
            subject=_("Monthly reports for %(month)s") % {"month": period},
            body=_(
                "Attached are the exchange and ILL reports for %(month)s, as on the manager reports pages."
            )
            % {"month": period},
            to=to,
        )
        for key in REPORTS:
            report = figures.build(key, filters)
            message.attach(
                exports.filename(key, filters, "pdf"), exports.render_pdf(report), "application/pdf"
            )
    return message
