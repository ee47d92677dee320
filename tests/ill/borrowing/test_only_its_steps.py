"""A borrowing makes its moves through its own steps, which record what each needs (the prepayment, the
lender's answer, the arrival, the return); the staff buttons, the list's actions and a posted action URL
that would make one of those moves on a borrowing are refused and change nothing, while the same buttons
still work a request NLK supplies."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from ill.admin.actions import ACTIONS
from ill.choices import BorrowingStep
from ill.models import IllRequest, StatusChange
from ill.services import borrowing, workflow
from ill.status import ALLOWED_TRANSITIONS, Status, TransitionNotAllowed, UnfilledReason
from nlk_portal.core import calendar
from tests.factories import InstitutionFactory, submit_ill_request

from .steps import borrow

pytestmark = pytest.mark.django_db
LIST = reverse("admin:ill_illrequest_changelist")
BY_NAME_TO_STATUS = {action.name: action.to_status for action in ACTIONS}


def act_url(ill_request, action):
    return reverse("admin:ill_illrequest_staff_action", args=[ill_request.pk, action])


def change_url(ill_request):
    return reverse("admin:ill_illrequest_change", args=[ill_request.pk])


@pytest.fixture
def library(db):
    """A library abroad that asks NLK for a copy."""
    return InstitutionFactory(name_en="Bodleian Libraries", country="GB")


@pytest.fixture
def staff(kim, borrowing_groups):
    client = Client()
    client.force_login(kim)
    return client


def prepaid(ill_request, by):
    borrowing.record_prepayment(ill_request, amount=Decimal("60000"), currency="KRW",
                                paid_on=calendar.library_today(), receipt_number=f"R-{ill_request.pk}", by=by)


def sent(ill_request, by):
    prepaid(ill_request, by)
    borrowing.send_to_lender(ill_request, by=by)


def confirmed(ill_request, by):
    sent(ill_request, by)
    borrowing.record_lender_answer(ill_request, available=True, answered_on=calendar.library_today(),
                                   fees_currency="KRW", copying_fee=Decimal("20000"), by=by)
    borrowing.record_arrival(ill_request, arrived_on=calendar.library_today(), by=by)


def on_loan(ill_request, by):
    confirmed(ill_request, by)
    today = calendar.library_today()
    borrowing.deliver(ill_request, delivered_on=today, loan_due_on=today + timedelta(days=28), by=by)


# Each staff action whose move only a borrowing's step makes, with a borrowing brought (by its own steps) to a
# status the table lets that move follow, and what the action's page would post.
RESERVED = {
    "accept": ("copy", lambda r, by: None, {}),
    "will_supply": ("copy", sent, {}),
    "unfilled": ("copy", sent, {"reason": UnfilledReason.NOT_HELD}),
    "copy_completed": ("copy", confirmed, {}),
    "loaned": ("loan", confirmed, {}),
    "returned": ("loan", on_loan, {}),
}


def test_every_action_that_moves_a_request_is_either_the_borrowings_own_or_reserved_for_its_steps():
    moves = {action.name for action in ACTIONS if action.to_status is not None}
    shared = {"ask_requester", "loan_overdue", "recall", "not_returned", "cancel"}

    assert set(RESERVED) == moves - shared
    assert {BY_NAME_TO_STATUS[name] for name in RESERVED} == {
        Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY, Status.UNFILLED, Status.COPY_COMPLETED, Status.LOANED,
        Status.LOAN_COMPLETED,
    }

@pytest.mark.parametrize("action", sorted(RESERVED))
def test_posting_a_reserved_action_for_a_borrowing_is_refused_and_changes_nothing(
    action, staff, kim, jiwoo, lender, source_fee_schedule
):
    service, bring, data = RESERVED[action]
    ill_request = borrow(jiwoo, lender, service=service)
    bring(ill_request, kim)
    before = IllRequest.objects.get(pk=ill_request.pk)
    history = list(StatusChange.objects.filter(request=ill_request).values_list("pk", flat=True))
    # The table allows the move from here, and the borrowing's own step would make it.
    assert BY_NAME_TO_STATUS[action] in ALLOWED_TRANSITIONS[Status(before.status)]
    assert BY_NAME_TO_STATUS[action] in workflow.allowed_moves(before, step=step_making(action))

    response = staff.post(act_url(ill_request, action), {
        "confirm": "1", f"version_{ill_request.pk}": before.version, "note": "Done", **data,
    })

    assert response.status_code == 302 and response["Location"] == change_url(ill_request)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        f"{ill_request.reference}: A borrowing becomes “{BY_NAME_TO_STATUS[action].label}” only through its own "
        "step on the request's page, which records what the move needs (the prepayment, the lender's answer, "
        "the arrival, the return)."
    ]
    after = IllRequest.objects.get(pk=ill_request.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert list(StatusChange.objects.filter(request=ill_request).values_list("pk", flat=True)) == history
    # Nor does the action's page open for it.
    assert staff.get(act_url(ill_request, action))["Location"] == change_url(ill_request)


def step_making(action):
    wanted = BY_NAME_TO_STATUS[action]
    return {Status.EXPECT_TO_SUPPLY: BorrowingStep.SEND, Status.WILL_SUPPLY: BorrowingStep.ANSWER,
            Status.UNFILLED: BorrowingStep.ANSWER, Status.COPY_COMPLETED: BorrowingStep.DELIVER,
            Status.LOANED: BorrowingStep.DELIVER, Status.LOAN_COMPLETED: BorrowingStep.RETURN}[wanted]


def test_the_borrowings_page_offers_its_steps_and_not_the_reserved_buttons(staff, jiwoo, lender,
                                                                            source_fee_schedule):
    ill_request = borrow(jiwoo, lender)

    page = staff.get(change_url(ill_request)).content.decode()

    assert act_url(ill_request, "accept") not in page
    assert act_url(ill_request, "cancel") in page
    assert reverse("admin:ill_illrequest_borrowing_step", args=[ill_request.pk, BorrowingStep.PREPAYMENT]) in page


def test_a_list_action_on_a_borrowing_and_a_supplied_request_moves_only_the_supplied_one(
    staff, jiwoo, lender, library, source_fee_schedule
):
    supplied = submit_ill_request(requesting_library=library)
    borrowed = borrow(jiwoo, lender)
    versions = {f"version_{r.pk}": IllRequest.objects.get(pk=r.pk).version for r in (supplied, borrowed)}

    staff.post(LIST, {"action": "accept", "index": "0", "_selected_action": [supplied.pk, borrowed.pk],
                      **versions})

    assert IllRequest.objects.get(pk=supplied.pk).status == Status.EXPECT_TO_SUPPLY
    assert IllRequest.objects.get(pk=borrowed.pk).status == Status.REQUEST_RECEIVED
    assert StatusChange.objects.filter(request=borrowed).count() == 1  # received, nothing since
    said = [str(m) for m in staff.get(LIST).context["messages"]]
    assert said[0] == f"1 request is now “Expect to supply”: {supplied.reference}."
    assert said[1].startswith(f"{borrowed.reference}: A borrowing becomes “Expect to supply” only through")


def test_the_borrowings_own_steps_still_move_it(staff, kim, jiwoo, lender, source_fee_schedule):
    ill_request = borrow(jiwoo, lender)
    staff.post(act_url(ill_request, "accept"), {"confirm": "1"})
    today = calendar.library_today().isoformat()

    for step, data in [
        (BorrowingStep.PREPAYMENT, {"amount": "60000", "currency": "KRW", "paid_on": today, "receipt_number": "R-9"}),
        (BorrowingStep.SEND, {"note": ""}),
    ]:
        response = staff.post(reverse("admin:ill_illrequest_borrowing_step", args=[ill_request.pk, step]), data)
        assert response.status_code == 302

    ill_request.refresh_from_db()
    assert ill_request.status == Status.EXPECT_TO_SUPPLY
    assert ill_request.borrowing.prepaid_amount == Decimal("60000")


def test_the_workflow_itself_refuses_a_borrowings_reserved_move_without_its_step(kim, jiwoo, lender,
                                                                                 source_fee_schedule):
    ill_request = borrow(jiwoo, lender)

    with pytest.raises(TransitionNotAllowed, match="only through its own step"):
        workflow.do_transition(ill_request, Status.EXPECT_TO_SUPPLY, by=kim)
    # A step makes only its own moves.
    with pytest.raises(TransitionNotAllowed, match="does not make a request “Expect to supply”"):
        workflow.do_transition(ill_request, Status.EXPECT_TO_SUPPLY, step=BorrowingStep.DELIVER, by=kim)
    assert workflow.allowed_moves(ill_request) == [Status.RETRY_POSSIBLE, Status.CANCELLED]
    assert IllRequest.objects.get(pk=ill_request.pk).status == Status.REQUEST_RECEIVED


@pytest.mark.parametrize("action, to_status, data", [
    ("accept", Status.EXPECT_TO_SUPPLY, {}),
    ("will_supply", Status.WILL_SUPPLY, {}),
    ("unfilled", Status.UNFILLED, {"reason": UnfilledReason.NOT_HELD}),
])
def test_the_same_buttons_still_work_a_request_nlk_supplies(staff, library, source_fee_schedule,
                                                           action, to_status, data):
    supplied = submit_ill_request(requesting_library=library, total_pages=300)

    response = staff.post(act_url(supplied, action), {"confirm": "1", f"version_{supplied.pk}": supplied.version,
                                                      **data})

    assert response.status_code == 302
    assert IllRequest.objects.get(pk=supplied.pk).status == to_status
