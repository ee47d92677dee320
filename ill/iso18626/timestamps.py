"""Reading and writing `xs:dateTime`, the form of every ISO 18626 timestamp, as aware datetimes."""

import re
from datetime import UTC, datetime, timedelta

DATE_TIME = re.compile(
    r"(?P<year>-?\d{4,})-(?P<month>\d\d)-(?P<day>\d\d)"
    r"T(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|[+-]\d\d:\d\d)?"
)


def parse_timestamp(text: str) -> datetime:
    """Return the aware datetime an `xs:dateTime` names; one without a zone is taken as UTC.

    Raises ValueError for text that is no dateTime or a year Python cannot hold.
    """
    match = DATE_TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an xs:dateTime")
    parts = match.groupdict()
    fraction = (parts["fraction"] or "0")[:6].ljust(6, "0")
    # 24:00:00 is the first instant of the next day.
    end_of_day = parts["hour"] == "24" and parts["minute"] == "00" and parts["second"] == "00"
    moment = datetime(
        int(parts["year"]),
        int(parts["month"]),
        int(parts["day"]),
        0 if end_of_day else int(parts["hour"]),
        int(parts["minute"]),
        int(parts["second"]),
        int(fraction),
        tzinfo=UTC,
    )
    zone = parts["zone"]
    offset = timedelta(0)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    try:
        return moment + timedelta(days=1 if end_of_day else 0) - offset
    except OverflowError:
        raise ValueError(f"{text!r} is out of the range of dates this system holds") from None


def format_timestamp(moment: datetime) -> str:
    """Return the `xs:dateTime` of an aware datetime, in UTC (`2026-03-01T09:30:00Z`)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"ISO 18626 timestamps must be aware datetimes, not {moment!r}")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
