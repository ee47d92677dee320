"""The Window on Korea supply plan against the volumes delivered to each site."""

from dataclasses import dataclass

from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ..models import VolumeDelivery


class PlanStatus(models.TextChoices):
    ON_PLAN = "on_plan", _("On plan")
    BEHIND = "behind", _("Behind plan")
    YEAR_UNKNOWN = "year_unknown", _("Cannot be assessed: year established not known")
    ENDED = "ended", _("Operation ended")


@dataclass(frozen=True)
class Progress:
    status: str
    delivered: int
    expected_min: int | None = None
    expected_max: int | None = None

    @property
    def shortfall(self):
        if self.status != PlanStatus.BEHIND:
            return 0
        return self.expected_min - self.delivered

    def get_status_display(self):
        return PlanStatus(self.status).label


def later_years_total(plan):
    """Volumes promised after the first year (the page's "a total of 1,000")."""
    return plan.yearly_volumes * plan.yearly_years


def expected_volumes(plan, years_completed):
    """(at least, at most) volumes due once `years_completed` plan years are over."""
    if years_completed <= 0:
        return 0, 0
    later = min(years_completed - 1, plan.yearly_years) * plan.yearly_volumes
    return plan.first_year_min_volumes + later, plan.first_year_max_volumes + later


def progress(site, delivered, today):
    """Where a site stands. The year under way is not yet due: a site
    established this year is on plan until the year is over."""
    if site.ended:
        return Progress(PlanStatus.ENDED, delivered)
    if site.established_year is None:
        return Progress(PlanStatus.YEAR_UNKNOWN, delivered)
    low, high = expected_volumes(site.plan, today.year - site.established_year)
    status = PlanStatus.BEHIND if delivered < low else PlanStatus.ON_PLAN
    return Progress(status, delivered, low, high)


def with_delivered(sites):
    """The sites, each with the volumes `delivered` to it so far."""
    # A subquery rather than a join, so that admin searches across aliases
    # cannot count a delivery twice.
    totals = VolumeDelivery.objects.filter(site=OuterRef("pk")).values("site").annotate(total=Sum("volumes"))
    return sites.select_related("plan").annotate(delivered=Coalesce(Subquery(totals.values("total")), 0))


def sites_by_status(sites, status, today):
    """Primary keys of the sites in `status`; the rule runs in Python, the table is small."""
    return [
        site.pk for site in with_delivered(sites) if progress(site, site.delivered, today).status == status
    ]
