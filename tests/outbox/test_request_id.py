"""The request's id goes with the tasks it asks for: on the outbox row, to the worker, on the task's log lines."""

import json

import pytest
from django.urls import reverse

from nlk_portal.core import request_id
from nlk_portal.outbox.dispatch import sweep
from nlk_portal.outbox.models import OutboxEntry
from tests.factories import InstitutionFactory, submit_ill_request
from tests.ill.forms import form_data
from tests.ill.staff import ill_clerk
from tests.ill.worker_helpers import all_tasks_finished, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
ACKNOWLEDGED = "Task ill.tasks.send_acknowledgement["


def submit(client):
    library = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    response = client.post(reverse("ill:request"), form_data(library, action="submit"), HTTP_X_REQUEST_ID="abc-123")
    assert response.status_code == 302
    assert response["X-Request-ID"] == "abc-123"


def test_the_outbox_row_and_the_tasks_log_lines_carry_the_request_id(client, json_log, source_fee_schedule):
    submit(client)

    assert list(OutboxEntry.objects.values_list("task_name", "request_id", "state")) == [
        ("ill.tasks.send_acknowledgement", "abc-123", "done")
    ]
    task_lines = [line for line in json_log() if line["message"].startswith(ACKNOWLEDGED)]
    assert len(task_lines) == 1 and "succeeded" in task_lines[0]["message"]
    assert {line["request_id"] for line in json_log()} == {"abc-123"}


def test_a_row_the_sweep_sends_again_keeps_its_request_id(json_log, source_fee_schedule):
    ill_request = submit_ill_request()
    entry = OutboxEntry.objects.create(
        task_name="ill.tasks.send_acknowledgement", args=[ill_request.pk], request_id="web-1:7f3a"
    )

    assert request_id.current() is None
    sweep()

    entry.refresh_from_db()
    assert entry.state == "done"
    task_lines = [line for line in json_log() if line["message"].startswith(ACKNOWLEDGED + str(entry.task_id))]
    assert [line["request_id"] for line in task_lines] == ["web-1:7f3a"]
    # The task's id is forgotten once it ends.
    assert request_id.current() is None


def test_work_asked_for_outside_a_request_has_no_request_id(source_fee_schedule):
    submit_ill_request()

    assert list(OutboxEntry.objects.values_list("request_id", flat=True)) == [""]


@pytest.mark.celery_worker(env={"LOG_FORMAT": "json"})
def test_the_workers_json_lines_for_the_task_carry_the_request_id(client, celery_worker, source_fee_schedule):
    submit(client)
    wait_for(all_tasks_finished, what="the acknowledgement task to finish")
    entry = OutboxEntry.objects.get()
    assert (entry.state, entry.request_id) == ("done", "abc-123")

    def task_lines():
        lines = celery_worker.log_path.read_text().splitlines()
        parsed = [json.loads(line) for line in lines if line.startswith("{")]
        return [line for line in parsed if str(entry.task_id) in line["message"]]

    lines = wait_for(lambda: [line for line in task_lines() if "succeeded" in line["message"]] and task_lines(),
                     what="the worker to log the task")
    assert {line["request_id"] for line in lines if "succeeded" in line["message"]} == {"abc-123"}


def test_staff_find_the_tasks_of_a_request_by_its_id_in_the_admin(client, source_fee_schedule):
    submit(client)
    entry = OutboxEntry.objects.get()
    client.force_login(ill_clerk())

    found = client.get(reverse("admin:outbox_outboxentry_changelist"), {"q": "abc-123"})
    other = client.get(reverse("admin:outbox_outboxentry_changelist"), {"q": "abc-124"})
    page = client.get(reverse("admin:outbox_outboxentry_change", args=[entry.pk]))

    assert found.context["cl"].result_count == 1 and other.context["cl"].result_count == 0
    assert "abc-123" in page.content.decode()
