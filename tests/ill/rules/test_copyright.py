import pytest
from django.core.exceptions import ValidationError

from ill.rules.copyright import check_copy_limit, count_pages, parse_page_ranges


def test_pages_and_ranges_are_counted_as_a_librarian_writes_them():
    assert count_pages("12-30, 45") == 20
    assert count_pages("7") == 1
    assert count_pages("1–5; 9 - 10") == 7


def test_overlapping_ranges_count_each_page_once():
    assert parse_page_ranges("10-20, 15-25, 26") == [(10, 26)]
    assert count_pages("10-20, 15-25, 26") == 17


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "required"),
        ("  ,  ", "required"),
        ("30-12", "reversed"),
        ("0-5", "zero"),
        ("0", "zero"),
        ("chapter 3", "invalid"),
        ("12-", "invalid"),
        ("5-99999999", "too_large"),
    ],
)
def test_unreadable_page_ranges_are_refused_with_a_reason(text, code):
    with pytest.raises(ValidationError) as error:
        parse_page_ranges(text)

    assert error.value.code == code


def test_a_reversed_range_says_how_to_write_it():
    with pytest.raises(ValidationError) as error:
        parse_page_ranges("30-12")

    assert "12-30" in error.value.messages[0]


def test_a_copy_must_be_less_than_one_third_of_the_item():
    assert check_copy_limit("1-33", 100) is False
    with pytest.raises(ValidationError) as error:
        check_copy_limit("1-34", 100)
    assert error.value.code == "copyright"
    assert "at most 33 of its 100 pages" in error.value.messages[0]


def test_exactly_one_third_is_too_much():
    with pytest.raises(ValidationError):
        check_copy_limit("1-10", 30)
    assert check_copy_limit("1-9", 30) is False


def test_pages_past_the_end_of_the_item_are_refused():
    with pytest.raises(ValidationError) as error:
        check_copy_limit("395-400", 320)

    assert error.value.code == "beyond_item"


def test_without_the_total_pages_the_request_is_accepted_and_flagged_for_staff():
    assert check_copy_limit("1-200", None) is True


def test_ranges_are_checked_even_when_the_total_is_unknown():
    with pytest.raises(ValidationError):
        check_copy_limit("30-12", None)


@pytest.mark.parametrize(
    "text, ranges",
    [
        ("pp. 41-80", [(41, 80)]),
        ("p. 12", [(12, 12)]),
        ("41–80", [(41, 80)]),
        ("pp 41 - 80", [(41, 80)]),
        ("P. 3, pp. 10-12", [(3, 3), (10, 12)]),
        ("pp.41—80.", [(41, 80)]),
        ("pages 3-9; page 20", [(3, 9), (20, 20)]),
        ("41~80쪽", [(41, 80)]),
        ("12 pp.", [(12, 12)]),
        ("１２－１５", [(12, 15)]),
    ],
)
def test_page_ranges_are_read_as_librarians_type_them(text, ranges):
    assert parse_page_ranges(text) == ranges


@pytest.mark.parametrize("text", ["pp.", "p. chapter 3", "pp. 12-", "12 - pp. 15", "41-80 pages 3"])
def test_a_page_sign_without_pages_is_still_refused(text):
    with pytest.raises(ValidationError) as error:
        parse_page_ranges(text)

    assert error.value.code == "invalid"


def test_the_largest_copy_allowed_is_just_under_one_third():
    from ill.rules.copyright import most_pages_allowed, within_limit

    assert most_pages_allowed(300) == 99
    assert within_limit(99, 300) and not within_limit(100, 300)
    assert not within_limit(120, 300)
