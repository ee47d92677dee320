"""What a cell of an export holds: a number with its display format, and text a spreadsheet shows as typed.

A FormattedNumber is text on a page and in a PDF ("80.0%", "10.5") and a number with that format in
the XLSX, so a spreadsheet sums, sorts and filters it.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

# What makes a spreadsheet read a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


@dataclass(frozen=True)
class FormattedNumber:
    """A number shown with a format (a share as "80.0%", days as "10.5"); a number in a spreadsheet.

    None is a figure that cannot be given (nothing completed yet): "–" in text, an empty cell.
    """

    value: float | Decimal | None
    text_format: str
    number_format: str

    def __str__(self) -> str:
        return "–" if self.value is None else format(self.value, self.text_format)


def share(value: float | Decimal | None) -> FormattedNumber:
    """A fraction, shown as a percentage with one decimal."""
    return FormattedNumber(value, ".1%", "0.0%")


def days(value: float | Decimal | None) -> FormattedNumber:
    """A number of days, to a tenth of a day."""
    return FormattedNumber(value, ".1f", "0.0")


def defused(value: T) -> T | str:
    """A value a spreadsheet shows as typed rather than evaluates (FORMULA_STARTS)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
