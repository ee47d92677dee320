import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError, connection, transaction

from ill.models import IllRequest, SequenceCounter
from ill.services.numbering import next_number, next_reference, next_request_reference
from tests.factories import InstitutionFactory, submit_ill_request

SEOUL = ZoneInfo("Asia/Seoul")


def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("request references come from a PostgreSQL sequence: needs DATABASE_URL on PostgreSQL (as in CI)")


@pytest.mark.django_db
def test_each_series_counts_on_its_own_per_year():
    with transaction.atomic():
        numbers = [
            next_reference("INV", 2026),
            next_reference("INV", 2026),
            next_reference("CRN", 2026),
            next_reference("INV", 2027),
        ]

    assert numbers == ["INV-2026-000001", "INV-2026-000002", "CRN-2026-000001", "INV-2027-000001"]


@pytest.mark.django_db
def test_an_invoice_number_given_to_a_rolled_back_invoice_is_given_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number("INV", 2026)
        raise RuntimeError("the invoice could not be saved")

    with transaction.atomic():
        assert next_number("INV", 2026) == 1


@pytest.mark.django_db(transaction=True)
def test_a_number_is_only_handed_out_inside_the_transaction_that_uses_it():
    with pytest.raises(RuntimeError):
        next_number("INV", 2026)
    with pytest.raises(RuntimeError):
        next_request_reference(2026)


@pytest.mark.django_db
def test_request_references_count_per_year():
    with transaction.atomic():
        references = [next_request_reference(2026), next_request_reference(2026), next_request_reference(2027)]

    assert references == ["ILL-2026-000001", "ILL-2026-000002", "ILL-2027-000001"]


@pytest.mark.django_db(transaction=True)
def test_requests_submitted_at_the_same_moment_get_distinct_references(source_fee_schedule):
    on_postgresql()
    library = InstitutionFactory()
    start, count = threading.Barrier(8), 8
    errors = []

    def submit():
        try:
            start.wait()
            submit_ill_request(requesting_library=library)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    references = sorted(IllRequest.objects.values_list("reference", flat=True))
    assert errors == []
    assert [int(r.rsplit("-", 1)[1]) for r in references] == list(range(1, count + 1))


@pytest.mark.django_db(transaction=True)
def test_a_submission_does_not_wait_for_another_still_being_stored(source_fee_schedule):
    """Two submissions of one library: the first is held open after taking its reference; the second,
    allowed to wait for no lock at all, is stored and committed all the same."""
    on_postgresql()
    library = InstitutionFactory()
    first_taken, first_may_commit, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                submit_ill_request(requesting_library=library, title="First")
                first_taken.set()
                first_may_commit.wait(30)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            first_taken.set()
            connection.close()

    held = threading.Thread(target=first)
    held.start()
    first_taken.wait(30)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1ms'")
            second = submit_ill_request(requesting_library=library, title="Second")
    except OperationalError as waited:
        second, failure = None, waited
    else:
        failure = None
    finally:
        first_may_commit.set()
        held.join()

    assert failure is None, f"the second submission waited for the first: {failure}"
    assert errors == []
    assert sorted(IllRequest.objects.values_list("title", "reference")) == [
        ("First", second.reference[:-6] + "000001"),
        ("Second", second.reference[:-6] + "000002"),
    ]


@pytest.mark.django_db
def test_a_failed_submission_leaves_a_gap_and_numbering_goes_on(source_fee_schedule):
    on_postgresql()
    with pytest.raises(RuntimeError), transaction.atomic():
        next_request_reference(2026)
        raise RuntimeError("the request could not be stored")

    with transaction.atomic():
        assert next_request_reference(2026) == "ILL-2026-000002"


@pytest.mark.django_db(transaction=True)
def test_numbering_carries_on_after_the_counter_and_the_references_a_year_already_has(source_fee_schedule):
    library = InstitutionFactory()
    SequenceCounter.objects.create(series="ILL", year=2025, last_number=41)
    at = datetime(2026, 3, 2, 10, tzinfo=SEOUL)
    for reference in ["ILL-2026-000007", "ILL-2026-999999", "ILL-2026-1000000", "ILL-2025-000040"]:
        submitted = submit_ill_request(requesting_library=library, received_at=at)
        IllRequest.objects.filter(pk=submitted.pk).update(reference=reference)
    # The references above were written over ones already taken from 2026's numbering; a new year
    # starts from what its rows hold.
    with transaction.atomic():
        references = [next_request_reference(2025), next_request_reference(2027)]

    assert references == ["ILL-2025-000042", "ILL-2027-000001"]
    if connection.vendor == "postgresql":
        from ill.services import numbering

        numbering.drop_reference_sequences()
        with transaction.atomic():
            assert next_request_reference(2026) == "ILL-2026-1000001"
