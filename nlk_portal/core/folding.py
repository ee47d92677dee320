"""Text folded for searching, so that case, accents and other spellings of Latin letters compare equal."""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from anyascii import anyascii
from django.db import models

HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]")
SPACES = re.compile(r"\s+")
# What a stored folded value joins its parts with: fold() turns every run of spaces in a search
# into one space, so no search can match across two parts.
SEPARATOR = "\n"


@lru_cache(maxsize=8192)
def _fold_character(char: str) -> str:
    if char < "\x80":
        return char
    if "\u0300" <= char <= "\u036f":
        # A combining accent left over after composition (no precomposed letter has it).
        return ""
    if unicodedata.name(char, "").startswith("LATIN ") or "\u2010" <= char <= "\u205e":
        # Latin letters with accents or of their own (ø, æ, ß, đ, ł, þ) and typographic
        # punctuation (“ ” – ’) as plain ASCII: "Kobenhavn" is how København is written without them.
        return anyascii(char)
    # Hangul, CJK and every other script stay as they are: "서울" must not become "seoul".
    return char


def fold(text: object) -> str:
    """text as the directory's search compares it: Unicode compatibility forms unified (NFKC),
    Latin letters and typographic punctuation as plain ASCII, case folded, runs of spaces as one.

    "Málaga", "MALAGA" and "malaga" all give "malaga"; "København" gives "kobenhavn" and
    "Straße" "strasse". Other scripts keep their letters: "국립중앙도서관" is unchanged.
    """
    text = unicodedata.normalize("NFKC", str(text))
    folded = "".join(_fold_character(char) for char in text).casefold()
    return SPACES.sub(" ", folded).strip()


def has_hangul(text: str | None) -> bool:
    """Whether text has a Korean letter in it."""
    return bool(HANGUL.search(text or ""))


class FoldedField(models.TextField):
    """The folded form (fold) of other fields of the same row, for searching.

    Written on every save and by bulk_create, from the fields named in `of`, folded one by one
    and joined by SEPARATOR (text without a length limit: folding may lengthen, "æ" is "ae"). A save with update_fields must name this field too when it names
    one of those (Institution.save does).
    """

    def __init__(self, *args: Any, of: Iterable[str] = (), **kwargs: Any) -> None:
        self.of = tuple(of)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        # Rows written outside the ORM (the benchmark's COPY) get an empty value, not an error.
        kwargs.setdefault("db_default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["of"] = self.of
        return name, path, args, kwargs

    def folded_value(self, instance: models.Model) -> str:
        return SEPARATOR.join(filter(None, (fold(getattr(instance, field) or "") for field in self.of)))

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.folded_value(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def with_folded_fields(model: type[models.Model], update_fields: Iterable[str] | None) -> set[str] | None:
    """update_fields with the model's FoldedFields added wherever one of their sources is in it."""
    if update_fields is None:
        return None
    update_fields = set(update_fields)
    for field in model._meta.concrete_fields:
        if isinstance(field, FoldedField) and update_fields & set(field.of):
            update_fields.add(field.name)
    return update_fields
