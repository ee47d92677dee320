"""What follows a status change, kept apart from the rule of which changes are allowed."""

from . import dispatch


def after_transition(change):
    """Run inside the transaction that recorded `change` (a StatusChange).

    Work for Celery is handed over with dispatch.after_commit, so nothing is
    sent for a change that is rolled back.
    """
    from . import fees, tasks  # late: ill.models imports this module through ill.workflow

    # NLK's fee schedule and invoices are for what NLK supplies; a borrowing is settled against
    # its prepayment instead (ill.settlement).
    if change.to_status in fees.FEES_FIXED_AT and change.request.direction == "supplies":
        dispatch.after_commit(tasks.finalise_fees, change.pk)
    dispatch.after_commit(tasks.send_status_email, change.pk)
