"""How the portal hands work to Celery: only once the transaction that asked for it commits."""


def after_commit(task, *args):
    """Have a worker run `task(*args)` once the current transaction commits.

    The task is written to the outbox in the caller's transaction: if that
    rolls back nothing is sent, and if the broker is down when it commits the
    task waits in the outbox until the sweep hands it over. Outside a
    transaction it is handed over at once. Arguments must be JSON.
    """
    from .outbox import enqueue  # late: ill.models imports ill.workflow, which imports ill.effects

    return enqueue(task, args)
