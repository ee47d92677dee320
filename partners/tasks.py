from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model

from . import accounts


@shared_task(bind=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_email_confirmation(self, user_id, language="en"):
    user = get_user_model().objects.get(pk=user_id)
    if not user.is_active:
        accounts.send_confirmation(user, language)
