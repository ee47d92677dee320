"""The rules of a request's bibliographic numbers: an ISBN or ISSN in its compact form, and a real year of
publication.

Pure: a form, an OpenURL link and a partner's ISO 18626 request all clean their values here.
"""

from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import isbn, issn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as NumberError

Scheme = Literal["ISBN", "ISSN"]
SCHEME_NAMES = {"ISBN": _("ISBN"), "ISSN": _("ISSN")}
# The oldest year of publication taken: a year has four digits.
FIRST_YEAR = 1000


def compact_standard_number(value: str | None, scheme: Scheme) -> str:
    """Return the compact form of a valid ISBN or ISSN ("978-89-..." to "97889..."), "" for none.

    Raises stdnum's ValidationError for an invalid one: InvalidChecksum when only its check digit is wrong.
    """
    if not value:
        return ""
    if scheme == "ISBN":
        return isbn.compact(isbn.validate(value))
    return issn.compact(issn.validate(value))


def clean_standard_number(value: str | None, scheme: Scheme) -> str:
    """Return the compact form of a valid ISBN or ISSN, or "" for none or an invalid one."""
    try:
        return compact_standard_number(value, scheme)
    except NumberError:
        return ""


def check_standard_number(value: str | None, scheme: Scheme) -> str:
    """Return the compact form of a valid ISBN or ISSN, "" for none; raise ValidationError, saying what is
    wrong, for an invalid one."""
    try:
        return compact_standard_number(value, scheme)
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit of this %(name)s is wrong: please copy the number again."),
            params={"name": SCHEME_NAMES[scheme]},
        ) from None
    except NumberError:
        raise ValidationError(_("This is not a valid %(name)s."), params={"name": SCHEME_NAMES[scheme]}) from None


def is_publication_year(year: int, *, this_year: int) -> bool:
    """Whether a year can be one of publication: four digits, at the latest next year."""
    return FIRST_YEAR <= year <= this_year + 1
