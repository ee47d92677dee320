"""Acknowledgements to one email address are limited to a few an hour, whatever client sends the requests:
beyond the limit the request is still made and staff see it, but no acknowledgement goes out."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ill.models import IllRequest, SentEmail
from ill.services import notifications
from tests.factories import InstitutionFactory, UserFactory, submit_ill_request
from tests.ill.forms import form_data

pytestmark = pytest.mark.django_db
SKIPPED = SentEmail.Outcome.SKIPPED


@pytest.fixture
def library(source_fee_schedule):
    return InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")


def test_the_limit_is_five_an_hour_unless_set(settings):
    assert settings.ILL_ACK_EMAILS_PER_ADDRESS_HOUR == 5


def test_six_requests_from_six_clients_to_one_address_get_five_acknowledgements(
    client, library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            data = form_data(library, action="submit", email="victim@example.org")
            assert client.post(reverse("ill:request"), data, REMOTE_ADDR=f"198.51.100.{n}").status_code == 302

    assert IllRequest.objects.filter(email="victim@example.org").count() == 6
    assert len(mail.outbox) == 5
    [skipped] = SentEmail.objects.filter(status=SKIPPED)
    assert skipped.request == IllRequest.objects.order_by("pk").last()
    assert "5 acknowledgements already went to this address within an hour" in skipped.error


def test_the_address_is_counted_in_any_case_and_other_addresses_are_not_held_up(
    library, settings, django_capture_on_commit_callbacks
):
    settings.ILL_ACK_EMAILS_PER_ADDRESS_HOUR = 2
    with django_capture_on_commit_callbacks(execute=True):
        for email in ["ILL@example.org", "ill@example.org", "ill@EXAMPLE.org", "other@example.org"]:
            submit_ill_request(requesting_library=library, email=email)

    assert sorted(m.to[0] for m in mail.outbox) == ["ILL@example.org", "ill@example.org", "other@example.org"]
    assert list(SentEmail.objects.filter(status=SKIPPED).values_list("recipient", flat=True)) == ["ill@EXAMPLE.org"]


def test_a_skipped_acknowledgement_is_never_sent_later_and_the_next_hour_counts_afresh(
    library, settings, django_capture_on_commit_callbacks
):
    settings.ILL_ACK_EMAILS_PER_ADDRESS_HOUR = 1
    with django_capture_on_commit_callbacks(execute=True):
        submit_ill_request(requesting_library=library)
        held = submit_ill_request(requesting_library=library)
    assert len(mail.outbox) == 1

    # The task run again (a retry, staff's "run again") leaves it as it was.
    assert notifications.send_acknowledgement(held).status == SKIPPED
    assert len(mail.outbox) == 1

    SentEmail.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        later = submit_ill_request(requesting_library=library)
    assert len(mail.outbox) == 2
    assert SentEmail.objects.get(request=later).status == SentEmail.Outcome.SENT


def test_staff_see_the_request_and_why_it_was_not_acknowledged(client, library, settings,
                                                               django_capture_on_commit_callbacks):
    settings.ILL_ACK_EMAILS_PER_ADDRESS_HOUR = 1
    with django_capture_on_commit_callbacks(execute=True):
        submit_ill_request(requesting_library=library)
        held = submit_ill_request(requesting_library=library)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:ill_illrequest_changelist")).content.decode()
    page = client.get(reverse("admin:ill_illrequest_change", args=[held.pk])).content.decode()

    assert held.reference in listing
    assert "Not sent" in page and "1 acknowledgement already went to this address" in page


@pytest.mark.django_db(transaction=True)
def test_acknowledgements_sent_at_the_same_moment_to_one_address_keep_to_the_limit(library, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself and takes no lock per address; CI runs this on PostgreSQL")
    settings.ILL_ACK_EMAILS_PER_ADDRESS_HOUR = 3
    requests = [submit_ill_request(requesting_library=library, email=f"reader{n}@example.org") for n in range(8)]
    IllRequest.objects.update(email="victim@example.org")
    SentEmail.objects.all().delete()
    mail.outbox.clear()
    start, errors = threading.Barrier(len(requests)), []

    def acknowledge(ill_request):
        try:
            ill_request.refresh_from_db()
            start.wait()
            notifications.send_acknowledgement(ill_request)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=acknowledge, args=[r]) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(mail.outbox) == 3
    assert SentEmail.objects.filter(status=SentEmail.Outcome.SENT).count() == 3
    assert SentEmail.objects.filter(status=SKIPPED).count() == 5
