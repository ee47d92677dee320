"""Invoice jobs while the worker is killed (SIGKILL) every few seconds and restarted.

bench/chaos.py drives it; `make bench` runs the same with 1,000 jobs.
"""

import pytest

from bench.chaos import run_invoice_jobs

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
JOBS = 50
# Short, so that Redis hands a killed task to the restarted worker within the test. On a redis-server of
# the test's own (`own_redis`): a worker restores every message unacknowledged for that long in its
# broker, so on a shared one it would hand other tests' running tasks over again.
VISIBILITY_TIMEOUT = 4


@pytest.mark.celery_worker(env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)})
def test_invoice_jobs_with_the_worker_killed_every_few_seconds_are_each_done_once(
    own_redis, celery_worker, source_fee_schedule
):
    outcome = run_invoice_jobs(celery_worker, JOBS, kill_every=3.0, timeout=240)

    print(
        f"\n{outcome.jobs} invoice jobs in {outcome.seconds:.0f} s with {outcome.kills} kills; "
        f"{outcome.tasks_run_again} task(s) killed part-way and run again, "
        f"{outcome.handed_over_again} lost by the broker and handed over again, "
        f"{outcome.emails_sent_twice} invoice email(s) written twice"
    )
    assert outcome.problems == []
    assert outcome.invoices == JOBS
    assert outcome.kills >= 3 and outcome.tasks_run_again, "the kills never interrupted a task"
