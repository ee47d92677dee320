"""The copyright limit on copies, and the page ranges a librarian asks for.

A copy must be of less than one third of the entire contents of a single
item. Where the total is unknown the request is accepted and flagged, so
staff check the limit before copying.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# No single item runs to more pages; a bound keeps input and arithmetic sane.
MAX_PAGES = 10_000

# Hyphen, the Unicode hyphens and dashes, the minus sign, and the tilde Korean writing uses for a range.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212~\u301c\uff5e\ufe63\uff0d"
_RANGE = re.compile(rf"^(\d+)(?:\s*[{DASHES}]\s*(\d+))?$")
# What librarians write around the pages: "p. 12", "pp 41-80", "pages 3-9", "S. 4", "41-80쪽", "pp. 41–80."
_BEFORE = re.compile(r"^(?:pp?|pgs?|pages?|s)\s*\.?\s*(?=\d)", re.IGNORECASE)
_AFTER = re.compile(r"(?<=\d)\s*(?:pp?\.?|pages?|쪽|면|페이지)?\s*\.?$", re.IGNORECASE)


def parse_page_ranges(text: str | None) -> list[tuple[int, int]]:
    """ "12-30, 45" -> [(12, 30), (45, 45)]: sorted, overlaps merged.

    Written as librarians write them: "pp. 41-80", "p. 12", "41–80" (an en dash), "pp 41 - 80",
    "P. 3, pp. 10-12", "41~80쪽".
    """
    parts = [p.strip() for p in re.split(r"[,;、，；]", text or "")]
    if not any(parts):
        raise ValidationError(_("Enter the pages you want, for example 12-30, 45."), code="required")
    ranges = [_parse_range(part) for part in parts if part]
    return _merge(sorted(ranges))


def _parse_range(part: str) -> tuple[int, int]:
    match = _RANGE.match(_AFTER.sub("", _BEFORE.sub("", part)))
    if not match:
        raise ValidationError(
            _("“%(part)s” is not a page or a range of pages: write them like 12-30, 45."),
            code="invalid",
            params={"part": part[:40]},
        )
    first = int(match[1])
    last = int(match[2]) if match[2] else first
    if first == 0 or last == 0:
        raise ValidationError(_("Pages are numbered from 1; there is no page 0."), code="zero")
    if last < first:
        raise ValidationError(
            _("The range %(part)s runs backwards: write the first page first (%(last)s-%(first)s)."),
            code="reversed",
            params={"part": part, "first": first, "last": last},
        )
    if last > MAX_PAGES:
        raise ValidationError(
            _("Page %(page)s is beyond %(max)s pages."),
            code="too_large",
            params={"page": last, "max": MAX_PAGES},
        )
    return first, last


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in ranges:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def count_pages(text: str | None) -> int:
    """How many distinct pages the ranges cover; overlapping ranges count once."""
    return sum(last - first + 1 for first, last in parse_page_ranges(text))


def most_pages_allowed(total_pages: int) -> int:
    """The largest copy that is still less than one third of the item."""
    return (total_pages - 1) // 3


def within_limit(pages: int, total_pages: int) -> bool:
    """True when a copy of `pages` pages is less than one third of an item of `total_pages` pages."""
    return pages * 3 < total_pages


def check_copy_limit(ranges_text: str | None, total_pages: int | None) -> bool:
    """Return True when staff must check the limit (total unknown); raise if the copy is too large."""
    ranges = parse_page_ranges(ranges_text)
    if total_pages is None:
        return True
    if ranges[-1][1] > total_pages:
        raise ValidationError(
            _("Page %(page)s is past the end of the item, which has %(total)s pages."),
            code="beyond_item",
            params={"page": ranges[-1][1], "total": total_pages},
        )
    pages = sum(last - first + 1 for first, last in ranges)
    if not within_limit(pages, total_pages):
        raise ValidationError(
            _(
                "To respect copyright a copy must be less than one third of the item: at most %(allowed)s "
                "of its %(total)s pages, and you asked for %(pages)s."
            ),
            code="copyright",
            params={"allowed": most_pages_allowed(total_pages), "total": total_pages, "pages": pages},
        )
    return False


def copy_refusal(ranges_text: str | None, total_pages: int | None) -> str | Promise | None:
    """Why a copy may not be made yet, or None once the one-third check is made and passed."""
    if total_pages is None:
        return _(
            "The one-third copyright check has not been made: record the total pages of the item first."
        )
    try:
        check_copy_limit(ranges_text, total_pages)
    except ValidationError as error:
        return error.messages[0]
    return None


def check_pages_copied(pages: int | None, total_pages: int | None) -> None:
    """The pages actually copied must respect the same limit as the pages asked for."""
    if pages is None or pages < 1:
        raise ValidationError(_("Give the number of pages actually copied."), code="required")
    if total_pages is not None and not within_limit(pages, total_pages):
        raise ValidationError(
            _(
                "%(pages)s pages is not less than one third of the item's %(total)s pages: at most "
                "%(allowed)s may be copied."
            ),
            code="copyright",
            params={"pages": pages, "total": total_pages, "allowed": most_pages_allowed(total_pages)},
        )
