"""Page ranges written every way a librarian might write them read as the pages they name."""

from hypothesis import given
from hypothesis import strategies as st

from ill.rules.copyright import DASHES, MAX_PAGES, count_pages, parse_page_ranges

page = st.integers(min_value=1, max_value=MAX_PAGES)
page_range = st.tuples(page, page).map(sorted).map(tuple)
prefix = st.sampled_from(["", "p. ", "pp. ", "pp ", "p.", "pp.", "P. ", "PP. ", "pages ", "page ", "S. "])
suffix = st.sampled_from(["", ".", " pp.", "쪽", " pages"])
space = st.sampled_from(["", " ", "  "])
separator = st.sampled_from([", ", ",", "; ", ";", " , "])


@st.composite
def written(draw):
    """(text, the ranges it names) as a person might type them."""
    ranges = draw(st.lists(page_range, min_size=1, max_size=6))
    parts = []
    for first, last in ranges:
        if first == last and draw(st.booleans()):
            body = str(first)
        else:
            body = f"{first}{draw(space)}{draw(st.sampled_from(DASHES))}{draw(space)}{last}"
        parts.append(f"{draw(space)}{draw(prefix)}{body}{draw(suffix)}{draw(space)}")
    return draw(separator).join(parts), ranges


def merged(ranges):
    pages = set()
    for first, last in ranges:
        pages.update(range(first, last + 1))
    out = []
    for number in sorted(pages):
        if out and number == out[-1][1] + 1:
            out[-1] = (out[-1][0], number)
        else:
            out.append((number, number))
    return out, len(pages)


@given(written())
def test_ranges_written_any_way_name_the_same_pages(example):
    text, ranges = example
    expected, count = merged(ranges)

    assert parse_page_ranges(text) == expected
    assert count_pages(text) == count
