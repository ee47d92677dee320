from django.contrib import admin
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from nlk_portal.core.exports import downloads

from .models import (
    BusinessExchange,
    Depositor,
    DepositReceipt,
    ExchangeAgreement,
    KoreanStudiesSupply,
    Meeting,
    PartnershipCohort,
    PartnershipParticipant,
    PublishedFigure,
    Shipment,
    SiteEquipment,
    SupplyPlan,
    VolumeDelivery,
    WindowOnKoreaSite,
)
from .selectors import cadence, plans
from .selectors.shipments import shipment_listing

INSTITUTION_SEARCH = ["institution__name_en", "institution__name_ko", "institution__aliases__name"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 1


@admin.register(BusinessExchange)
class BusinessExchangeAdmin(admin.ModelAdmin):
    list_display = ["institution", "cadence", "since", "latest_meeting_year", "next_meeting"]
    list_filter = ["cadence", "co_hosted_exhibitions"]
    search_fields = INSTITUTION_SEARCH
    autocomplete_fields = ["institution"]
    inlines = [MeetingInline]

    def get_queryset(self, request):
        return cadence.with_meeting_years(super().get_queryset(request).select_related("institution"))

    @admin.display(description=_("latest recorded meeting"), ordering="latest_meeting_year")
    def latest_meeting_year(self, exchange):
        return exchange.latest_meeting_year

    @admin.display(description=_("next expected meeting"))
    def next_meeting(self, exchange):
        year = cadence.next_expected_meeting(exchange, exchange.latest_meeting_year, timezone.localdate())
        return year or _("No fixed cadence")


@admin.register(ExchangeAgreement)
class ExchangeAgreementAdmin(admin.ModelAdmin):
    list_display = ["institution", "kind", "since", "bilateral", "status"]
    list_filter = ["kind", "status", "bilateral"]
    search_fields = [*INSTITUTION_SEARCH, "terms", "nlk_sends", "partner_sends"]
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]


@admin.register(Shipment)
class ShipmentAdmin(downloads.ExportPermission, admin.ModelAdmin):
    list_display = ["date", "institution", "direction", "category", "items"]
    list_filter = ["direction", "category", ("institution__country", CountryFilter)]
    date_hierarchy = "date"
    search_fields = [*INSTITUTION_SEARCH, "notes"]
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]
    actions = downloads.export_actions(shipment_listing, "shipments")


@admin.register(Depositor)
class DepositorAdmin(admin.ModelAdmin):
    list_display = ["acronym", "institution", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["acronym", *INSTITUTION_SEARCH]
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]


@admin.register(DepositReceipt)
class DepositReceiptAdmin(admin.ModelAdmin):
    list_display = ["received_on", "depositor", "title", "items"]
    list_filter = ["depositor"]
    date_hierarchy = "received_on"
    search_fields = ["title", "notes", "depositor__acronym", "depositor__institution__name_en"]
    autocomplete_fields = ["depositor"]
    list_select_related = ["depositor"]


@admin.register(KoreanStudiesSupply)
class KoreanStudiesSupplyAdmin(admin.ModelAdmin):
    list_display = ["year", "institution", "items"]
    list_filter = ["year", ("institution__country", CountryFilter)]
    search_fields = [*INSTITUTION_SEARCH, "notes"]
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]


class ParticipantInline(admin.TabularInline):
    model = PartnershipParticipant
    autocomplete_fields = ["institution"]
    extra = 1


@admin.register(PartnershipCohort)
class PartnershipCohortAdmin(admin.ModelAdmin):
    list_display = ["position", "__str__", "training_weeks", "participant_list"]
    search_fields = ["participants__institution__name_en", "participants__institution__aliases__name"]
    inlines = [ParticipantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("participants__institution")

    @admin.display(description=_("participants"))
    def participant_list(self, cohort):
        return "; ".join(str(p.institution) for p in cohort.participants.all())


@admin.register(SupplyPlan)
class SupplyPlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "first_year_min_volumes",
        "first_year_max_volumes",
        "yearly_volumes",
        "yearly_years",
    ]


class PlanStatusFilter(admin.SimpleListFilter):
    title = _("supply plan")
    parameter_name = "plan_status"

    def lookups(self, request, model_admin):
        return plans.PlanStatus.choices

    def queryset(self, request, queryset):
        if self.value() not in plans.PlanStatus.values:
            return queryset
        return queryset.filter(pk__in=plans.sites_by_status(queryset, self.value(), timezone.localdate()))


class VolumeDeliveryInline(admin.TabularInline):
    model = VolumeDelivery
    extra = 1


class SiteEquipmentInline(admin.TabularInline):
    model = SiteEquipment
    extra = 1


@admin.register(WindowOnKoreaSite)
class WindowOnKoreaSiteAdmin(admin.ModelAdmin):
    list_display = ["number", "institution", "country", "established_year", "ended", "plan_progress"]
    list_display_links = ["number", "institution"]
    list_filter = [PlanStatusFilter, "ended", ("country", CountryFilter)]
    search_fields = [*INSTITUTION_SEARCH, "notes"]
    autocomplete_fields = ["institution"]
    readonly_fields = ["plan_progress"]
    inlines = [VolumeDeliveryInline, SiteEquipmentInline]

    def get_queryset(self, request):
        return plans.with_delivered(super().get_queryset(request).select_related("institution"))

    @admin.display(description=_("volumes against plan"))
    def plan_progress(self, site):
        if site.pk is None:
            return "–"
        progress = plans.progress(site, site.delivered, timezone.localdate())
        if progress.expected_min is None:
            return progress.get_status_display()
        return _("%(status)s: %(delivered)s delivered, %(low)s–%(high)s due by now") % {
            "status": progress.get_status_display(),
            "delivered": number_format(progress.delivered, force_grouping=True),
            "low": number_format(progress.expected_min, force_grouping=True),
            "high": number_format(progress.expected_max, force_grouping=True),
        }


@admin.register(PublishedFigure)
class PublishedFigureAdmin(admin.ModelAdmin):
    list_display = ["key", "count", "countries", "since", "source", "as_of"]
    list_filter = ["source"]
