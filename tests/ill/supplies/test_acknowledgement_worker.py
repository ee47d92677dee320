import pytest
from django.urls import reverse

from ill.models import IllRequest, SentEmail
from tests.factories import InstitutionFactory
from tests.ill.forms import form_data
from tests.ill.worker_helpers import all_tasks_finished, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_sends_the_acknowledgement_once_the_request_is_committed(
    client, celery_worker, source_fee_schedule
):
    library = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")

    response = client.post(reverse("ill:request"), form_data(library, action="submit"))

    assert response.status_code == 302
    ill_request = IllRequest.objects.get()
    messages = celery_worker.wait_for_emails(1)
    assert len(messages) == 1
    assert messages[0]["Subject"] == f"ILL request {ill_request.reference} received"
    assert f"/ill/track/{ill_request.tracking_token}/" in messages[0].get_body(("plain",)).get_content()
    # The worker writes the email inside the transaction that records it, so the file comes first.
    wait_for(all_tasks_finished, what="the acknowledgement task to finish")
    assert SentEmail.objects.get(request=ill_request).status == "sent"
