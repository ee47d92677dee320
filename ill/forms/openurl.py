"""What an OpenURL 1.0 link (key/encoded-value, as catalogues and discovery systems write it) pre-fills in
the request form.

Pure: the query's values in, the form's initial values out. Keys the form has no field for are
ignored, and a value that does not fit its field (an ISBN with a wrong check digit, a year that is
none, pages that are no page ranges, text longer than the field) leaves the field empty.
"""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError

from ..choices import ItemType, Service
from ..rules import bibliographic, copyright

# rft_val_fmt and rft.genre values that describe a serial article or a book's chapter.
JOURNAL_FORMAT = "info:ofi/fmt:kev:mtx:journal"
ARTICLE_GENRES = frozenset({"article", "journal", "issue", "preprint", "proceeding", "conference"})
CHAPTER_GENRES = frozenset({"bookitem"})
BOOK_GENRES = frozenset({"book", "report", "document"})
YEAR = re.compile(r"^\s*(\d{4})(?:[-/]\d{1,2}(?:[-/]\d{1,2})?)?\s*$")
# The longest value each field holds (ill.models.IllRequest).
LENGTHS = {
    "title": 500, "article_title": 500, "serial_title": 500, "part_title": 500, "author": 300,
    "publisher": 300, "place": 200, "volume": 50, "issue": 50, "pages_wanted": 200, "citation_source": 500,
}


def initial_from_openurl(query: Mapping, *, this_year: int) -> dict:
    """The request form's initial values from an OpenURL query (a QueryDict or any mapping of lists or
    strings); empty when the query is no OpenURL."""
    get = _reader(query)
    genre = get("rft.genre").casefold()
    is_journal = get("rft_val_fmt") == JOURNAL_FORMAT or genre in ARTICLE_GENRES or bool(get("rft.jtitle"))
    is_chapter = not is_journal and (genre in CHAPTER_GENRES or bool(get("rft.btitle") and get("rft.atitle")))
    values = {}
    if is_journal:
        values["item_type"] = ItemType.SERIAL_ARTICLE
        values["serial_title"] = get("rft.jtitle") or get("rft.title")
        values["article_title"] = get("rft.atitle")
    elif get("rft.btitle") or get("rft.title") or genre in BOOK_GENRES | CHAPTER_GENRES:
        values["item_type"] = ItemType.MONOGRAPH
        values["title"] = get("rft.btitle") or get("rft.title")
        if is_chapter:
            values["part_title"] = get("rft.atitle")
    values["author"] = get("rft.au") or _name(get("rft.aulast"), get("rft.aufirst") or get("rft.auinit"))
    values["publisher"] = get("rft.pub")
    values["place"] = get("rft.place")
    values["volume"] = get("rft.volume")
    values["issue"] = get("rft.issue")
    values["isbn"] = bibliographic.clean_standard_number(get("rft.isbn"), "ISBN")
    values["issn"] = bibliographic.clean_standard_number(get("rft.issn") or get("rft.eissn"), "ISSN")
    values["year"] = _year(get("rft.date"), this_year)
    values["pages_wanted"] = _pages(get("rft.spage"), get("rft.epage"), get("rft.pages"))
    values["citation_source"] = get("rft_id")
    if values["pages_wanted"]:
        values["service"] = Service.COPY
    return {
        name: value
        for name, value in values.items()
        if value not in ("", None) and (name not in LENGTHS or len(value) <= LENGTHS[name])
    }


def _reader(query):
    def get(key):
        value = query.get(key, "")
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        # NUL and other control characters have no place in a field (and PostgreSQL refuses NUL).
        return "".join(ch for ch in str(value) if ch.isprintable()).strip()

    return get


def _name(last, first):
    return f"{last}, {first}" if last and first else last


def _year(value, this_year):
    match = YEAR.match(value)
    if not match:
        return None
    year = int(match.group(1))
    return year if bibliographic.is_publication_year(year, this_year=this_year) else None


def _pages(start, end, pages):
    text = f"{start}-{end}" if start and end else (pages or start)
    if not text:
        return ""
    try:
        ranges = copyright.parse_page_ranges(text)
    except ValidationError:
        return ""
    return ", ".join(f"{first}-{last}" if last != first else str(first) for first, last in ranges)
