"""Materials exchange: the agreements with partner libraries and the shipments sent and received."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .fields import institution_field, year_field


class AgreementKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary exchange")
    GOVERNMENT_PUBLICATIONS = "government_publications", _("Government publication exchange agreement")
    RESOURCE_EXCHANGE = "resource_exchange", _("Resource exchange agreement")


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class ExchangeAgreement(models.Model):
    institution = institution_field("exchange_agreements")
    kind = models.CharField(_("kind"), max_length=32, choices=AgreementKind.choices)
    since = year_field(_("start year"), null=True, blank=True)
    bilateral = models.BooleanField(_("bilateral"), default=True)
    terms = models.TextField(_("terms (English)"), blank=True)
    terms_ko = models.TextField(_("terms (Korean)"), blank=True)
    nlk_sends = models.CharField(_("the library sends"), max_length=255, blank=True)
    partner_sends = models.CharField(_("the partner sends"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )

    class Meta:
        ordering = [F("since").asc(nulls_last=True), "institution__name_en"]
        verbose_name = _("exchange agreement")
        verbose_name_plural = _("exchange agreements")

    def __str__(self):
        return f"{self.institution}: {self.get_kind_display()}"

    @property
    def display_terms(self):
        if self.terms_ko and (get_language() or "").startswith("ko"):
            return self.terms_ko
        return self.terms


class ShipmentDirection(models.TextChoices):
    SENT = "sent", pgettext_lazy("exchange direction", "Sent")
    RECEIVED = "received", pgettext_lazy("exchange direction", "Received")


class MaterialCategory(models.TextChoices):
    GOVERNMENT_PUBLICATIONS = "government_publications", _("Government publications")
    RESEARCH_PERIODICALS = "research_periodicals", _("Periodicals of academic and research institutes")
    KOREA_RELATED = "korea_related", _("Korea-related materials")
    OTHER = "other", _("Other materials")


class Shipment(models.Model):
    date = models.DateField(_("date"), default=timezone.localdate)
    institution = institution_field("shipments", verbose_name=_("partner"))
    direction = models.CharField(_("direction"), max_length=8, choices=ShipmentDirection.choices)
    category = models.CharField(_("material category"), max_length=32, choices=MaterialCategory.choices)
    items = models.PositiveIntegerField(_("number of items"), validators=[MinValueValidator(1)])
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self):
        return f"{self.date} {self.get_direction_display()} {self.institution}"
