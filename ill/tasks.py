from smtplib import SMTPException

from celery import shared_task

from . import digests, notifications, status_emails
from .models import IllRequest, StatusChange


@shared_task(bind=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_acknowledgement(self, request_id):
    notifications.send_acknowledgement(IllRequest.objects.get(pk=request_id))


@shared_task(bind=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_status_email(self, change_id):
    status_emails.send_status_email(
        StatusChange.objects.select_related("request__requesting_library").get(pk=change_id)
    )


@shared_task(bind=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_daily_digests(self):
    digests.send_daily_digests()
