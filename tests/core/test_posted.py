"""Numbers staff's pages post back are read one way: a plain whole number, or nothing."""

import pytest

from nlk_portal.core.posted import posted_number


@pytest.mark.parametrize("raw, number", [("7", 7), ("0", 0), ("123456789012345678", 123456789012345678)])
def test_a_plain_whole_number_is_read(raw, number):
    assert posted_number(raw) == number


@pytest.mark.parametrize(
    "raw", ["", "²", "٣", "1²", "-1", "+1", " 1", "1.0", "1e3", "1" * 19, "\x00", None, 7, ["1"]]
)
def test_anything_else_is_none(raw):
    assert posted_number(raw) is None


@pytest.mark.parametrize("raw, number", [("2026", 2026), ("12345", None), ("0012", 12), ("²", None)])
def test_a_caller_may_allow_fewer_digits(raw, number):
    assert posted_number(raw, max_digits=4) == number


@pytest.mark.parametrize("raw, number", [("１１", 11), ("٣٠٠", 300), ("11", 11), ("²", None), ("1²", None)])
def test_a_caller_may_read_the_decimal_digits_of_any_script(raw, number):
    assert posted_number(raw, any_script=True) == number
    assert posted_number(raw) == (number if raw.isascii() else None)
