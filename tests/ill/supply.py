"""Staff working a request through to supplied, as the admin does."""

from ill.services.workflow import do_transition
from ill.status import Status
from tests.factories import submit_ill_request


def supply_copy(pages_copied=23, by=None, **request_details):
    """A request for a copy, copied: `pages_copied` pages are recorded with CopyCompleted."""
    ill_request = submit_ill_request(**request_details)
    do_transition(ill_request, Status.WILL_SUPPLY, by=by)
    do_transition(ill_request, Status.COPY_COMPLETED, by=by, pages_copied=pages_copied)
    ill_request.refresh_from_db()
    return ill_request


def lend(by=None, **request_details):
    ill_request = submit_ill_request(service="loan", delivery="post", pages_wanted="", **request_details)
    do_transition(ill_request, Status.WILL_SUPPLY, by=by)
    do_transition(ill_request, Status.LOANED, by=by)
    ill_request.refresh_from_db()
    return ill_request
