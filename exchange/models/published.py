"""Figures the library publishes without the list behind them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import year_field


class FigureKey(models.TextChoices):
    EXCHANGE_PARTNERS = "exchange_partners", _("Libraries in materials exchange")
    KOREAN_STUDIES_SUPPLY = "korean_studies_supply", _("Libraries supplied with Korea-related materials")
    CULTURAL_PARTNERSHIP = "cultural_partnership_participants", _("Cultural Partnership Program participants")


class FigureSource(models.TextChoices):
    LIBRARY_PAGE = "library_page", _("As published on the library's page")
    STAFF_COUNT = "staff_count", _("Counted by staff")


class PublishedFigure(models.Model):
    key = models.CharField(_("figure"), max_length=40, choices=FigureKey.choices, unique=True)
    count = models.PositiveIntegerField(_("libraries or persons"))
    countries = models.PositiveSmallIntegerField(_("countries"), null=True, blank=True)
    since = year_field(_("since"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=FigureSource.choices, default=FigureSource.LIBRARY_PAGE
    )
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("Leave empty if not known."))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")

    def __str__(self):
        return self.get_key_display()
