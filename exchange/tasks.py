"""Celery entry points for the exchange app; each calls the module that holds the rule."""

from smtplib import SMTPException

from celery import shared_task

from .services import monthly_report


@shared_task(bind=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_monthly_report(self):
    """Email last month's reports to the managers, unless they were sent already (monthly_report.send_monthly_report).

    Runs on the 1st of each month at 07:00 (beat, "exchange-monthly-report"). Returns nothing; an SMTP
    failure is retried."""
    monthly_report.send_monthly_report()
