"""Where a request's publisher, place and year are written together, only those given are joined: no stray
comma or full stop is left by one that is empty, on the tracking page, the invoice or the settlement statement."""

import itertools
import re

import pytest
from django.urls import reverse

from ill.models import Invoice
from ill.services import pdf
from tests.ill.pdf_reading import pdf_text
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)

PARTS = {"publisher": "Hanul Press", "place": "Seoul", "year": 2019}
# Every combination of the three given or left empty.
COMBINATIONS = [
    {name: (value if given else ("" if name != "year" else None)) for (name, value), given in zip(PARTS.items(), mask)}
    for mask in itertools.product([True, False], repeat=3)
]
STRAY = re.compile(r"(^|\s)[,.]|,\s*,|\.\s*[,.]|,\s*$|,\s*\n")


def ids(parts):
    return "-".join(name for name in PARTS if parts[name]) or "none"


def expected_publication(parts):
    return ", ".join(str(parts[name]) for name in PARTS if parts[name])


@pytest.mark.parametrize("parts", COMBINATIONS, ids=ids)
def test_the_tracking_page_joins_only_the_parts_given(client, source_fee_schedule, parts):
    copied = supply_copy(item_type="article", title="", article_title="Movable type in Joseon",
                         serial_title="Korea Journal", author="Smith, John", **parts)

    html = client.get(reverse("ill:track", args=[copied.tracking_token])).content.decode()

    published = re.search(r'<dd class="col-sm-8 publication">(.*?)</dd>', html)
    if expected_publication(parts):
        assert published[1] == expected_publication(parts)
        assert not STRAY.search(published[1])
    else:
        assert published is None
        assert ">Published<" not in html


@pytest.mark.parametrize("parts", COMBINATIONS, ids=ids)
def test_the_invoice_cites_the_item_with_only_the_parts_given(source_fee_schedule, parts):
    copied = supply_copy(author="Smith, John.", **parts)
    invoice = Invoice.objects.get(request=copied)

    text = pdf_text(pdf.render_invoice(invoice))

    citation = "Smith, John" + (". " + expected_publication(parts) if expected_publication(parts) else "")
    assert re.search(rf"^{re.escape(citation)}$", text, re.MULTILINE), text
    assert "Smith, John. ," not in text and "Smith, John.." not in text


@pytest.mark.parametrize("author", ["", "Smith, John", "  "])
@pytest.mark.parametrize("parts", COMBINATIONS, ids=ids)
def test_the_citation_line_never_begins_or_ends_with_punctuation(source_fee_schedule, author, parts):
    copied = supply_copy(author=author, **parts)

    line = copied.author_and_publication

    assert line == ". ".join(part for part in (author.strip(), expected_publication(parts)) if part)
    assert not re.search(r"^[\s,.]|[\s,.]$", line)


@pytest.mark.parametrize(
    "serial, volume, issue, language, expected",
    [
        ("Korea Journal", "12", "3", "en", "Korea Journal, vol. 12, no. 3"),
        ("Korea Journal", "", "3", "en", "Korea Journal, no. 3"),
        ("Korea Journal", "12", "", "en", "Korea Journal, vol. 12"),
        ("Korea Journal", "", "", "en", "Korea Journal"),
        ("", "12", "3", "en", "vol. 12, no. 3"),
        ("Korea Journal", "12", "3", "ko", "Korea Journal, 제12권 제3호"),
        ("", "", "3", "ko", "제3호"),
    ],
)
def test_the_request_summary_joins_the_serial_volume_and_issue_given(
    client, source_fee_schedule, serial, volume, issue, language, expected
):
    copied = supply_copy(item_type="article", title="", article_title="Movable type in Joseon")
    # A request from a partner's system (ISO 18626) may lack what the web form requires.
    copied.serial_title, copied.volume, copied.issue = serial, volume, issue
    copied.save(update_fields=["serial_title", "volume", "issue"])

    html = client.get(
        reverse("ill:track", args=[copied.tracking_token]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert re.search(r'<dd class="col-sm-8 serial">(.*?)</dd>', html)[1] == expected
