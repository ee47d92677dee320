"""Paging a list of a million requests without counting a million rows on every page view."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from ..selectors.queues import capped_count

# Forty pages of fifty: beyond that, staff narrow the list rather than page through it.
COUNT_CAP = 2000


class AtLeast(int):
    """A count that stopped at the cap; shown as “2000+”."""

    def __str__(self):
        return f"{int(self)}+"


class About(int):
    """PostgreSQL's estimate of a whole table's rows; shown as “~1000000”."""

    def __str__(self):
        return f"~{int(self)}"


class LargeTablePaginator(Paginator):
    """The whole table's size comes from PostgreSQL's statistics; a filtered list is counted up to a cap.

    `known_count` is the size when the caller already knows it (a search's matches), so nothing is counted.
    """

    def __init__(self, *args, known_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        queryset = self.object_list
        if not queryset.query.where:
            estimate = estimated_rows(queryset)
            if estimate is not None and estimate > COUNT_CAP:
                return About(estimate)
        counted = capped_count(queryset, COUNT_CAP)
        return AtLeast(COUNT_CAP) if counted > COUNT_CAP else counted


def estimated_rows(queryset):
    """The planner's row estimate for the table (kept by ANALYZE / autovacuum), or None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    # -1 means the table has never been analysed.
    return row[0] if row and row[0] >= 0 else None
