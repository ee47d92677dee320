"""The outbox: the one road from the portal to Celery, so no task is lost or sent for a rolled-back change."""
