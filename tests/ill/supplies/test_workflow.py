import pytest
from django.db.models import ProtectedError

from ill.choices import BorrowingStep
from ill.models import IllRequest
from ill.services.workflow import do_transition
from ill.status import ALLOWED_TRANSITIONS, CLOSED, OPEN, Status, TransitionNotAllowed, UnfilledReason
from tests.factories import UserFactory, submit_ill_request

pytestmark = pytest.mark.django_db
LOAN_STATUSES = {Status.LOANED, Status.OVERDUE, Status.RECALLED, Status.LOAN_COMPLETED, Status.COMPLETED_WITHOUT_RETURN}
# How a request reaches each status that has a way out.
PATH_TO = {
    Status.REQUEST_RECEIVED: [],
    Status.EXPECT_TO_SUPPLY: [Status.EXPECT_TO_SUPPLY],
    Status.RETRY_POSSIBLE: [Status.RETRY_POSSIBLE],
    Status.WILL_SUPPLY: [Status.WILL_SUPPLY],
    Status.LOANED: [Status.WILL_SUPPLY, Status.LOANED],
    Status.OVERDUE: [Status.WILL_SUPPLY, Status.LOANED, Status.OVERDUE],
    Status.RECALLED: [Status.WILL_SUPPLY, Status.LOANED, Status.RECALLED],
}
ALL_MOVES = [(before, after) for before, nexts in ALLOWED_TRANSITIONS.items() for after in sorted(nexts)]


def what_staff_give(to_status):
    """What a staff member must say for each status: a reason, a message, the pages copied."""
    return {
        Status.UNFILLED: {"reason": UnfilledReason.NOT_HELD},
        Status.RETRY_POSSIBLE: {"note": "Please send the article's page numbers."},
        Status.COPY_COMPLETED: {"pages_copied": 20},
    }.get(to_status, {})


def request_in(status, service):
    ill_request = submit_ill_request(
        service=service, **({"pages_wanted": "", "total_pages": None} if service == "loan" else {})
    )
    for step in PATH_TO[status]:
        do_transition(ill_request, step, **what_staff_give(step))
    return ill_request


@pytest.fixture
def ill_request(source_fee_schedule):
    return submit_ill_request()


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, first_name="Min-ji", last_name="Kim")


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
    assert CLOSED == {
        Status.UNFILLED, Status.COPY_COMPLETED, Status.LOAN_COMPLETED, Status.COMPLETED_WITHOUT_RETURN, Status.CANCELLED
    }
    assert OPEN | CLOSED == set(Status)


@pytest.mark.parametrize(("before", "after"), ALL_MOVES, ids=[f"{b}->{a}" for b, a in ALL_MOVES])
def test_every_allowed_move_is_made_and_written_in_the_history(source_fee_schedule, staff, before, after):
    service = "loan" if {before, after} & LOAN_STATUSES else "copy"
    ill_request = request_in(before, service)
    lines_before, version_before = ill_request.history.count(), ill_request.version

    given = {"note": "Done by Kim", **what_staff_give(after)}
    change = do_transition(ill_request, after, by=staff, **given)

    stored = IllRequest.objects.get(pk=ill_request.pk)
    assert stored.status == after
    assert stored.version == version_before + 1
    assert stored.updated_by == staff
    assert ill_request.history.count() == lines_before + 1
    last = ill_request.history.last()
    assert (last, last.from_status, last.to_status, last.changed_by, last.note) == (
        change,
        before,
        after,
        staff,
        given["note"],
    )


def test_staff_supply_a_copy_and_the_pages_copied_are_kept(ill_request, staff):
    do_transition(ill_request, Status.WILL_SUPPLY, by=staff, note="Found on the shelf")
    do_transition(ill_request, Status.COPY_COMPLETED, by=staff, pages_copied=18)

    ill_request.refresh_from_db()
    history = [(c.from_status, c.to_status, c.changed_by, c.note) for c in ill_request.history.all()]
    assert (ill_request.status, ill_request.pages_copied) == (Status.COPY_COMPLETED, 18)
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


@pytest.mark.parametrize(
    ("before", "after", "possible"),
    [
        (Status.REQUEST_RECEIVED, Status.COPY_COMPLETED,
         "Expect to supply, Will supply, Retry possible, Unfilled, Cancelled"),
        (Status.EXPECT_TO_SUPPLY, Status.REQUEST_RECEIVED, "Will supply, Retry possible, Unfilled, Cancelled"),
        (Status.WILL_SUPPLY, Status.EXPECT_TO_SUPPLY, "Unfilled, Copy completed, Loaned, Cancelled"),
        (Status.LOANED, Status.CANCELLED, "Overdue, Recalled, Loan completed, Completed without return"),
        (Status.RECALLED, Status.LOANED, "Overdue, Loan completed, Completed without return"),
    ],
)
def test_a_sample_of_refused_moves_changes_nothing(source_fee_schedule, before, after, possible):
    ill_request = request_in(before, "loan" if before in LOAN_STATUSES else "copy")
    lines, version = ill_request.history.count(), IllRequest.objects.get(pk=ill_request.pk).version

    with pytest.raises(TransitionNotAllowed, match=f"Possible next: {possible}."):
        do_transition(ill_request, after, **what_staff_give(after))

    stored = IllRequest.objects.get(pk=ill_request.pk)
    assert (stored.status, stored.version, ill_request.history.count()) == (before, version, lines)


