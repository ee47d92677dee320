from datetime import UTC, datetime, timedelta, timezone

import pytest

from ill.iso18626.timestamps import format_timestamp, parse_timestamp


@pytest.mark.parametrize(
    "text, moment",
    [
        ("2026-03-02T10:30:15+09:00", datetime(2026, 3, 2, 1, 30, 15, tzinfo=UTC)),
        ("2026-03-02T01:30:15Z", datetime(2026, 3, 2, 1, 30, 15, tzinfo=UTC)),
        ("2026-03-02T01:30:15", datetime(2026, 3, 2, 1, 30, 15, tzinfo=UTC)),
        ("2026-03-01T19:04:11.123-05:00", datetime(2026, 3, 2, 0, 4, 11, 123000, tzinfo=UTC)),
        ("2024-12-12T20:12:00.629710681Z", datetime(2024, 12, 12, 20, 12, 0, 629710, tzinfo=UTC)),
        ("2026-12-31T24:00:00Z", datetime(2027, 1, 1, tzinfo=UTC)),
        (" 2026-03-02T01:30:15Z\n", datetime(2026, 3, 2, 1, 30, 15, tzinfo=UTC)),
    ],
)
def test_a_date_time_is_read_as_an_aware_datetime(text, moment):
    parsed = parse_timestamp(text)

    assert parsed == moment
    assert parsed.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02",
        "2026-03-02 01:30:15",
        "2026-13-02T01:30:15Z",
        "0000-03-02T01:30:15Z",
        "0001-01-01T00:00:00+01:00",
        "",
    ],
)
def test_what_is_no_date_time_python_can_hold_is_refused(text):
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_a_timestamp_is_written_in_utc():
    seoul = timezone(timedelta(hours=9))

    assert format_timestamp(datetime(2026, 3, 2, 10, 30, 15, tzinfo=seoul)) == "2026-03-02T01:30:15Z"
    assert (
        format_timestamp(datetime(2026, 3, 2, 1, 30, 15, 250000, tzinfo=UTC)) == "2026-03-02T01:30:15.250000Z"
    )


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        format_timestamp(datetime(2026, 3, 2, 1, 30, 15))
