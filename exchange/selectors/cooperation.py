"""What the public International Cooperation page reads from the records."""

from django.db.models import Min, Prefetch
from django.utils.text import get_text_list
from django.utils.translation import pgettext

from ..models import (
    AgreementKind,
    AgreementStatus,
    BusinessExchange,
    Depositor,
    Equipment,
    ExchangeAgreement,
    MaterialCategory,
    PartnershipCohort,
    PartnershipParticipant,
    WindowOnKoreaSite,
)
from . import cadence, plans
from .headlines import headlines


def business_exchanges(today):
    exchanges = cadence.with_meeting_years(BusinessExchange.objects.select_related("institution"))
    exchanges = list(exchanges.prefetch_related("meetings"))
    for exchange in exchanges:
        exchange.next_meeting = cadence.next_expected_meeting(exchange, exchange.latest_meeting_year, today)
        exchange.meeting_years = get_text_list(
            [str(m.year) for m in exchange.meetings.all()], pgettext("joining years", "and")
        )
    return exchanges


def cultural_partnership():
    """The program's rows by year, and the years the figure covers.

    Rows without a year (the library's page gives two) are listed last and counted apart:
    `undated_rows` of them with `undated_persons` librarians.
    """
    participants = PartnershipParticipant.objects.select_related("institution")
    cohorts = list(
        PartnershipCohort.objects.prefetch_related(Prefetch("participants", queryset=participants))
    )
    dated = [c for c in cohorts if c.year]
    with_librarians = [c.year for c in dated if c.participants.all()]
    undated = [c for c in cohorts if not c.year]
    return {
        "cohorts": cohorts,
        "since": min((c.year for c in dated), default=None),
        "first_year": min(with_librarians, default=None),
        "last_year": max(with_librarians, default=None),
        "training_weeks": dated[-1].training_weeks if dated else None,
        "undated_rows": len(undated),
        "undated_persons": sum(len(c.participants.all()) for c in undated),
    }


def window_on_korea():
    sites = WindowOnKoreaSite.objects.select_related("institution", "plan")
    # The plan offered now is the one the newest site follows.
    newest = sites.filter(ended=False).exclude(established_year=None).order_by("-established_year").first()
    plan = newest.plan if newest else None
    return {
        "sites": sites.filter(ended=False),
        "ended_sites": sites.filter(ended=True).order_by("established_year", "institution__name_en"),
        "plan": plan,
        "later_years_total": plans.later_years_total(plan) if plan else None,
        "equipment": [label for value, label in Equipment.choices if value != Equipment.OTHER],
    }


def cooperation_page(today):
    agreements = ExchangeAgreement.objects.filter(status=AgreementStatus.ACTIVE).exclude(
        kind=AgreementKind.ORDINARY
    )
    return {
        "business_exchanges": business_exchanges(today),
        "business_exchange_since": BusinessExchange.objects.aggregate(since=Min("since"))["since"],
        "agreements": agreements.select_related("institution"),
        "material_categories": MaterialCategory.labels,
        "depositors": Depositor.objects.filter(is_active=True),
        "figures": headlines(),
        "partnership": cultural_partnership(),
        "window_on_korea": window_on_korea(),
    }
