"""The public directory's reads: the institutions a search finds, and the same grouped by country."""

from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import Institution


def directory_search(query: str) -> QuerySet:
    """Active institutions matching `query` (every one when it is empty), each with its `search_rank`
    (Institution.objects.search) and its other spellings."""
    return Institution.objects.active().search(query).prefetch_related("aliases")


@dataclass(frozen=True)
class Directory:
    """The directory's institutions in groups, each {"country": ..., "institutions": [...]}; international
    organizations, which have no country, in a group of their own."""

    groups: list
    institution_count: int
    country_count: int


def directory_by_country(institutions, *, ranked: bool) -> Directory:
    """The institutions grouped by country.

    Unranked (no search), the countries run in alphabetical order. Ranked, the best matches come first:
    each country's group takes the place of its best-ranked institution, groups whose best match ranks the
    same run in alphabetical order, and within a group institutions keep their rank order.
    """
    institutions = sorted(
        institutions,
        key=lambda i: (
            i.search_rank if ranked else 0,
            not i.country,
            str(i.country.name) if i.country else "",
            i.display_name,
        ),
    )
    groups = {}
    for institution in institutions:
        groups.setdefault(institution.country.code or "", []).append(institution)
    return Directory(
        groups=[{"country": members[0].country, "institutions": members} for members in groups.values()],
        institution_count=len(institutions),
        country_count=sum(1 for code in groups if code),
    )
