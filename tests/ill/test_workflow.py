import pytest

from ill.workflow import ALLOWED_TRANSITIONS, Status, TransitionNotAllowed, do_transition
from tests.factories import UserFactory, submit_ill_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def ill_request(source_fee_schedule):
    return submit_ill_request()


def test_the_statuses_are_the_iso_18626_codes():
    assert Status.values == [
        "RequestReceived",
        "ExpectToSupply",
        "WillSupply",
        "RetryPossible",
        "Unfilled",
        "CopyCompleted",
        "Loaned",
        "Overdue",
        "Recalled",
        "LoanCompleted",
        "CompletedWithoutReturn",
        "Cancelled",
    ]
    assert set(ALLOWED_TRANSITIONS) == set(Status)


def test_staff_supply_a_copy_and_every_step_is_recorded(ill_request):
    staff = UserFactory(is_staff=True)

    do_transition(ill_request, Status.WILL_SUPPLY, by=staff, note="Found on the shelf")
    do_transition(ill_request, Status.COPY_COMPLETED, by=staff)

    ill_request.refresh_from_db()
    history = [(c.from_status, c.to_status, c.changed_by, c.note) for c in ill_request.history.all()]
    assert ill_request.status == Status.COPY_COMPLETED
    assert history == [
        ("", "RequestReceived", None, ""),
        ("RequestReceived", "WillSupply", staff, "Found on the shelf"),
        ("WillSupply", "CopyCompleted", staff, ""),
    ]


def test_a_disallowed_move_is_refused_naming_the_current_status_and_what_is_possible(ill_request):
    with pytest.raises(TransitionNotAllowed) as error:
        do_transition(ill_request, Status.LOANED)

    assert error.value.messages == [
        "A request that is “Request received” cannot become “Loaned”. Possible next: Expect to supply, "
        "Will supply, Retry possible, Unfilled, Cancelled."
    ]
    assert ill_request.history.count() == 1


def test_a_closed_request_cannot_move_at_all(ill_request):
    do_transition(ill_request, Status.CANCELLED)

    with pytest.raises(TransitionNotAllowed, match="Possible next: nothing: it is closed"):
        do_transition(ill_request, Status.WILL_SUPPLY)


def test_unfilled_needs_a_reason(ill_request):
    with pytest.raises(TransitionNotAllowed, match="Give a reason"):
        do_transition(ill_request, Status.UNFILLED)

    do_transition(ill_request, Status.UNFILLED, reason="Not held by NLK")
    assert ill_request.history.last().reason == "Not held by NLK"


def test_the_tracking_page_shows_the_timeline(client, ill_request):
    do_transition(ill_request, Status.WILL_SUPPLY)

    html = client.get(f"/ill/track/{ill_request.tracking_token}/").content.decode()

    timeline = html[html.index('class="status-timeline') :]
    assert '<dd class="col-sm-8 current-status">Will supply</dd>' in html
    assert timeline.index("Request received") < timeline.index("Will supply")


def test_staff_find_the_request_with_its_history_and_emails_in_the_admin(admin_client, ill_request):
    listing = admin_client.get("/admin/ill/illrequest/", {"status__exact": "RequestReceived"})
    change = admin_client.get(f"/admin/ill/illrequest/{ill_request.pk}/change/")

    assert ill_request.reference in listing.content.decode()
    assert change.status_code == 200
    assert "Request received" in change.content.decode()
