"""When the next business-exchange meeting is due, from the partnership's cadence."""

from django.db.models import OuterRef, Subquery

from ..models import Cadence, Meeting

YEARS_BETWEEN_MEETINGS = {Cadence.ANNUAL: 1, Cadence.BIENNIAL: 2}


def next_expected_meeting(exchange, latest_meeting_year, today):
    """The first year of the series (since, since + step, ...) after the latest
    recorded meeting and not before this year; None when no cadence is fixed.

    Years already past without a recorded meeting are not reported as due: the
    record may simply be incomplete, and only the coming meeting can be planned.
    """
    step = YEARS_BETWEEN_MEETINGS.get(exchange.cadence)
    if step is None or exchange.since is None:
        return None
    earliest = max(exchange.since, today.year, (latest_meeting_year or 0) + 1)
    return earliest + (exchange.since - earliest) % step


def with_meeting_years(exchanges):
    """The exchanges, each with `latest_meeting_year` from its recorded meetings."""
    latest = Meeting.objects.filter(exchange=OuterRef("pk")).order_by("-year").values("year")[:1]
    return exchanges.annotate(latest_meeting_year=Subquery(latest))
