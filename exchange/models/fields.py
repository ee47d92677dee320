"""Fields the exchange records share: a year, and the partner institution a record is about."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import Institution

# The library dates from 1945, so an earlier year is a typing slip.
YEAR_VALIDATORS = [MinValueValidator(1945), MaxValueValidator(2100)]


def year_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(verbose_name, validators=YEAR_VALIDATORS, **kwargs)


def institution_field(related_name, verbose_name=_("institution")):
    return models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name=related_name, verbose_name=verbose_name
    )
