"""Whatever a client sends to the public pages, the answer is never a server error.

Hypothesis makes the input: arbitrary text (NUL characters, any script, very
long values), arbitrary sets of fields, several values for one field, and
query strings of anything. Each example comes from a client address of its
own, so the per-client rate limits count as in real use without stopping the
search, and runs in a savepoint that is rolled back, so examples do not see
each other's requests.
"""

import ipaddress
import itertools
from contextlib import contextmanager
from urllib.parse import quote as percent_encoded
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ill.forms.requests import IllRequestForm
from ill.models import IllRequest
from tests.factories import InstitutionAliasFactory, InstitutionFactory
from tests.ill.forms import form_data

pytestmark = pytest.mark.django_db
# The database and the client are set up once for all of a test's examples, on purpose.
fuzz = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_addresses = itertools.count(1)


def new_client():
    """A client from an address no other example used: each has the rate limits' full allowance."""
    address = ipaddress.IPv4Address(int(ipaddress.IPv4Address("10.0.0.0")) + next(_addresses))
    return Client(REMOTE_ADDR=str(address))


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Values people and programs type, and values nobody would.
TRICKY = [
    "", " ", "on", "off", "0", "-1", "²", "1²", "١٢", "１１", "𝟏𝟐", "1e999999", "NaN", "-Infinity", "0x1F",
    "9" * 5000, "\x00", "a\x00b", "copy", "loan", "post", "electronic", "monograph", "serial_article",
    "review", "edit", "submit", "12-30, 45", "30-12", "1-10000000", "<script>alert(1)</script>",
    "' OR 1=1 --", "%00", "\ufeff", "\u202e", "한국 근대 문학사", "00000000-0000-0000-0000-000000000000",
]
long_text = st.builds(
    lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.sampled_from([300, 5_000])
)
value = st.one_of(st.text(), st.sampled_from(TRICKY), st.integers().map(str), long_text)
values = st.one_of(value, st.lists(value, min_size=2, max_size=3))
# Near-misses for the fields that are numbers or page ranges, besides anything at all.
number = st.one_of(
    st.integers(-10, 20_000).map(str),
    st.decimals(allow_nan=True).map(str),
    # Digits of any script, superscripts and fractions among them.
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=5),
    # Past the 4,300 digits Python converts to an int.
    st.integers(4_000, 6_000).map(lambda n: "9" * n),
    value,
)
page_range = st.one_of(
    st.integers(-5, 12_000).map(str),
    st.tuples(st.integers(-5, 12_000), st.integers(-5, 12_000)).map(lambda r: f"{r[0]}-{r[1]}"),
    value,
)
page_ranges = st.lists(page_range, min_size=1, max_size=4).map(", ".join)
FIELD_VALUES = {
    "pages_wanted": page_ranges, "ranges": page_ranges, "pages": number, "total_pages": number,
    "max_cost_usd": number, "year": number,
}
FORM_FIELDS = [*IllRequestForm.base_fields, "action"]


def changed_fields(names, most):
    """Up to `most` fields given a value that suits them, or any value at all, or several."""
    names = st.lists(st.one_of(st.sampled_from(names), st.text(max_size=30)), max_size=most, unique=True)
    return names.flatmap(
        lambda chosen: st.fixed_dictionaries(
            {name: st.one_of(FIELD_VALUES.get(name, value), values) for name in chosen}
        )
    )


@pytest.fixture
def library(db):
    bhutan = InstitutionFactory(
        name_en="National Library of Bhutan", name_ko="부탄 국립도서관", country="BT", city="Thimphu"
    )
    InstitutionAliasFactory(institution=bhutan, name="National Library of Butan")
    InstitutionFactory(name_en="National Library of Mongolia", country="MN")
    return bhutan


