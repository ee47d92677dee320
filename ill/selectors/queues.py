"""Which requests are waiting on staff: open, overdue, due soon, unassigned; and the staff search.

Overdue means the due date (one month after receipt, ill.rules.terms) has passed
while the request is still open (ill.status). The admin list, its filters
and the daily digest all ask here.
"""

import re
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from nlk_portal.core.calendar import library_today
from nlk_portal.core.db import SpaceSeparated
from partners.models import Institution

from ..models import IllRequest
from ..rules.search import is_short_cjk_word, normalized
from ..status import OPEN

OPEN_STATUSES = sorted(status.value for status in OPEN)
DUE_SOON_DAYS = 7
SEARCHED_FIELDS = [
    "reference", "title", "article_title", "serial_title", "author", "part_title", "part_author", "isbn", "issn",
    "contact_name", "email",
]
# A word that matches more libraries than this says little about which request is meant.
MAX_LIBRARIES_PER_WORD = 500
MAX_WORDS = 8
# The countries that have requests change when a library from a new country first asks: the list
# filter may show them this many seconds late, and saves a query on every view of the list.
COUNTRIES_CACHE_KEY = "ill:countries-with-requests"
COUNTRIES_CACHE_SECONDS = 300
# A whole reference (ILL-2026-000123) is looked up in its unique index rather than searched for.
WHOLE_REFERENCE = re.compile(r"[A-Za-z]+-\d{4}-\d{6}")


def open_requests(queryset: QuerySet[IllRequest]) -> QuerySet[IllRequest]:
    return queryset.filter(status__in=OPEN_STATUSES)


def closed_requests(queryset: QuerySet[IllRequest]) -> QuerySet[IllRequest]:
    return queryset.exclude(status__in=OPEN_STATUSES)


def overdue(queryset: QuerySet[IllRequest], today: date | None = None) -> QuerySet[IllRequest]:
    return open_requests(queryset).filter(due_date__lt=today or library_today())


def due_soon(queryset: QuerySet[IllRequest], today: date | None = None) -> QuerySet[IllRequest]:
    """Open and due today or in the next six days: not overdue yet."""
    today = today or library_today()
    return open_requests(queryset).filter(due_date__gte=today, due_date__lt=today + timedelta(DUE_SOON_DAYS))


def is_overdue(ill_request: IllRequest, today: date | None = None) -> bool:
    return ill_request.status in OPEN_STATUSES and ill_request.due_date < (today or library_today())


def capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """The number of rows, counting no further than cap + 1, so a long list is never counted in full."""
    return queryset.order_by()[: cap + 1].count()


def countries_with_requests() -> list[str]:
    """The codes of the countries whose libraries have made requests (cached, see COUNTRIES_CACHE_SECONDS)."""
    codes = cache.get(COUNTRIES_CACHE_KEY)
    if codes is None:
        # The directory is small; one index probe per library tells whether it has requests.
        codes = list(
            Institution.objects.exclude(country="")
            .filter(Exists(IllRequest.objects.filter(requesting_library=OuterRef("pk"))))
            .values_list("country", flat=True)
            # Without the directory's ordering by name, which would make (country, name) the distinct rows.
            .order_by()
            .distinct()
        )
        cache.set(COUNTRIES_CACHE_KEY, codes, COUNTRIES_CACHE_SECONDS)
    return codes


def search(queryset: QuerySet[IllRequest], text: str | None) -> QuerySet[IllRequest]:
    """Requests matching every word: reference, title, author, ISBN/ISSN, the requester's name or email,
    library or alias.

    On PostgreSQL a Korean word of one or two syllables, which has no trigram, is looked up among the
    request's search grams (ill.rules.search) in their GIN index; elsewhere every word is `icontains`.
    """
    words = _words(text)
    by_grams = connections[queryset.db].vendor == "postgresql" and any(map(is_short_cjk_word, words))
    if by_grams:
        queryset = queryset.alias(search_gram_list=SpaceSeparated("search_grams"))
    for word in words:
        queryset = queryset.filter(_matching(word, by_grams=by_grams))
    return queryset


def _words(text: str | None) -> list[str]:
    words: list[str] = []
    for bit in smart_split(text or ""):
        if bit[0] in "\"'" and bit[0] == bit[-1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit.strip())
    return words[:MAX_WORDS]


def _matching(word: str, by_grams: bool = False) -> Q:
    if WHOLE_REFERENCE.fullmatch(word):
        return Q(reference=word.upper())
    if by_grams and is_short_cjk_word(word):
        # The same requests as icontains on the searched fields: the reference, ISBN and ISSN hold no Hangul.
        condition = Q(search_gram_list__contains=[normalized(word)])
    else:
        condition = Q()
        for field in SEARCHED_FIELDS:
            condition |= Q(**{f"{field}__icontains": word})
    # ISBNs and ISSNs are stored compact; staff type them with hyphens.
    compact = re.sub(r"[\s-]", "", word)
    if compact != word and re.fullmatch(r"[0-9Xx]+", compact):
        condition |= Q(isbn__icontains=compact) | Q(issn__icontains=compact)
    # The directory is small: its matches become a list PostgreSQL can look up by index.
    libraries = list(
        Institution.objects.filter(
            Q(name_en__icontains=word) | Q(name_ko__icontains=word) | Q(aliases__name__icontains=word)
        )
        .values_list("pk", flat=True)
        .distinct()[:MAX_LIBRARIES_PER_WORD]
    )
    if libraries:
        condition |= Q(requesting_library_id__in=libraries)
    return condition
