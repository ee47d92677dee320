"""Two Celery beats started by mistake: each period's scheduled work is still done once.

The test runs a redis-server of its own (`own_redis`), one real worker on it and two real
`celery -A nlk_portal beat` processes, with the outbox sweep scheduled every two seconds
(OUTBOX_SWEEP_SECONDS) instead of every minute. Both beats find the sweep due every period;
the worker runs it once a period.
"""

import re
import subprocess
import sys
import time

import pytest

from bench import BASE_DIR
from nlk_portal.outbox.models import ScheduledRun
from tests.ill.worker_helpers import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
SWEEP = "nlk_portal.outbox.tasks.sweep_outbox"


def start_beat(worker, tmp_path, name):
    log = open(tmp_path / f"beat-{name}.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "nlk_portal", "beat", "--loglevel", "INFO",
         "--schedule", str(tmp_path / f"beat-{name}")],
        cwd=BASE_DIR, env=dict(worker.environment(), OUTBOX_SWEEP_SECONDS="2"),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    return process, log


def test_two_beats_have_the_outbox_swept_once_every_period(own_redis, celery_worker, tmp_path):
    beats = [start_beat(celery_worker, tmp_path, name) for name in ("first", "second")]
    try:
        time.sleep(12)
    finally:
        for process, log in beats:
            process.terminate()
            process.wait(timeout=30)
            log.close()

    claimed = ScheduledRun.objects.filter(entry="outbox-sweep")
    periods = claimed.count()
    assert periods >= 3
    # Both beats found the sweep due in every period, and each sent it only in the periods it claimed.
    for name in ("first", "second"):
        log = (tmp_path / f"beat-{name}.log").read_text()
        assert len(re.findall(r"Sending due task outbox-sweep", log)) >= periods - 1, log

    def sweeps_done():
        return len(re.findall(rf"Task {re.escape(SWEEP)}\[[^\]]+\] succeeded", celery_worker.log_path.read_text()))

    wait_for(lambda: sweeps_done() >= periods, timeout=30, interval=0.2, what="the worker to run each sweep")
    time.sleep(1)
    assert sweeps_done() == periods
