"""Numbers the portal's pages and links send back, read one way."""

from typing import TypeGuard

# A version or an id is no long number; longer input is not one of ours.
MAX_DIGITS = 18


def is_digits(raw: object, *, any_script: bool = False) -> TypeGuard[str]:
    """Whether `raw` is one or more decimal digits and nothing else.

    isdecimal, not isdigit: "²" is a digit that int() refuses. ASCII digits only, as our pages write
    them, unless `any_script`: then also the decimal digits of other scripts ("１１" as a Korean or
    Japanese keyboard may type it), which int() reads.
    """
    return isinstance(raw, str) and raw.isdecimal() and (any_script or raw.isascii())


def posted_number(raw: object, *, max_digits: int = MAX_DIGITS, any_script: bool = False) -> int | None:
    """The whole number in `raw`, or None for anything else, or for more than `max_digits` digits.

    Counting the digits first also keeps int() from the very long strings it refuses or is slow on.
    """
    if not is_digits(raw, any_script=any_script) or len(raw) > max_digits:
        return None
    return int(raw)
