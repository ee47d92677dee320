"""Two staff members work the same request at once: the second is told, and nothing is overwritten."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from ill.models import IllRequest
from ill.services.workflow import StaleRequest, do_transition
from ill.status import Status

from .test_request_page import change_form_data, page_url

pytestmark = pytest.mark.django_db
LIST = reverse("admin:ill_illrequest_changelist")


@pytest.fixture
def lee_client(lee):
    other = Client()
    other.force_login(lee)
    return other


def stored(ill_request):
    return IllRequest.objects.get(pk=ill_request.pk)


def test_a_colleagues_save_is_not_overwritten_by_an_older_page(kim_client, lee_client, lee, kim, copy_request):
    kims_page = change_form_data(copy_request)  # both open the request's page
    lees_page = change_form_data(copy_request)
    lee_client.post(page_url(copy_request), {**lees_page, "assigned_to": lee.pk, "contact_name": "Marie D."})

    response = kim_client.post(page_url(copy_request), {**kims_page, "assigned_to": kim.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "It was changed by Ji-ho Lee at" in html
    assert "after you opened it, so nothing was changed. Look at it again before you act." in html
    after = stored(copy_request)
    assert (after.assigned_to, after.contact_name, after.version) == (lee, "Marie D.", 2)


def test_a_button_pressed_on_an_older_page_is_refused(kim_client, lee, copy_request):
    shown = stored(copy_request).version  # Kim's page shows the request as received
    do_transition(copy_request, Status.EXPECT_TO_SUPPLY, by=lee)  # Lee accepts it meanwhile

    url = reverse("admin:ill_illrequest_staff_action", args=[copy_request.pk, "cancel"])
    response = kim_client.post(url, {f"version_{copy_request.pk}": shown, "confirm": "1", "note": ""})

    assert response.status_code == 302
    assert stored(copy_request).status == Status.EXPECT_TO_SUPPLY
    messages = [str(m) for m in kim_client.get(response["Location"]).context["messages"]]
    assert len(messages) == 1 and messages[0].startswith(f"{copy_request.reference}: It was changed by Ji-ho Lee")


def test_a_bulk_action_leaves_alone_a_request_changed_since_the_list_was_shown(
    kim_client, lee, source_fee_schedule, library
):
    from tests.factories import submit_ill_request

    first, second = submit_ill_request(requesting_library=library), submit_ill_request(requesting_library=library)
    shown = {f"version_{r.pk}": r.version for r in kim_client.get(LIST).context["cl"].result_list}
    IllRequest.objects.filter(pk=second.pk).update(assigned_to=lee)
    do_transition(second, Status.RETRY_POSSIBLE, by=lee, note="Which edition?")

    kim_client.post(LIST, {**shown, "action": "accept", "index": "0", "_selected_action": [first.pk, second.pk]})

    assert (stored(first).status, stored(second).status) == (Status.EXPECT_TO_SUPPLY, Status.RETRY_POSSIBLE)


@pytest.mark.django_db(transaction=True)
def test_two_staff_pressing_at_the_same_moment_make_one_change(source_fee_schedule, library, kim, lee):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks and serialises writers itself; CI runs this on PostgreSQL")
    from tests.factories import submit_ill_request

    ill_request = submit_ill_request(requesting_library=library)
    shown = ill_request.version
    start, outcomes = threading.Barrier(2), []

    def press(user, status):
        try:
            start.wait()
            do_transition(IllRequest.objects.get(pk=ill_request.pk), status, by=user, expected_version=shown)
            outcomes.append("done")
        except StaleRequest:
            outcomes.append("told")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(kim, Status.EXPECT_TO_SUPPLY)),
               threading.Thread(target=press, args=(lee, Status.CANCELLED))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["done", "told"]
    assert ill_request.history.count() == 2
    assert stored(ill_request).version == shown + 1
