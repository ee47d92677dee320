"""Business exchange with overseas national libraries: the partnerships and their meetings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from partners.models import Institution

from .fields import year_field


class Cadence(models.TextChoices):
    ANNUAL = "annual", _("Annually")
    BIENNIAL = "biennial", _("Biennially")
    OCCASIONAL = "occasional", _("Occasionally")


class BusinessExchange(models.Model):
    """A standing arrangement to meet a national library abroad and share experience."""

    institution = models.OneToOneField(
        Institution,
        on_delete=models.PROTECT,
        related_name="business_exchange",
        verbose_name=_("partner library"),
    )
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices)
    since = year_field(_("since"), null=True, blank=True)
    co_hosted_exhibitions = models.BooleanField(_("including co-hosted special exhibitions"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = [F("since").asc(nulls_last=True), "institution__name_en"]
        verbose_name = _("business exchange")
        verbose_name_plural = _("business exchanges")

    def __str__(self):
        return str(self.institution)

    def clean(self):
        if self.cadence != Cadence.OCCASIONAL and self.since is None:
            raise ValidationError({"since": _("A regular exchange needs the year it started.")})


class Host(models.TextChoices):
    NLK = "nlk", _("National Library of Korea")
    PARTNER = "partner", _("Partner library")


class Meeting(models.Model):
    exchange = models.ForeignKey(
        BusinessExchange,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("business exchange"),
    )
    year = year_field(_("year"))
    host = models.CharField(
        _("host"), max_length=16, choices=Host.choices, blank=True, help_text=_("Leave empty if not known.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["exchange", "year"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["exchange", "year"], name="one_meeting_per_partner_year")
        ]

    def __str__(self):
        return f"{self.exchange} {self.year}"
