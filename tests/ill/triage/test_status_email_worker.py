"""With a real Celery worker (as in production), accepting a request in the admin emails the requester."""

import pytest
from django.urls import reverse

from ill.models import IllRequest, SentEmail
from tests.factories import submit_ill_request
from tests.ill.worker_helpers import all_tasks_finished, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_sends_the_status_email_once_the_change_is_committed(
    client, celery_worker, kim, source_fee_schedule, library
):
    ill_request = submit_ill_request(requesting_library=library, contact_name="Marie Dupont")
    client.force_login(kim)

    response = client.post(
        reverse("admin:ill_illrequest_staff_action", args=[ill_request.pk, "accept"]),
        {f"version_{ill_request.pk}": ill_request.version},
    )

    assert response.status_code == 302
    assert IllRequest.objects.get(pk=ill_request.pk).status == "ExpectToSupply"
    messages = celery_worker.wait_for_emails(2)  # the acknowledgement, then the status email
    subjects = sorted(m["Subject"] for m in messages)
    assert subjects == [
        f"ILL request {ill_request.reference} received",
        f"ILL request {ill_request.reference}: Accepted, being located",
    ]
    status_email = next(m for m in messages if "Accepted, being located" in m["Subject"])
    body = status_email.get_body(("plain",)).get_content()
    assert "has accepted your request and expects to supply it" in body
    assert f"/ill/track/{ill_request.tracking_token}/" in body
    change = ill_request.history.last()
    # The worker writes the email inside the transaction that records it, so the file comes first.
    wait_for(all_tasks_finished, what="the status email task to finish")
    assert SentEmail.objects.get(key=f"status:{change.pk}").status == "sent"
