"""Deposits from international organizations: the depositors and what they deposited."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from partners.models import Institution

# The depositing organizations' names as the directory gives them in English, marked for translation: the
# cooperation page expands each acronym in the reader's language.
DEPOSITOR_NAMES = (
    gettext_noop("Asian Development Bank"),
    gettext_noop("Asia-Pacific Economic Cooperation"),
    gettext_noop("Asian Productivity Organization"),
    gettext_noop("Food and Agriculture Organization of the United Nations"),
    gettext_noop("International Civil Aviation Organization"),
    gettext_noop("International Council on Monuments and Sites"),
    gettext_noop("International Fund for Agricultural Development"),
    gettext_noop("International Labour Organization"),
    gettext_noop("International Monetary Fund"),
    gettext_noop("International Maritime Organization"),
    gettext_noop("International Tropical Timber Organization"),
    gettext_noop("Organisation for Economic Co-operation and Development"),
    gettext_noop("United Nations"),
    gettext_noop("United Nations Environment Programme"),
    gettext_noop("World Tourism Organization"),
    gettext_noop("World Food Programme"),
    gettext_noop("World Intellectual Property Organization"),
    gettext_noop("World Meteorological Organization"),
)


class Depositor(models.Model):
    """An international organization that deposits its publications with the library."""

    institution = models.OneToOneField(
        Institution, on_delete=models.PROTECT, related_name="depositor", verbose_name=_("organization")
    )
    acronym = models.CharField(_("acronym"), max_length=20)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("depositing organization")
        verbose_name_plural = _("depositing organizations")

    def __str__(self):
        return self.acronym

    @property
    def full_name(self):
        """The organization's name in the reader's language, which the acronym stands for: the directory's
        Korean name where staff have given one, else the English name as translated (DEPOSITOR_NAMES)."""
        if self.institution.name_ko and (get_language() or "").startswith("ko"):
            return self.institution.name_ko
        return gettext(self.institution.name_en)


class DepositReceipt(models.Model):
    depositor = models.ForeignKey(
        Depositor, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("organization")
    )
    received_on = models.DateField(pgettext_lazy("publications", "received on"), default=timezone.localdate)
    title = models.CharField(_("publication"), max_length=255)
    items = models.PositiveIntegerField(_("number of items"), default=1, validators=[MinValueValidator(1)])
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("deposit receipt")
        verbose_name_plural = _("deposit receipts")

    def __str__(self):
        return f"{self.depositor}: {self.title}"
