import threading

import pytest
from django.db import connection, transaction

from ill.models import IllRequest
from ill.services.numbering import next_number, next_reference
from tests.factories import InstitutionFactory, submit_ill_request


@pytest.mark.django_db
def test_each_series_counts_on_its_own_per_year():
    with transaction.atomic():
        numbers = [
            next_reference("ILL", 2026),
            next_reference("ILL", 2026),
            next_reference("INV", 2026),
            next_reference("ILL", 2027),
        ]

    assert numbers == ["ILL-2026-000001", "ILL-2026-000002", "INV-2026-000001", "ILL-2027-000001"]


@pytest.mark.django_db
def test_a_number_given_to_a_rolled_back_request_is_given_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number("INV", 2026)
        raise RuntimeError("the invoice could not be saved")

    with transaction.atomic():
        assert next_number("INV", 2026) == 1


@pytest.mark.django_db(transaction=True)
def test_a_number_is_only_handed_out_inside_the_transaction_that_uses_it():
    with pytest.raises(RuntimeError):
        next_number("ILL", 2026)


@pytest.mark.django_db(transaction=True)
def test_requests_submitted_at_the_same_moment_get_distinct_references(source_fee_schedule):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks and serialises writers itself; CI runs this on PostgreSQL")
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
    assert len(references) == count
    assert [int(r.rsplit("-", 1)[1]) for r in references] == list(range(1, count + 1))