def test_a_closed_request_cannot_move_at_all(ill_request):
    do_transition(ill_request, Status.CANCELLED)

    with pytest.raises(TransitionNotAllowed, match="Possible next: nothing: it is closed"):
        do_transition(ill_request, Status.WILL_SUPPLY)


def test_unfilled_needs_one_of_the_librarys_reasons(ill_request):
    with pytest.raises(TransitionNotAllowed, match="Give a reason for “Unfilled”: Not held by the National"):
        do_transition(ill_request, Status.UNFILLED)
    with pytest.raises(TransitionNotAllowed, match="Give a reason"):
        do_transition(ill_request, Status.UNFILLED, reason="we could not be bothered")

    do_transition(ill_request, Status.UNFILLED, reason=UnfilledReason.DAMAGED)
    assert ill_request.history.last().reason_text == "Damaged or too fragile to copy or lend"


def test_an_other_reason_is_explained_to_the_requester(ill_request):
    with pytest.raises(TransitionNotAllowed, match="Say in the note what the other reason is"):
        do_transition(ill_request, Status.UNFILLED, reason=UnfilledReason.OTHER)

    do_transition(ill_request, Status.UNFILLED, reason=UnfilledReason.OTHER, note="The volume is at the bindery.")
    assert ill_request.history.last().note == "The volume is at the bindery."


def test_asking_the_requester_needs_the_message_they_will_get(ill_request):
    with pytest.raises(TransitionNotAllowed, match="Write what the requester must send or decide"):
        do_transition(ill_request, Status.RETRY_POSSIBLE, note="   ")


def test_copying_waits_for_the_one_third_check_when_the_items_total_is_unknown(source_fee_schedule):
    ill_request = submit_ill_request(total_pages=None)
    assert ill_request.copyright_check_needed

    with pytest.raises(TransitionNotAllowed, match="The one-third copyright check has not been made"):
        do_transition(ill_request, Status.WILL_SUPPLY)
    do_transition(ill_request, Status.EXPECT_TO_SUPPLY)  # accepting needs no check yet

    do_transition(ill_request, Status.WILL_SUPPLY, total_pages=120)

    stored = IllRequest.objects.get(pk=ill_request.pk)
    assert (stored.status, stored.total_pages, stored.copyright_check_needed) == ("WillSupply", 120, False)


def test_a_copy_of_a_third_or_more_of_the_item_is_not_made(source_fee_schedule):
    ill_request = submit_ill_request(total_pages=None)  # 20 pages wanted

    with pytest.raises(TransitionNotAllowed, match="at most 19 of its 60 pages, and you asked for 20"):
        do_transition(ill_request, Status.WILL_SUPPLY, total_pages=60)

    stored = IllRequest.objects.get(pk=ill_request.pk)
    assert (stored.status, stored.total_pages) == ("RequestReceived", None)


def test_when_nlk_borrows_the_lending_librarys_rules_apply_not_the_one_third_check(source_fee_schedule):
    ill_request = submit_ill_request(total_pages=None, direction="borrows")

    do_transition(ill_request, Status.WILL_SUPPLY, step=BorrowingStep.ANSWER)

    assert ill_request.status == Status.WILL_SUPPLY


def test_the_pages_actually_copied_are_asked_for_and_kept_within_the_limit(ill_request):
    do_transition(ill_request, Status.WILL_SUPPLY)  # 320 pages: at most 106

    with pytest.raises(TransitionNotAllowed, match="Give the number of pages actually copied"):
        do_transition(ill_request, Status.COPY_COMPLETED)
    with pytest.raises(TransitionNotAllowed, match="at most 106 may be copied"):
        do_transition(ill_request, Status.COPY_COMPLETED, pages_copied=107)

    do_transition(ill_request, Status.COPY_COMPLETED, pages_copied=106)
    assert IllRequest.objects.get(pk=ill_request.pk).pages_copied == 106


def test_a_loan_is_not_completed_as_a_copy_nor_a_copy_lent(source_fee_schedule):
    copy = request_in(Status.WILL_SUPPLY, "copy")
    loan = request_in(Status.WILL_SUPPLY, "loan")

    with pytest.raises(TransitionNotAllowed, match="Only a request for a loan can become “Loaned”"):
        do_transition(copy, Status.LOANED)
    with pytest.raises(TransitionNotAllowed, match="Only a request for a copy can become “Copy completed”"):
        do_transition(loan, Status.COPY_COMPLETED, pages_copied=10)


def test_the_history_is_never_edited_nor_lost(ill_request):
    first = ill_request.history.get()
    first.note = "rewritten"

    with pytest.raises(ValueError, match="never edited"):
        first.save()
    with pytest.raises(ProtectedError):
        IllRequest.objects.filter(pk=ill_request.pk).delete()


def test_the_tracking_page_shows_the_timeline_with_the_reason_in_words(client, ill_request):
    do_transition(ill_request, Status.WILL_SUPPLY)
    do_transition(ill_request, Status.UNFILLED, reason=UnfilledReason.NOT_PUBLISHED_IN_KOREA)

    html = client.get(f"/ill/track/{ill_request.tracking_token}/").content.decode()

    timeline = html[html.index('class="status-timeline') :]
    assert '<dd class="col-sm-8 current-status">Cannot be supplied</dd>' in html
    assert (
        timeline.index("Request received") < timeline.index("Being copied or prepared")
        < timeline.index("Cannot be supplied")
    )
    assert "Reason: Not published or issued in Korea" in timeline
