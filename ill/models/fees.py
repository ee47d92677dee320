"""The library's fee schedules, as staff keep them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeeSchedule(models.Model):
    """The library's fees from a date on; the newest one in force applies."""

    effective_from = models.DateField(_("in force from"), unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    copying_base_fee = models.DecimalField(
        _("copying fee up to the first pages"), max_digits=8, decimal_places=2
    )
    copying_base_pages = models.PositiveIntegerField(_("pages covered by the first fee"))
    copying_step_fee = models.DecimalField(
        _("copying fee for each further block"), max_digits=8, decimal_places=2
    )
    copying_step_pages = models.PositiveIntegerField(_("pages in each further block"))
    shipping_fee = models.DecimalField(
        _("international shipping (basic charge)"), max_digits=8, decimal_places=2
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(copying_base_pages__gt=0, copying_step_pages__gt=0),
                name="fee_schedule_blocks_not_empty",
            )
        ]

    def __str__(self):
        return _(
            "%(currency)s %(base)s for %(base_pages)s pages or less, %(currency)s %(step)s for each "
            "additional %(step_pages)s pages; international shipping %(currency)s %(shipping)s "
            "(in force from %(date)s)"
        ) % {
            "currency": self.currency,
            "base": self.copying_base_fee,
            "base_pages": self.copying_base_pages,
            "step": self.copying_step_fee,
            "step_pages": self.copying_step_pages,
            "shipping": self.shipping_fee,
            "date": self.effective_from.isoformat(),
        }
