"""How the portal hands work to Celery: only once the transaction that asked for it commits."""


def after_commit(task, *args):
    """Run `task(*args)` on a worker after the current transaction commits (at once outside one)."""
    task.delay_on_commit(*args)
