"""The manager reports: the model that holds their permissions, and the record of the monthly email."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportPermission(models.Model):
    """No table: it holds the permissions for the manager reports (exchange.reports), view_reports and
    export_reports."""

    class Meta:
        managed = False
        db_table = "exchange_report"
        default_permissions = ()
        permissions = [
            ("view_reports", _("Can view the manager reports")),
            ("export_reports", _("Can download the manager reports")),
        ]
        verbose_name = _("manager report")
        verbose_name_plural = _("manager reports")


class MonthlyReport(models.Model):
    """The monthly report emailed to managers: one row per month, so it is sent once."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month reported on."))
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")

    def __str__(self):
        return self.month.strftime("%Y-%m")
