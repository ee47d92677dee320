"""A staff member works several requests at once from the list."""

import pytest
from django.core import mail
from django.urls import reverse

from ill.admin.actions import ACTIONS
from ill.models import IllRequest
from ill.services.workflow import do_transition
from ill.status import Status
from tests.factories import submit_ill_request

pytestmark = pytest.mark.django_db
LIST = reverse("admin:ill_illrequest_changelist")


@pytest.fixture
def three(source_fee_schedule, library):
    return [submit_ill_request(requesting_library=library, title=f"한국 문학 {n}") for n in range(3)]


def on_the_list(client):
    """The versions the list page shows for each request, as its form will post them."""
    response = client.get(LIST)
    return {f"version_{r.pk}": r.version for r in response.context["cl"].result_list}


def bulk(client, action, requests, **data):
    posted = {
        **on_the_list(client),
        "action": action,
        "index": "0",
        "_selected_action": [r.pk for r in requests],
        **data,
    }
    return client.post(LIST, posted)


def statuses(requests):
    return [IllRequest.objects.get(pk=r.pk).status for r in requests]


def flashed(client):
    return [str(m) for m in client.get(LIST).context["messages"]]


def test_the_list_offers_every_staff_action(kim_client, three):
    html = kim_client.get(LIST).content.decode()

    for label in ["Assign to me", "Accept (expect to supply)", "Will supply", "Ask the requester",
                  "Unfilled, with a reason", "Copy completed", "Loaned", "Returned", "Cancel the request"]:
        assert f">{label}</option>" in html
    assert "Delete selected" not in html
    assert f'name="version_{three[0].pk}" value="1"' in html


def test_staff_accept_several_requests_and_each_requester_is_told(
    kim_client, three, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(kim_client, "accept", three[:2])

    assert response.status_code == 302
    assert statuses(three) == ["ExpectToSupply", "ExpectToSupply", "RequestReceived"]
    assert sorted(m.subject for m in mail.outbox) == sorted(
        f"ILL request {r.reference}: Accepted, being located" for r in three[:2]
    )


def test_requests_that_cannot_make_the_move_are_named_and_left_alone(kim_client, three):
    do_transition(three[1], Status.CANCELLED)

    bulk(kim_client, "accept", three)

    assert statuses(three) == ["ExpectToSupply", "Cancelled", "ExpectToSupply"]
    assert flashed(kim_client) == [
        f"2 requests are now “Expect to supply”: {three[0].reference}, {three[2].reference}.",
        f"{three[1].reference}: A request that is “Cancelled” cannot become “Expect to supply”. "
        "Possible next: nothing: it is closed.",
    ]


def test_unfilled_in_bulk_asks_for_the_reason_once_for_all(kim_client, three):
    page = bulk(kim_client, "unfilled", three[:2])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reason" in html and three[0].reference in html and three[1].reference in html

    bulk(kim_client, "unfilled", three[:2], confirm="1", reason="not_held", note="")

    assert statuses(three) == ["Unfilled", "Unfilled", "RequestReceived"]
    assert {r.history.last().reason for r in three[:2]} == {"not_held"}


def test_copies_completed_in_bulk_each_get_their_pages_copied(kim_client, three):
    for ill_request in three:
        do_transition(ill_request, Status.WILL_SUPPLY)

    page = bulk(kim_client, "copy_completed", three[:2]).content.decode()
    assert f"Pages actually copied for {three[0].reference}" in page
    assert f"Pages actually copied for {three[1].reference}" in page

    bulk(kim_client, "copy_completed", three[:2], confirm="1",
         **{f"pages_copied_{three[0].pk}": "20", f"pages_copied_{three[1].pk}": "17"})

    pages = [IllRequest.objects.get(pk=r.pk).pages_copied for r in three]
    assert statuses(three) == ["CopyCompleted", "CopyCompleted", "WillSupply"]
    assert pages == [20, 17, None]


def test_a_staff_member_takes_the_unassigned_requests_but_not_a_colleagues(kim_client, kim, lee, three):
    IllRequest.objects.filter(pk=three[2].pk).update(assigned_to=lee)

    bulk(kim_client, "assign_to_me", three)

    assert [IllRequest.objects.get(pk=r.pk).assigned_to for r in three] == [kim, kim, lee]
    assert flashed(kim_client)[1] == (
        f"{three[2].reference}: It is already assigned to Ji-ho Lee; to take it over, change “assigned to” "
        "on its page."
    )


def test_a_version_that_is_not_a_plain_number_is_read_as_none(three):
    from ill.admin.actions import posted_versions

    posted = {f"version_{three[0].pk}": "²", f"version_{three[1].pk}": "9" * 5000, f"version_{three[2].pk}": "4"}

    assert posted_versions(posted, three) == {three[0].pk: None, three[1].pk: None, three[2].pk: 4}


def test_copy_completed_on_requests_that_cannot_take_it_is_refused_before_anything_is_asked(kim_client, three):
    response = bulk(kim_client, "copy_completed", three[:2])

    assert response.status_code == 302
    assert statuses(three[:2]) == ["RequestReceived", "RequestReceived"]
    assert flashed(kim_client) == [
        f"{r.reference}: A request that is “Request received” cannot become “Copy completed”. "
        "Possible next: Expect to supply, Will supply, Retry possible, Unfilled, Cancelled."
        for r in three[:2]
    ]


def test_only_the_requests_that_can_take_an_action_are_asked_about_and_the_others_are_named(kim_client, three):
    do_transition(three[1], Status.WILL_SUPPLY)

    page = bulk(kim_client, "copy_completed", three)

    html = page.content.decode()
    assert page.status_code == 200
    assert f"Pages actually copied for {three[1].reference}" in html
    assert three[0].reference + ":" in html and three[2].reference + ":" in html  # the reasons
    assert f"Pages actually copied for {three[0].reference}" not in html
    assert f"2 requests left out, as they cannot become “Copy completed” now: {three[0].reference}, " \
        f"{three[2].reference}." in html
    assert [r.pk for r in page.context["form"].requests] == [three[1].pk]
    assert f'name="_selected_action" value="{three[0].pk}"' not in html

    bulk(kim_client, "copy_completed", [three[1]], confirm="1", **{f"pages_copied_{three[1].pk}": "12"})

    assert statuses(three) == ["RequestReceived", "CopyCompleted", "RequestReceived"]


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.to_status is not None], ids=lambda a: a.name)
def test_no_action_asks_for_its_inputs_about_closed_requests(kim_client, three, action):
    for ill_request in three[:2]:
        do_transition(ill_request, Status.CANCELLED)

    response = bulk(kim_client, action.name, three[:2])

    assert response.status_code == 302, "refused at once, back to the list"
    assert all(": A request that is “Cancelled” cannot become" in m for m in flashed(kim_client))
