"""The benchmark's data set reads as the portal's own: valid histories, fees, due dates and references."""

import pytest
from django.db import connection
from django.db.models import Count, Max, Min

from bench.generate import generate
from exchange.models import Shipment
from ill.models import Borrowing, IllRequest, SequenceCounter, StatusChange
from ill.rules import fees, terms
from ill.services.submission import submit_request
from ill.status import ALLOWED_TRANSITIONS, OPEN, Status
from nlk_portal.core import calendar
from partners.models import Institution

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator writes with PostgreSQL's COPY"),
]


@pytest.fixture
def generated():
    return generate(requests=1_000, institutions=50, shipments=200, scratch_only=False, vacuum=False)


def test_it_makes_the_rows_it_reports(generated):
    assert IllRequest.objects.count() == generated["requests"] == 1_000
    assert StatusChange.objects.count() == generated["history"]
    assert Institution.objects.count() == 50
    assert Shipment.objects.count() == 200
    # Written with the foreign keys unchecked: every one must point at a row.
    assert IllRequest.objects.filter(requesting_library__isnull=True).count() == 0
    assert not IllRequest.objects.exclude(requesting_library__in=Institution.objects.all()).exists()
    assert not Shipment.objects.exclude(institution__in=Institution.objects.all()).exists()


def test_every_history_follows_the_workflow_to_the_requests_status(generated):
    histories = {}
    for change in StatusChange.objects.order_by("request_id", "changed_at", "id"):
        histories.setdefault(change.request_id, []).append(change)
    statuses = dict(IllRequest.objects.values_list("pk", "status"))
    assert histories.keys() == statuses.keys()
    for request_id, steps in histories.items():
        assert (steps[0].from_status, steps[0].to_status) == ("", Status.REQUEST_RECEIVED)
        for before, after in zip(steps, steps[1:]):
            assert after.from_status == before.to_status
            assert Status(after.to_status) in ALLOWED_TRANSITIONS[Status(before.to_status)]
        assert steps[-1].to_status == statuses[request_id]


def test_the_mix_has_open_and_closed_requests_of_both_services(generated):
    by_status = dict(IllRequest.objects.values_list("status").annotate(n=Count("pk")))
    assert sum(n for status, n in by_status.items() if status in OPEN) > 0
    assert by_status[Status.COPY_COMPLETED] > by_status.get(Status.CANCELLED, 0)
    assert IllRequest.objects.filter(service="loan", status=Status.COPY_COMPLETED).count() == 0
    span = IllRequest.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    assert (span["last"] - span["first"]).days > 365 * 9


def test_fees_and_due_dates_are_the_portals_own(generated):
    for ill_request in IllRequest.objects.select_related("fee_schedule")[:200]:
        quote = fees.quote(
            service=ill_request.service, delivery=ill_request.delivery, pages=ill_request.page_count,
            schedule=ill_request.fee_schedule,
        )
        assert (ill_request.copying_fee, ill_request.shipping_fee) == (quote.copying_fee, quote.shipping_fee)
        assert ill_request.fee_schedule.effective_from <= calendar.library_date(ill_request.received_at)
        # One month when NLK supplies; the two-month limit when it borrows, as ill.services.submission sets it.
        due = terms.borrowing_due_date if ill_request.direction == "borrows" else terms.due_date
        assert ill_request.due_date == due(ill_request.received_at)


def test_a_new_request_continues_the_years_numbering(generated, django_capture_on_commit_callbacks):
    this_year = calendar.library_today().year
    counter = SequenceCounter.objects.get(series="ILL", year=this_year)
    assert IllRequest.objects.filter(reference__startswith=f"ILL-{this_year}-").count() == counter.last_number

    library = Institution.objects.first()
    made = submit_request({
        "requesting_library": library, "contact_name": "Kim", "email": "ill@example.org",
        "postal_address": "", "item_type": "monograph", "title": "한국 근대 문학사", "service": "copy",
        "delivery": "electronic", "pages_wanted": "1-10", "total_pages": 300,
    })

    assert made.reference == f"ILL-{this_year}-{counter.last_number + 1:06d}"


def test_every_request_nlk_borrows_has_its_borrowing(generated):
    borrows = IllRequest.objects.filter(direction="borrows")
    assert borrows.count() == Borrowing.objects.count() == generated["borrowings"] > 0
    assert not borrows.filter(borrowing__isnull=True).exists()
    assert not IllRequest.objects.filter(direction="supplies", borrowing__isnull=False).exists()
    # Written with the foreign keys unchecked: every lender must be in the directory.
    assert not Borrowing.objects.exclude(lender__in=Institution.objects.all()).exists()
    for borrowing in Borrowing.objects.select_related("request", "lender")[:200]:
        assert borrowing.lender is not None
        assert borrowing.lender_country == borrowing.lender.country
        assert borrowing.target_date == terms.borrowing_target_date(borrowing.request.received_at)
    # A borrowing added by hand afterwards takes the next id.
    extra = IllRequest.objects.filter(direction="supplies").first()
    made = Borrowing.objects.create(
        request=extra, lender=Institution.objects.first(), lender_country="JP",
        target_date=terms.borrowing_target_date(extra.received_at),
    )
    assert made.pk == Borrowing.objects.count()
