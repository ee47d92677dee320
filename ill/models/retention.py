"""The record of each removal of personal data past its retention period (ill.services.retention)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataPurge(models.Model):
    """One run of the purge: when, whether it only counted (a dry run), and how many of each kind it found."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run (nothing changed)"), default=False)
    retention_days = models.PositiveIntegerField(_("kept for (days)"))
    login_retention_days = models.PositiveIntegerField(_("login records kept for (days)"))
    requests = models.PositiveIntegerField(_("requests"), default=0)
    borrowings = models.PositiveIntegerField(_("of which borrowings"), default=0)
    status_notes = models.PositiveIntegerField(_("status change notes"), default=0)
    internal_notes = models.PositiveIntegerField(_("staff notes"), default=0)
    iso18626_transactions = models.PositiveIntegerField(_("ISO 18626 patron references"), default=0)
    iso18626_messages = models.PositiveIntegerField(_("ISO 18626 messages"), default=0)
    sent_emails = models.PositiveIntegerField(_("sent emails"), default=0)
    outbox_entries = models.PositiveIntegerField(_("background tasks"), default=0)
    admin_log_entries = models.PositiveIntegerField(_("admin log entries"), default=0)
    login_records = models.PositiveIntegerField(_("login records"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("removal of personal data")
        verbose_name_plural = _("removals of personal data")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.requests})"
