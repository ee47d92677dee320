from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Institution

# The library dates from 1945, so an earlier year is a typing slip.
YEAR_VALIDATORS = [MinValueValidator(1945), MaxValueValidator(2100)]


def year_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(verbose_name, validators=YEAR_VALIDATORS, **kwargs)


def institution_field(related_name, verbose_name=_("institution")):
    return models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name=related_name, verbose_name=verbose_name
    )


# Business exchange with overseas national libraries


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


# Materials exchange


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


# Deposits from international organizations

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


# Korea-related materials for overseas Korean Studies


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


# Cultural Partnership Program


class PartnershipCohort(models.Model):
    """One row of the program's table: the librarians who trained together."""

    position = models.PositiveSmallIntegerField(_("row in the table"), unique=True)
    year = year_field(_("year"), null=True, blank=True, unique=True, help_text=_("Leave empty if not known."))
    training_weeks = models.PositiveSmallIntegerField(_("weeks of training"), default=14)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("Cultural Partnership cohort")
        verbose_name_plural = _("Cultural Partnership cohorts")

    def __str__(self):
        return str(self.year or _("Year not stated"))


class PartnershipParticipant(models.Model):
    """A visiting librarian, known by their library."""

    cohort = models.ForeignKey(
        PartnershipCohort, on_delete=models.CASCADE, related_name="participants", verbose_name=_("cohort")
    )
    institution = institution_field("partnership_participants")
    country = CountryField(_("country"))

    class Meta:
        ordering = ["cohort", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "institution"], name="one_participant_per_library_and_cohort"
            )
        ]

    def __str__(self):
        return f"{self.institution} ({self.cohort})"


# Window on Korea


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


# Figures the library publishes without the list behind them


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


# Manager reports


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
