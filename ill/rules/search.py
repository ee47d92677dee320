"""The keys a request is found by when staff search for a Korean word of one or two syllables.

PostgreSQL's trigram indexes (migration 0005) cannot find a word shorter than three
characters: "고려" or "역사" has no trigram, so a search for it read the whole table.
Each request keeps the characters of its titles, authors, contact name and email written in Hangul,
Hanja or kana, and every pair of such characters that stand side by side; a word of one
or two of them is then one key of a GIN index (migration 0018_search_grams), as pg_bigm
would index it. The search finds with it exactly what `icontains` would find.
"""

import re
import unicodedata
from collections.abc import Iterable

# Hangul (syllables, jamo, compatibility jamo), kana, CJK ideographs (Hanja) and their compatibility forms.
_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(f"[{_CJK}]{{1,2}}")
# The staff search's fields (ill.selectors.queues) that can hold such characters: all of them but the
# reference, ISBN and ISSN. A contact person's name is often in Hangul; an email's domain may be.
GRAM_FIELDS = (
    "title", "article_title", "serial_title", "author", "part_title", "part_author", "contact_name", "email",
)


def normalized(text: str | None) -> str:
    """The text in composed form: Hangul typed on some systems arrives as separate jamo."""
    return unicodedata.normalize("NFC", text or "")


def grams_of(text: str | None) -> set[str]:
    """The set of CJK characters of `text` and of pairs of adjacent ones."""
    grams: set[str] = set()
    for run in _RUN.findall(normalized(text)):
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def joined(grams: Iterable[str]) -> str:
    """Grams as a request keeps them: sorted, separated by spaces."""
    return " ".join(sorted(grams))


def search_grams(*texts: str | None) -> str:
    """Every CJK character of the texts and every pair of adjacent ones, sorted, separated by spaces."""
    return joined(set().union(*map(grams_of, texts)))


def is_short_cjk_word(word: str | None) -> bool:
    """True for a word of one or two CJK characters, which only the grams can find quickly."""
    return _WORD.fullmatch(normalized(word)) is not None