@fuzz
@given(
    from_a_filled_form=st.booleans(),
    action=st.sampled_from(["submit", "submit", "review", "edit", None]),
    changes=changed_fields(FORM_FIELDS, most=3),
    left_out=st.sets(st.sampled_from(FORM_FIELDS), max_size=2),
)
@example(from_a_filled_form=True, action="submit", changes={"pages_wanted": "1²"}, left_out=set())
@example(from_a_filled_form=True, action="submit", changes={"max_cost_usd": "1e999999"}, left_out=set())
@example(from_a_filled_form=True, action="submit", changes={"requesting_library": "\x00"}, left_out=set())
@example(from_a_filled_form=False, action="review", changes={"notes": "x" * 3_000_000}, left_out=set())
def test_the_request_form_never_answers_with_a_server_error(
    library, source_fee_schedule, from_a_filled_form, action, changes, left_out
):
    data = form_data(library) if from_a_filled_form else {}
    if action is not None:
        data["action"] = action
    data.update(changes)
    for name in left_out:
        data.pop(name, None)

    with rolled_back():
        response = new_client().post(
            reverse("ill:request"),
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
        if response.status_code == 302:
            # Submitted: the whole request is there, with its first line of history.
            ill_request = IllRequest.objects.get(submission_key=data["submission_key"])
            assert ill_request.history.count() == 1

    assert response.status_code in (200, 302, 400)


QUOTE_PARAMS = ["service", "delivery", "pages", "ranges"]


def quote(params):
    return new_client().get(reverse("ill:fee_quote") + "?" + urlencode(params, doseq=True))


@fuzz
@given(
    from_a_good_query=st.booleans(),
    changes=changed_fields(QUOTE_PARAMS, most=2),
    left_out=st.sets(st.sampled_from(QUOTE_PARAMS), max_size=1),
)
@example(from_a_good_query=True, changes={"pages": "²"}, left_out=set())
@example(from_a_good_query=True, changes={"pages": "9" * 5000}, left_out=set())
@example(from_a_good_query=True, changes={"ranges": "1-" + "9" * 5000}, left_out=set())
def test_the_fee_quote_answers_any_parameters_with_a_fee_or_a_400(
    source_fee_schedule, from_a_good_query, changes, left_out
):
    params = {"service": "copy", "delivery": "post", "pages": "11"} if from_a_good_query else {}
    params.update(changes)
    for name in left_out:
        params.pop(name, None)

    response = quote(params)

    assert response.status_code in (200, 400), response.content
    body = response.json()
    assert body["total"] if response.status_code == 200 else body["error"]


delivery = st.sampled_from(["post", "electronic"])


@fuzz
@given(pages=st.one_of(number, values), delivery=delivery)
@example(pages="²", delivery="post")
@example(pages="9" * 5000, delivery="post")
def test_the_fee_quote_answers_any_page_count_with_a_fee_or_a_400(source_fee_schedule, pages, delivery):
    response = quote({"service": "copy", "delivery": delivery, "pages": pages})

    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["field"] == "pages"


@fuzz
@given(ranges=st.one_of(page_ranges, values), delivery=delivery)
@example(ranges="1-" + "9" * 5000, delivery="post")
@example(ranges="²-³", delivery="post")
def test_the_fee_quote_answers_any_page_ranges_with_a_fee_or_a_400(source_fee_schedule, ranges, delivery):
    response = quote({"service": "copy", "delivery": delivery, "ranges": ranges})

    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["field"] == "ranges"


@fuzz
@given(query=st.text(max_size=300))
@example(query="%zz&&==;;%00&pages=%C2%B2&delivery=post")
@example(query="pages=" + "9" * 5000 + "&delivery=post")
def test_the_fee_quote_answers_any_query_string(source_fee_schedule, query):
    # Kept as typed, bad percent escapes included; only what a URL cannot hold at all is escaped.
    response = new_client().get(reverse("ill:fee_quote") + "?" + percent_encoded(query, safe="=&;%+"))

    assert response.status_code in (200, 400), response.content


search_text = st.one_of(st.text(), st.sampled_from(TRICKY), long_text)


@fuzz
@given(text=search_text)
@example(text="Bhu\x00tan")
def test_the_library_search_answers_any_text(library, text):
    response = new_client().get(reverse("ill:library_search"), {"q": text})

    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


@fuzz
@given(text=search_text, extra=st.dictionaries(st.text(max_size=10), values, max_size=3))
@example(text="Mongo\x00lia", extra={})
def test_the_partner_directory_answers_any_search(library, text, extra):
    query = urlencode({**extra, "q": text}, doseq=True)
    response = new_client().get(reverse("partners:directory") + "?" + query)

    assert response.status_code == 200
