"""Korea-related materials supplied to overseas Korean Studies libraries."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import institution_field, year_field


class KoreanStudiesSupply(models.Model):
    institution = institution_field("korean_studies_supplies")
    year = year_field(_("year"))
    items = models.PositiveIntegerField(_("number of items"), validators=[MinValueValidator(1)])
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-year", "institution__name_en"]
        verbose_name = _("Korean Studies supply")
        verbose_name_plural = _("Korean Studies supplies")

    def __str__(self):
        return f"{self.institution} {self.year}"
