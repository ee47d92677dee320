from smtplib import SMTPException

from celery import shared_task

from . import notifications
from .models import IllRequest


@shared_task(bind=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_acknowledgement(self, request_id):
    notifications.send_acknowledgement(IllRequest.objects.get(pk=request_id))
