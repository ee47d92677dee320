"""Numbers staff's pages post back, read one way."""

# A version or an id is no long number; longer input is not one of ours.
MAX_DIGITS = 18


def posted_number(raw: object) -> int | None:
    """The whole number in `raw`, or None for anything else.

    isdecimal, not isdigit: "²" is a digit that int() refuses; and ASCII, as our pages write it.
    """
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdecimal()) or len(raw) > MAX_DIGITS:
        return None
    return int(raw)
