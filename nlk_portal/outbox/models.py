"""The outbox's one table: a row per task asked for, with the task's progress for staff."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxEntry(models.Model):
    """A task for a worker, written in the transaction that asked for it.

    It is handed to the broker once that transaction commits; whatever could
    not be handed over (the broker was down, the process died) is swept up
    later, so no email or invoice is lost.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the broker")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        RETRYING = "retrying", _("Retrying")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    task_id = models.UUIDField(_("task id"), unique=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    handed_over_at = models.DateTimeField(_("handed to the broker"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The id of the web request that asked for the task: the worker's log lines for it carry the same id.
    request_id = models.CharField(_("request id"), max_length=128, blank=True, default="", db_default="")

    class Meta:
        # The table the ILL app created before the outbox was an app of its own.
        db_table = "ill_outboxentry"
        ordering = ["-created_at", "-id"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        indexes = [models.Index(fields=["state", "updated_at"], name="outbox_state_updated")]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)} {self.state}"


class ScheduledRun(models.Model):
    """One period of one beat schedule entry, claimed by the scheduler that sent it (outbox.beat).

    The pair is unique, so a second scheduler started by mistake finds the period taken and sends nothing.
    """

    entry = models.CharField(_("schedule entry"), max_length=200)
    period = models.CharField(pgettext_lazy("scheduled run", "period"), max_length=40)
    claimed_by = models.CharField(pgettext_lazy("scheduled run", "sent by"), max_length=200)
    claimed_at = models.DateTimeField(pgettext_lazy("scheduled run", "sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["entry", "period"], name="outbox_scheduledrun_once")]

    def __str__(self):
        return f"{self.entry} {self.period}"
