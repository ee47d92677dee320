"""The request list and a request's page cost the same few queries however many requests there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ill.services.workflow import do_transition
from ill.status import Status
from tests.factories import InstitutionFactory, UserFactory

from .conftest import many_requests

pytestmark = pytest.mark.django_db
LIST = reverse("admin:ill_illrequest_changelist")
# Session, user, permissions (2), count, page of requests: the countries of the country filter come from
# the cache. A search counts nothing (the list is its matches) but adds the requests it matches and, for
# each word, the libraries the word names; the whole table's estimate on PostgreSQL adds one.
LIST_QUERIES = 7
# The first view after the countries' cache has expired looks them up.
COLD_LIST_QUERIES = LIST_QUERIES + 1
# Session, user, permissions (2), the request, history, notes, emails, invoices, the staff to assign to,
# the library.
PAGE_QUERIES = 11
LIST_VIEWS = [{}, {"status": "all"}, {"due": "overdue"}, {"assigned": "nobody"}, {"q": "문학"}, {"country": "DE"}]


def queries_for(client, url, query=None):
    client.get(url, query or {})  # the first view of all fills the content-type cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query or {})
    assert response.status_code == 200
    return len(captured)


def libraries():
    return [InstitutionFactory(country=code) for code in ["DE", "JP", "FR", "US", "VN"]]


def fill(count, schedule, staff):
    """`count` requests from five libraries in five countries, some assigned, one worked to the end."""
    made = []
    for n, library in enumerate(libraries()):
        made += many_requests(count // 5, library=library, schedule=schedule, assigned_to=staff if n % 2 else None)
    worked = made[0]
    do_transition(worked, Status.WILL_SUPPLY)
    do_transition(worked, Status.COPY_COMPLETED, pages_copied=20)
    return worked


@pytest.mark.parametrize("query", LIST_VIEWS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "open")
def test_the_list_costs_the_same_queries_for_50_or_500_requests(kim_client, kim, source_fee_schedule, query):
    fill(50, source_fee_schedule, kim)
    with_50 = queries_for(kim_client, LIST, query)

    fill(450, source_fee_schedule, kim)
    with_500 = queries_for(kim_client, LIST, query)

    print(f"\nrequest list {query or 'open'}: {with_50} queries with 50 requests, {with_500} with 500")
    assert with_50 == with_500 <= LIST_QUERIES


def test_a_requests_page_costs_the_same_queries_for_50_or_500_requests(kim_client, kim, source_fee_schedule):
    for n in range(3):
        UserFactory(is_staff=True).groups.add(kim.groups.get())
    worked = fill(50, source_fee_schedule, kim)
    url = reverse("admin:ill_illrequest_change", args=[worked.pk])
    with_50 = queries_for(kim_client, url)

    fill(450, source_fee_schedule, kim)
    with_500 = queries_for(kim_client, url)

    print(f"\nrequest page: {with_50} queries with 50 requests, {with_500} with 500")
    assert with_50 == with_500 <= PAGE_QUERIES


def test_the_list_with_many_rows_stays_within_its_query_budget(
    kim_client, kim, source_fee_schedule, django_assert_max_num_queries
):
    fill(500, source_fee_schedule, kim)

    with django_assert_max_num_queries(COLD_LIST_QUERIES):
        kim_client.get(LIST, {"status": "all"})
    with django_assert_max_num_queries(LIST_QUERIES):
        kim_client.get(LIST, {"status": "all"})


def test_a_search_is_counted_from_its_matches_without_another_query(kim_client, kim, source_fee_schedule):
    fill(50, source_fee_schedule, kim)
    with CaptureQueriesContext(connection) as captured:
        response = kim_client.get(LIST, {"q": "문학"})

    matches = response.context["cl"].result_count
    assert matches == len(response.context["cl"].result_list) > 0
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
