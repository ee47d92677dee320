"""Window on Korea: the sites, the supply plan they follow, the volumes delivered and their equipment."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .fields import institution_field, year_field


class SupplyPlan(models.Model):
    """How many volumes a Window on Korea site is promised, year by year."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    first_year_min_volumes = models.PositiveIntegerField(_("first year, at least (volumes)"))
    first_year_max_volumes = models.PositiveIntegerField(_("first year, at most (volumes)"))
    yearly_volumes = models.PositiveIntegerField(_("volumes a year afterwards"))
    yearly_years = models.PositiveSmallIntegerField(_("for how many years afterwards"))

    class Meta:
        verbose_name = _("supply plan")
        verbose_name_plural = _("supply plans")

    def __str__(self):
        return self.name

    def clean(self):
        if self.first_year_min_volumes > self.first_year_max_volumes:
            raise ValidationError(_("The first-year minimum cannot exceed the maximum."))


class WindowOnKoreaSite(models.Model):
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, unique=True, help_text=_("Empty for sites whose operation ended.")
    )
    institution = institution_field("window_on_korea_sites")
    country = CountryField(_("country"))
    established_year = year_field(
        _("year established"), null=True, blank=True, help_text=_("Leave empty if not known.")
    )
    ended = models.BooleanField(_("operation ended"), default=False)
    ended_year = year_field(_("year ended"), null=True, blank=True, help_text=_("Leave empty if not known."))
    plan = models.ForeignKey(
        SupplyPlan, on_delete=models.PROTECT, related_name="sites", verbose_name=_("supply plan")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = [F("number").asc(nulls_last=True), "established_year", "institution__name_en"]
        verbose_name = _("Window on Korea site")
        verbose_name_plural = _("Window on Korea sites")

    def __str__(self):
        return f"{self.number or '–'} {self.institution}"


class Equipment(models.TextChoices):
    COMPUTERS = "computers", _("Computers")
    CHAIRS_AND_DESKS = "chairs_and_desks", _("Chairs and desks")
    SIGN_BOARD = "sign_board", _("Sign board")
    OTHER = "other", _("Other equipment")


class SiteEquipment(models.Model):
    site = models.ForeignKey(
        WindowOnKoreaSite, on_delete=models.CASCADE, related_name="equipment", verbose_name=_("site")
    )
    item = models.CharField(_("equipment"), max_length=32, choices=Equipment.choices)
    year = year_field(_("year"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["site", "year", "item"]
        verbose_name = _("equipment provided")
        verbose_name_plural = _("equipment provided")

    def __str__(self):
        return self.get_item_display()


class VolumeDelivery(models.Model):
    site = models.ForeignKey(
        WindowOnKoreaSite, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("site")
    )
    year = year_field(_("year"))
    volumes = models.PositiveIntegerField(_("volumes"), validators=[MinValueValidator(1)])
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["site", "year", "id"]
        verbose_name = _("volumes delivered")
        verbose_name_plural = _("volumes delivered")

    def __str__(self):
        return f"{self.site}: {self.volumes} ({self.year})"
