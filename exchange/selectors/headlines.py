"""Headline figures: counted from the records once they are complete, else as published."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import ngettext

from ..models import (
    AgreementStatus,
    ExchangeAgreement,
    FigureKey,
    KoreanStudiesSupply,
    PartnershipParticipant,
    PublishedFigure,
)


@dataclass(frozen=True)
class Headline:
    key: str
    count: int
    countries: int | None
    since: int | None = None
    published: PublishedFigure | None = None

    @property
    def from_records(self):
        return self.published is None

    @property
    def as_of(self) -> date | None:
        return self.published.as_of if self.published else None

    @property
    def text(self):
        """ "257 libraries from 91 countries", in the reader's language."""
        values = {"count": self.count, "countries": self.countries}
        if self.key == FigureKey.CULTURAL_PARTNERSHIP:
            if self.countries:
                return (
                    ngettext(
                        "%(count)d person from %(countries)d countries",
                        "%(count)d persons from %(countries)d countries",
                        self.count,
                    )
                    % values
                )
            return ngettext("%(count)d person", "%(count)d persons", self.count) % values
        if self.countries:
            return (
                ngettext(
                    "%(count)d library from %(countries)d countries",
                    "%(count)d libraries from %(countries)d countries",
                    self.count,
                )
                % values
            )
        return ngettext("%(count)d library", "%(count)d libraries", self.count) % values


def counted_from_records(key):
    """(libraries or persons, countries) that the records themselves give."""
    if key == FigureKey.CULTURAL_PARTNERSHIP:
        # Each participant row is one visiting librarian. The library's figure (51 persons from 23
        # countries, 2006-2018) counts the years its table gives; the rows it gives no year for are
        # shown and counted apart (cooperation.cultural_partnership).
        return PartnershipParticipant.objects.filter(cohort__year__isnull=False).aggregate(
            n=Count("id"), countries=Count("country", distinct=True)
        )
    if key == FigureKey.EXCHANGE_PARTNERS:
        records = ExchangeAgreement.objects.filter(status=AgreementStatus.ACTIVE)
    else:
        records = KoreanStudiesSupply.objects.all()
    return records.aggregate(
        n=Count("institution", distinct=True),
        countries=Count("institution__country", distinct=True, filter=~Q(institution__country="")),
    )


def headline(key):
    """The records' count when it reaches the published figure (the records are
    then at least as complete as what was published); otherwise the published
    figure, which staff keep with its date. None when there is neither."""
    counted = counted_from_records(key)
    published = PublishedFigure.objects.filter(key=key).first()
    since = published.since if published else None
    if published is not None and counted["n"] < published.count:
        return Headline(key, published.count, published.countries, since, published)
    if counted["n"] == 0:
        return None
    return Headline(key, counted["n"], counted["countries"], since)


def headlines():
    return {key.name.lower(): headline(key) for key in FigureKey}
