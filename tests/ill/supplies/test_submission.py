import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from ill.models import IllRequest, SentEmail
from ill.services import notifications
from ill.status import Status
from tests.factories import InstitutionFactory, submit_ill_request
from tests.ill.forms import form_data

pytestmark = pytest.mark.django_db
URL = reverse("ill:request")
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def library(source_fee_schedule):
    return InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")


def submit(client, library, **overrides):
    return client.post(URL, form_data(library, action="submit", **overrides))


def test_a_librarian_submits_and_lands_on_a_confirmation_with_reference_fee_and_due_date(
    client, library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, library)

    ill_request = IllRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ill:submitted", args=[ill_request.tracking_token])
    html = client.get(response["Location"]).content.decode()
    assert f"Request {ill_request.reference} received" in html
    assert "한국 근대 문학사" in html
    assert "USD 12.00" in html
    assert ill_request.due_date.isoformat() in html
    assert (ill_request.copying_fee, ill_request.shipping_fee, ill_request.page_count) == (
        Decimal("9.00"),
        Decimal("3.00"),
        20,
    )


def test_the_reference_is_sequential_within_the_year(library):
    first = submit_ill_request(requesting_library=library)
    second = submit_ill_request(requesting_library=library)

    year = first.received_at.astimezone(SEOUL).year
    assert first.reference == f"ILL-{year}-000001"
    assert second.reference == f"ILL-{year}-000002"


def test_numbering_starts_again_with_each_year_in_seoul(library):
    # 15:30 UTC on 31 December is already New Year's Day in Seoul.
    new_year = submit_ill_request(
        requesting_library=library, received_at=datetime(2026, 12, 31, 15, 30, tzinfo=ZoneInfo("UTC"))
    )

    assert new_year.reference == "ILL-2027-000001"
    assert new_year.due_date == date(2027, 2, 1)


def test_the_due_date_is_one_month_later_on_the_seoul_calendar(library):
    ill_request = submit_ill_request(
        requesting_library=library, received_at=datetime(2027, 1, 31, 10, 0, tzinfo=SEOUL)
    )

    assert ill_request.due_date == date(2027, 2, 28)


def test_a_new_request_starts_its_history_as_request_received(library):
    ill_request = submit_ill_request(requesting_library=library)

    assert ill_request.status == Status.REQUEST_RECEIVED
    assert [(c.from_status, c.to_status) for c in ill_request.history.all()] == [("", "RequestReceived")]


def test_a_request_records_the_fee_schedule_it_was_quoted_with(library, source_fee_schedule):
    assert submit_ill_request(requesting_library=library).fee_schedule == source_fee_schedule


def test_a_double_click_creates_one_request(client, library):
    data = form_data(library, action="submit")

    first = client.post(URL, data)
    second = client.post(URL, data)

    assert IllRequest.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_library_not_in_the_directory_is_recorded_for_staff_to_verify(client, library):
    submit(
        client,
        library,
        requesting_library="",
        new_library_name="Улаанбаатар хотын номын сан",
        new_library_country="MN",
        new_library_city="Ulaanbaatar",
    )

    new_library = IllRequest.objects.get().requesting_library
    assert new_library.name_en == "Улаанбаатар хотын номын сан"
    assert (new_library.is_verified, new_library.is_active, new_library.country.code) == (False, False, "MN")


def test_unknown_total_pages_flags_the_request_for_a_copyright_check(library):
    assert submit_ill_request(requesting_library=library, total_pages=None).copyright_check_needed is True
    assert submit_ill_request(requesting_library=library, total_pages=320).copyright_check_needed is False


def test_the_acknowledgement_email_carries_the_private_tracking_link(
    client, library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, library)

    ill_request = IllRequest.objects.get()
    message = mail.outbox[0]
    assert message.to == ["ill@bibliotheque.example.org"]
    assert message.subject == f"ILL request {ill_request.reference} received"
    assert f"/ill/track/{ill_request.tracking_token}/" in message.body
    assert "Cheques are not accepted." in message.body
    html = message.alternatives[0].content
    assert "한국 근대 문학사" in html
    record = SentEmail.objects.get()
    assert (record.status, record.recipient, record.attempts) == ("sent", "ill@bibliotheque.example.org", 1)


def test_a_request_made_in_korean_is_acknowledged_in_korean(
    client, library, django_capture_on_commit_callbacks
):
    client.post(reverse("set_language"), {"language": "ko"})
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, library)

    assert IllRequest.objects.get().language == "ko"
    assert "접수" in mail.outbox[0].subject


def test_the_acknowledgement_is_sent_once_even_if_the_task_runs_twice(
    library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ill_request = submit_ill_request(requesting_library=library)

    notifications.send_acknowledgement(ill_request)

    assert len(mail.outbox) == 1
    assert SentEmail.objects.count() == 1


def test_a_failed_send_is_recorded_and_raised_for_the_task_to_retry(library, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    ill_request = submit_ill_request(requesting_library=library)

    with pytest.raises(OSError):
        notifications.send_acknowledgement(ill_request)

    record = SentEmail.objects.get()
    assert record.status == "failed"
    assert "ConnectionRefusedError" in record.error


def test_the_tracking_link_shows_the_status_timeline_due_date_and_fees(client, library):
    ill_request = submit_ill_request(requesting_library=library)

    response = client.get(reverse("ill:track", args=[ill_request.tracking_token]))

    html = response.content.decode()
    assert response.status_code == 200
    assert ill_request.reference in html
    assert "Request received" in html
    assert ill_request.due_date.isoformat() in html
    assert "USD 12.00" in html
    assert response["X-Robots-Tag"] == "noindex"


def test_a_tampered_or_guessed_tracking_link_reveals_nothing(client, library):
    ill_request = submit_ill_request(requesting_library=library)
    token = ill_request.tracking_token

    for wrong in [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        str(ill_request.pk),
        ill_request.reference,
        "1",
    ]:
        assert client.get(f"/ill/track/{wrong}/").status_code == 404
        assert client.get(f"/ill/submitted/{wrong}/").status_code == 404
    assert len(token) >= 43


def test_submissions_are_rate_limited_per_client(client, library, settings):
    settings.ILL_SUBMIT_RATE = "2/h"

    statuses = [submit(client, library).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert IllRequest.objects.count() == 2
    assert "Your request has not been sent yet" in submit(client, library).content.decode()


def test_a_resubmitted_key_returns_the_first_request_without_a_second_email(
    library, django_capture_on_commit_callbacks
):
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = submit_ill_request(requesting_library=library, submission_key=key)
        again = submit_ill_request(requesting_library=library, submission_key=key)

    assert first == again
    assert len(mail.outbox) == 1
