"""The email that tells a requester their request has changed status, in plain words.

Every change the requester should know of is emailed once (the key is the
change), in the request's language, with what the status means, what
happens next, the staff's message and the private tracking link.
"""

from django.utils.translation import gettext_lazy as _

from ..models import SentEmail, StatusChange
from ..status import Status, requester_label
from .notifications import send_request_email

# For each status the requester hears of: what it means, and what happens next.
EXPLANATIONS = {
    Status.EXPECT_TO_SUPPLY: (
        _("The National Library of Korea has accepted your request and expects to supply it."),
        _("We are locating the material. We will write again when it is on its way, or if there is a problem."),
    ),
    Status.WILL_SUPPLY: (
        _("The material has been found and the National Library of Korea will supply it."),
        _("It is now being copied or prepared for loan. We will write again when it has been sent."),
    ),
    Status.RETRY_POSSIBLE: (
        _("We need something from you before we can go on with your request."),
        _("Please read our message below and answer it by replying to this email. "
          "Your request waits until we hear from you."),
    ),
    Status.UNFILLED: (
        _("We are sorry: the National Library of Korea cannot supply this request."),
        _("The reason is given below. The request is now closed."),
    ),
    Status.COPY_COMPLETED: (
        _("Your copy has been made."),
        _("It is on its way to you. The fee is charged for the pages actually copied; the invoice follows "
          "separately."),
    ),
    Status.LOANED: (
        _("The material has been sent to your library on loan."),
        _("Please look after it and return it to the National Library of Korea when your library has "
          "finished with it, as agreed."),
    ),
    Status.OVERDUE: (
        _("The loan is overdue."),
        _("Please return the material to the National Library of Korea as soon as possible."),
    ),
    Status.RECALLED: (
        _("The National Library of Korea needs the loaned material back."),
        _("Please return it as soon as possible, even if your library has not finished with it."),
    ),
    Status.LOAN_COMPLETED: (
        _("We have received the loaned material back."),
        _("The loan is completed and the request is closed. Thank you."),
    ),
    Status.COMPLETED_WITHOUT_RETURN: (
        _("The loan has been closed without the material being returned."),
        _("The request is closed. If you have a question about it, reply to this email."),
    ),
    Status.CANCELLED: (
        _("Your request has been cancelled."),
        _("Nothing more will be done with it. If this is a mistake, please send a new request."),
    ),
}


# The same statuses as a user in Korea hears of them, when NLK borrows from a library abroad.
BORROWING_EXPLANATIONS = {
    Status.EXPECT_TO_SUPPLY: (
        _("Your request has been sent to the lending institution abroad."),
        _("We are waiting for it to confirm that the material is available, and at what fees. This takes one to "
          "two months."),
    ),
    Status.WILL_SUPPLY: (
        _("The lending institution has confirmed that it will supply the material."),
        _("We will write again when the material has arrived at the National Library of Korea."),
    ),
    Status.RETRY_POSSIBLE: EXPLANATIONS[Status.RETRY_POSSIBLE],
    Status.UNFILLED: (
        _("We are sorry: the material cannot be obtained from abroad."),
        _("The reason is given below. The request is now closed; the amount you paid in advance will be "
          "settled and the difference refunded."),
    ),
    Status.COPY_COMPLETED: (
        _("Your copy has arrived and has been handed to you."),
        _("The request is now settled: you will receive a statement of the fees and of the refund."),
    ),
    Status.LOANED: (
        _("The borrowed material has arrived and is on loan to you."),
        _("Please return it to the National Library of Korea by the due date, so that it can go back to the "
          "lending institution."),
    ),
    Status.OVERDUE: (
        _("The loan is overdue."),
        _("Please return the material to the National Library of Korea as soon as possible."),
    ),
    Status.RECALLED: (
        _("The lending institution needs its material back."),
        _("Please return it to the National Library of Korea as soon as possible."),
    ),
    Status.LOAN_COMPLETED: (
        _("You have returned the borrowed material. Thank you."),
        _("The request is now settled: you will receive a statement of the fees and of the refund."),
    ),
    Status.COMPLETED_WITHOUT_RETURN: EXPLANATIONS[Status.COMPLETED_WITHOUT_RETURN],
    Status.CANCELLED: (
        _("Your request has been cancelled."),
        _("The amount you paid in advance will be settled and the difference refunded."),
    ),
}


def notifies(status: str) -> bool:
    """Whether the requester is emailed when their request reaches `status`."""
    return status in EXPLANATIONS


def send_status_email(change: StatusChange) -> SentEmail | None:
    """Email the requester about `change`, once (see send_request_email): the SentEmail, or None if the status is
    not one they hear of. Raises SMTPException or OSError when the email could not be sent (recorded as failed)."""
    if not notifies(change.to_status):
        return None
    borrowing = change.request.is_borrowing
    explanations = BORROWING_EXPLANATIONS if borrowing else EXPLANATIONS
    meaning, next_steps = explanations[Status(change.to_status)]
    status_label = requester_label(change.to_status, borrowing=borrowing)
    return send_request_email(
        change.request,
        SentEmail.Kind.STATUS,
        key=f"status:{change.pk}",
        context={
            "change": change, "meaning": meaning, "next_steps": next_steps, "status_label": status_label,
            "Status": Status,
        },
    )
