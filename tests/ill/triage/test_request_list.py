"""NLK staff find the requests that need them on the admin's request list."""

import pytest
from django.urls import reverse

from ill.models import IllRequest
from ill.services.workflow import do_transition
from ill.status import Status, UnfilledReason
from nlk_portal.core import calendar
from tests.factories import InstitutionAliasFactory, InstitutionFactory

from .conftest import received_days_ago

pytestmark = pytest.mark.django_db
LIST = reverse("admin:ill_illrequest_changelist")


def references(response):
    return [r.reference for r in response.context["cl"].result_list]


@pytest.fixture
def desk(source_fee_schedule, kim, lee):
    """A morning's desk: late, due soon and fresh requests from three countries, one of them closed."""
    berlin = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    tokyo = InstitutionFactory(name_en="National Diet Library", country="JP")
    InstitutionAliasFactory(institution=tokyo, name="Kokuritsu Kokkai Toshokan")
    paris = InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")
    late = received_days_ago(40, requesting_library=berlin, title="조선왕조실록 연구", email="ill@sbb.example.de")
    soon = received_days_ago(27, requesting_library=tokyo, service="loan", pages_wanted="", total_pages=None)
    fresh = received_days_ago(1, requesting_library=paris, isbn="9788937460883", author="박경리")
    closed = received_days_ago(45, requesting_library=paris, title="토지")
    borrowed = received_days_ago(5, requesting_library=berlin, direction="borrows", issn="12345679")
    do_transition(closed, Status.UNFILLED, reason=UnfilledReason.NOT_HELD)
    IllRequest.objects.filter(pk=late.pk).update(assigned_to=kim)
    IllRequest.objects.filter(pk=soon.pk).update(assigned_to=lee)
    return {"late": late, "soon": soon, "fresh": fresh, "closed": closed, "borrowed": borrowed}


def test_the_list_shows_what_staff_triage_by_with_the_most_urgent_first(kim_client, desk):
    response = kim_client.get(LIST)

    assert references(response) == [desk[k].reference for k in ["late", "soon", "borrowed", "fresh"]]
    html = response.content.decode()
    late = desk["late"]
    row = html[html.index(late.reference) : html.index(desk["soon"].reference)]
    overdue_days = (calendar.library_today() - late.due_date).days  # 40 days less a month
    assert f'{late.due_date.isoformat()} <span class="ill-days">{overdue_days} days overdue</span>' in row
    assert 'class="ill-due ill-due-overdue"' in row
    assert "Request received" in row
    assert 'Staatsbibliothek zu Berlin <span class="ill-country">(Germany)</span>' in row
    assert "조선왕조실록 연구" in row
    assert '<td class="field-pages">20</td>' in row
    assert "USD 12.00" in row
    assert "Min-ji Kim" in row
    days_left = (desk["soon"].due_date - calendar.library_today()).days  # a month less 27 days
    assert f"{days_left} days left" in html and 'class="ill-due ill-due-soon"' in html
    assert '<link href="/static/ill/admin.css" media="all" rel="stylesheet">' in html


def test_closed_requests_are_shown_when_asked_for(kim_client, desk):
    assert references(kim_client.get(LIST, {"status": "closed"})) == [desk["closed"].reference]
    assert len(references(kim_client.get(LIST, {"status": "all"}))) == 5
    assert references(kim_client.get(LIST, {"status": "Unfilled"})) == [desk["closed"].reference]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"due": "overdue"}, ["late"]),
        ({"due": "soon"}, ["soon"]),
        ({"direction__exact": "borrows"}, ["borrowed"]),
        ({"country": "JP"}, ["soon"]),
        ({"country": "FR"}, ["fresh"]),
        ({"service__exact": "loan"}, ["soon"]),
        ({"assigned": "me"}, ["late"]),
        ({"assigned": "nobody"}, ["borrowed", "fresh"]),
        ({"assigned": "nobody", "country": "DE"}, ["borrowed"]),
    ],
)
def test_staff_narrow_the_list_with_the_filters(kim_client, desk, query, expected):
    assert references(kim_client.get(LIST, query)) == [desk[key].reference for key in expected]


def test_the_country_filter_offers_the_countries_that_have_requests(kim_client, desk):
    InstitutionFactory(name_en="Library without requests", country="BT")

    html = kim_client.get(LIST).content.decode()

    countries = html[html.index("By country of the requesting library") :]
    assert "Germany" in countries and "Japan" in countries and "France" in countries
    assert "Bhutan" not in countries


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("조선왕조", ["late"]),
        ("박경리", ["fresh"]),
        ("978-89-374-6088-3", ["fresh"]),
        ("1234-5679", ["borrowed"]),
        ("sbb.example", ["late"]),
        ("Diet Library", ["soon"]),
        ("Kokkai", ["soon"]),
        ("토지", ["closed"]),  # a search looks through closed requests too
    ],
)
def test_staff_find_a_request_by_what_they_know_of_it(kim_client, desk, term, expected):
    assert references(kim_client.get(LIST, {"q": term})) == [desk[key].reference for key in expected]


def test_a_search_by_reference_finds_the_one_request(kim_client, desk):
    reference = desk["fresh"].reference

    assert references(kim_client.get(LIST, {"q": reference})) == [reference]


def test_the_list_is_ordered_by_due_date_and_sortable_only_by_indexed_columns(kim_client, desk):
    by_received = kim_client.get(LIST, {"o": "2"})  # the "received" column, ascending

    assert references(by_received) == [desk[k].reference for k in ["late", "soon", "borrowed", "fresh"]]
    html = kim_client.get(LIST).content.decode()
    assert 'class="sortable column-due' in html
    assert 'class="sortable column-library' not in html


def test_a_staff_member_is_shown_the_overdue_count_without_the_table_being_counted(kim_client, desk):
    html = kim_client.get(LIST, {"due": "overdue"}).content.decode()

    assert "1 ILL request" in html
    assert "total)" not in html  # no count of the whole table beside it


def test_requests_past_the_count_cap_are_shown_as_at_least(kim_client, desk, monkeypatch):
    from ill.admin import paginator

    monkeypatch.setattr(paginator, "COUNT_CAP", 3)

    html = kim_client.get(LIST).content.decode()

    assert "3+ ILL requests" in html



def test_a_long_library_name_and_title_are_cut_short_with_the_whole_in_a_tooltip(kim_client, source_fee_schedule):
    name = "Staats- und Universitätsbibliothek Hamburg Carl von Ossietzky, Fachbereich <Asien-Afrika>"
    title = "The Transformation of Confucian Ritual Practice in Late Joseon Korea and Its Reception"
    received_days_ago(2, requesting_library=InstitutionFactory(name_en=name, country="DE"), title=title)

    html = kim_client.get(LIST).content.decode()

    assert 'title="Staats- und Universitätsbibliothek Hamburg Carl von Ossietzky, Fachbereich &lt;Asien-Afrika&gt;"' in html
    assert "Staats- und Universitätsbibliothek Hamburg Carl…" in html
    assert f'title="{title}">The Transformation of Confucian Ritual Practice in Late Jos…</span>' in html
