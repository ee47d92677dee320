"""Invoice jobs while the Celery worker is killed (SIGKILL) every few seconds and restarted.

The fault test runs 50 jobs and `make bench` 1,000, both through
run_invoice_jobs(). A job is a request for a copy that staff mark "Copy
completed": that step hands the fee finalisation to the worker, which issues
the invoice, renders its PDF and emails it, each step a task of its own
(ill.services.invoices). Meanwhile a thread kills the worker and all its pool
processes at once, as a crashed machine would, waits, and starts it again;
the outbox sweep runs every second, as Celery beat does every minute, and a
task the broker lost to a kill is handed over again (see lost_tasks).

`worker` is anything with start() (returns once the worker answers) and
kill(); bench.workers.Worker is one. Run with Django set up, the worker on
the same database, broker and MEDIA_ROOT, and the worker's
CELERY_VISIBILITY_TIMEOUT short (a few seconds): Redis then hands the tasks
a kill stopped part-way to the restarted worker within the run. The checks
look only at the run's own jobs, their tasks and their invoices, so other
work in the same database (a benchmark's earlier sections) is left out.

    DATABASE_URL=… CELERY_BROKER_URL=… .venv/bin/python -m bench.chaos --jobs 1000

runs it alone, with a worker of its own, and prints one JSON line.
"""

import argparse
import json
import os
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

REQUEST_DETAILS = {
    "contact_name": "Marie Dupont",
    "email": "ill@bibliotheque.example.org",
    "postal_address": "5 rue de l'Université\n75007 Paris\nFrance",
    "item_type": "monograph",
    "title": "한국 근대 문학사",
    "author": "김윤식",
    "publisher": "문학과지성사",
    "place": "Seoul",
    "year": 1994,
    "service": "copy",
    "delivery": "post",
    "pages_wanted": "12-30, 45",
    "total_pages": 320,
    "confirms_published_in_korea": True,
    "confirms_not_available_elsewhere": True,
}


@dataclass
class Outcome:
    """What the run came to; `problems` is empty when nothing was lost or made twice."""

    jobs: int
    kills: int
    seconds: float
    invoices: int = 0
    # Jobs with more than one invoice, and invoices whose stored PDF reads as a PDF.
    duplicates: int = 0
    pdfs: int = 0
    # Tasks a kill stopped part-way, that a worker then started again.
    tasks_run_again: int = 0
    # Tasks the broker lost to a kill (see lost_tasks), handed over again from the outbox.
    handed_over_again: int = 0
    problems: list = field(default_factory=list)
    # Emails the worker wrote more than once: a kill between writing an email and recording it
    # sends it again (no mail server can take an email back). None when the worker's mail is not read.
    emails_sent_twice: int | None = None
    # Invoice emails the worker wrote, counting those written twice.
    invoice_emails: int | None = None


class Killer(threading.Thread):
    """Every `every` seconds: SIGKILL the worker, then start it again.

    With `progress` (a count that grows as tasks finish), a kill also waits until the restarted worker has
    finished at least one task: on a loaded machine a restart can take as long as `every`, and a worker
    killed before it does anything would only prove that nothing happens.
    """

    def __init__(self, worker, every, progress=None):
        super().__init__(daemon=True)
        self.worker, self.every, self.progress = worker, every, progress
        self.kills, self.error = 0, None
        self.stopping = threading.Event()

    def run(self):
        from django.db import connection

        try:
            done = self.progress() if self.progress else 0
            while not self.stopping.wait(self.every):
                while self.progress and self.progress() <= done:
                    if self.stopping.wait(0.2):
                        return
                self.worker.kill()
                self.kills += 1
                self.worker.start()
                done = self.progress() if self.progress else 0
        except Exception as error:  # reported by stop(), in the caller's thread
            self.error = error
        finally:
            connection.close()

    def stop(self):
        self.stopping.set()
        self.join()
        if self.error is not None:
            raise RuntimeError(f"the worker could not be restarted: {self.error}") from self.error


def make_jobs(count):
    """`count` requests for a copy, each marked "Copy completed"; returns their ids."""
    from ill.services.submission import submit_request
    from ill.services.workflow import do_transition
    from ill.status import Status
    from partners.models import Institution

    library, _ = Institution.objects.get_or_create(
        key="chaos-test-library",
        defaults={"name_en": "Bibliothèque de test", "kind": "academic", "country": "FR"},
    )
    ids = []
    for _ in range(count):
        # With a submission key, as the form's requests have: `make bench --reuse-data` takes the
        # requests without one for its generated data set.
        details = {**REQUEST_DETAILS, "requesting_library": library}
        ill_request = submit_request(details, submission_key=uuid.uuid4())
        do_transition(ill_request, Status.WILL_SUPPLY)
        do_transition(ill_request, Status.COPY_COMPLETED, pages_copied=20)
        ids.append(ill_request.pk)
    return ids


def run_invoice_jobs(worker, jobs, kill_every=5.0, timeout=None):
    """Make `jobs` invoice jobs and wait until each is invoiced and emailed, killing the worker meanwhile.

    Gives up after `timeout` seconds (by default a minute and 2 s a job) and reports what is missing.
    """
    from nlk_portal.outbox import dispatch as outbox

    timeout = 60 + 2 * jobs if timeout is None else timeout
    started = time.monotonic()
    since = timezone.now()
    killer = Killer(worker, kill_every, progress=lambda: finished_tasks(since))
    killer.start()
    handed_again, suspects, next_look = 0, set(), 0
    try:
        ids = make_jobs(jobs)
        deadline = started + timeout
        while not _all_done(ids, since):
            if time.monotonic() > deadline:
                break
            outbox.sweep()
            if time.monotonic() >= next_look:
                # Missing from the broker at two looks in a row: lost, not just passing from queue to worker.
                missing = lost_tasks(ids, since)
                again = [row for row in missing if row.pk in suspects]
                handed_again += outbox.run_again(again)
                suspects = {row.pk for row in missing} - {row.pk for row in again}
                next_look = time.monotonic() + LOOK_EVERY
            time.sleep(1)
    finally:
        killer.stop()
    outcome = Outcome(jobs=jobs, kills=killer.kills, seconds=time.monotonic() - started)
    outcome.handed_over_again = handed_again
    check(outcome, ids, since, worker)
    return outcome


def finished_tasks(since):
    """How many outbox rows written since `since` have run to the end."""
    from nlk_portal.outbox.models import OutboxEntry

    return OutboxEntry.objects.filter(created_at__gte=since, state="done").count()


# Seconds between two looks at what the broker holds.
LOOK_EVERY = 10
UNFINISHED = ["pending", "queued", "running", "retrying"]


def lost_tasks(ids, since):
    """The run's tasks handed to the broker a while ago that it no longer holds, waiting or delivered.

    Redis hands a message over by popping it from the queue; the worker then records it as
    delivered and unacknowledged. A worker killed between the two loses the message: its outbox
    row stays queued and never runs. In production the sweep hands such rows over again after
    ILL_OUTBOX_RESEND_AFTER (an hour); the run does it as soon as it sees one, with the staff's
    outbox.run_again, and counts them.
    """
    recent = timezone.now() - timedelta(seconds=LOOK_EVERY)
    rows = job_entries(ids, since, state__in=UNFINISHED[1:], updated_at__lt=recent)
    if not rows:
        return []
    held = broker_task_ids()
    return [row for row in rows if str(row.task_id) not in held]


def broker_task_ids():
    """The ids of the tasks Redis holds: waiting in the queue, or delivered and not yet acknowledged."""
    from nlk_portal.celery import app

    queue = app.conf.task_default_queue
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        # kombu keeps a queue's messages of each priority under a key of their own.
        keys = [f"{queue}{channel.sep}{step}" if step else queue for step in channel.priority_steps]
        with channel.client.pipeline(transaction=True) as pipe:  # one snapshot of both
            for key in keys:
                pipe.lrange(key, 0, -1)
            pipe.hvals(channel.unacked_key)
            *waiting, delivered = pipe.execute()
    ids = {json.loads(message)["headers"]["id"] for messages in waiting for message in messages}
    return ids | {json.loads(entry)[0]["headers"]["id"] for entry in delivered}


# What each of a job's tasks is given: its request, one of its status changes, or its invoice.
TASK_SUBJECTS = {
    "ill.tasks.send_acknowledgement": "request",
    "ill.tasks.send_status_email": "change",
    "ill.tasks.finalise_fees": "change",
    "ill.tasks.render_invoice": "invoice",
    "ill.tasks.email_invoice": "invoice",
}


def job_entries(ids, since, **filters):
    """The outbox rows of the jobs `ids` written since `since`, narrowed by `filters`."""
    from ill.models import Invoice, StatusChange
    from nlk_portal.outbox.models import OutboxEntry

    subjects = {
        "request": set(ids),
        "change": set(StatusChange.objects.filter(request_id__in=ids).values_list("pk", flat=True)),
        "invoice": set(Invoice.objects.filter(request_id__in=ids).values_list("pk", flat=True)),
    }
    rows = OutboxEntry.objects.filter(created_at__gte=since, **filters)
    return [
        row for row in rows.only("task_id", "task_name", "args", "state", "attempts")
        if row.args and row.args[0] in subjects.get(TASK_SUBJECTS.get(row.task_name), ())
    ]


def _all_done(ids, since):
    from ill.models import Invoice, SentEmail

    invoiced = Invoice.objects.filter(request_id__in=ids).exclude(pdf="").values("request").distinct().count()
    emailed = SentEmail.objects.filter(request_id__in=ids, kind="invoice", status="sent").count()
    if invoiced < len(ids) or emailed < len(ids):
        return False
    return not job_entries(ids, since, state__in=UNFINISHED)


def check(outcome, ids, since, worker=None):
    """Record in `outcome` every job without its one invoice, PDF and email, and every thing made twice.

    `since` is when the run began: the jobs' tasks are the outbox rows written after it.
    """
    from ill.models import Invoice, SentEmail

    problems = outcome.problems
    invoices = list(Invoice.objects.filter(request_id__in=ids).select_related("request"))
    outcome.invoices = len(invoices)
    per_request = Counter(invoice.request_id for invoice in invoices)
    if missing := [pk for pk in ids if not per_request[pk]]:
        problems.append(f"{len(missing)} job(s) without an invoice")
    outcome.duplicates = sum(1 for n in per_request.values() if n > 1)
    if outcome.duplicates:
        problems.append(f"{outcome.duplicates} job(s) with more than one invoice")
    if gaps := number_gaps(invoices):
        problems.append(f"invoice numbers with gaps or repeats: {gaps}")
    for invoice in invoices:
        if not invoice.pdf:
            problems.append(f"{invoice.number} has no PDF")
            continue
        with invoice.pdf.open("rb") as stored:
            if stored.read(5) != b"%PDF-":
                problems.append(f"{invoice.number}'s PDF is not a PDF")
            else:
                outcome.pdfs += 1
    # One file per invoice, under its number: nothing left over by a render killed half-way.
    years = {invoice.issued_on.year for invoice in invoices}
    folders = [Path(settings.MEDIA_ROOT) / "invoices" / str(year) for year in years]
    files = sorted(path.name for folder in folders for path in folder.iterdir())
    if files != sorted(invoice.filename for invoice in invoices):
        problems.append(f"not one file per invoice: {len(files)} files for {len(invoices)} invoices")
    # The record's key is unique: an invoice has one record at most.
    sent = SentEmail.objects.filter(request_id__in=ids, kind="invoice", status="sent")
    recorded = set(sent.values_list("key", flat=True))
    if unrecorded := [i.number for i in invoices if f"invoice:{i.number}" not in recorded]:
        problems.append(f"{len(unrecorded)} invoice(s) not recorded as emailed")
    entries = job_entries(ids, since)
    outcome.tasks_run_again = sum(1 for row in entries if row.attempts > 1)
    if unfinished := Counter(row.task_name for row in entries if row.state in UNFINISHED):
        problems.append(f"tasks never finished: {dict(unfinished)}")
    if failed := Counter(row.task_name for row in entries if row.state == "failed"):
        problems.append(f"tasks that failed for good: {dict(failed)}")
    if getattr(worker, "maildir", None) is not None:
        # "Invoice INV-2026-000001 for ILL request ILL-2026-000001"
        subjects = [str(message["Subject"] or "").split() for message in worker.sent_emails()]
        numbers = {invoice.number for invoice in invoices}
        emailed = Counter(words[1] for words in subjects if len(words) > 1 and words[0] == "Invoice")
        if never := [number for number in numbers if not emailed[number]]:
            problems.append(f"{len(never)} invoice(s) never emailed")
        outcome.invoice_emails = sum(emailed[number] for number in numbers)
        outcome.emails_sent_twice = sum(1 for number in numbers if emailed[number] > 1)
    return outcome


def number_gaps(invoices):
    """Numbers repeated among `invoices`, or missing from the series between their first and last.

    Other work may issue numbers in between; every number in that stretch must have been issued.
    """
    from ill.models import Invoice

    series = defaultdict(list)
    for invoice in invoices:
        prefix, serial = invoice.number.rsplit("-", 1)
        series[prefix, len(serial)].append(int(serial))
    gaps = []
    for (prefix, width), serials in series.items():
        gaps += [f"{prefix}-{n:0{width}d} twice" for n, times in Counter(serials).items() if times > 1]
        stretch = {f"{prefix}-{n:0{width}d}" for n in range(min(serials), max(serials) + 1)}
        issued = Invoice.objects.filter(number__in=stretch).values_list("number", flat=True)
        gaps += sorted(stretch - set(issued))
    return gaps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--kill-every", type=float, default=5.0, help="seconds from a start to the next kill")
    parser.add_argument("--concurrency", type=int, default=2, help="the worker's pool processes")
    parser.add_argument("--visibility-timeout", type=int, default=4, help="the worker's, in seconds")
    parser.add_argument("--timeout", type=int, help="give up after this many seconds (120 + 6 a job)")
    parser.add_argument("--log-dir", default=tempfile.gettempdir())
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="chaos-", dir=options.log_dir))
    (work / "mail").mkdir()
    queue = f"bench-chaos-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        # A queue and a media folder of the run's own, for this process and its worker.
        CELERY_TASK_DEFAULT_QUEUE=queue,
        MEDIA_ROOT=str(work / "media"),
        # The sweep hands over what a kill left between a commit and its hand-over. Handing over
        # again what was handed over long ago and never finished (for a broker that lost its data)
        # would also take what earlier runs left queued in this database: not during the run.
        ILL_OUTBOX_RESEND_AFTER=str(365 * 24 * 3600),
    )
    from bench import setup_django

    setup_django()
    from bench.workers import Worker

    worker = Worker(
        queue, work / "worker.log", maildir=work / "mail", concurrency=options.concurrency,
        env={"CELERY_VISIBILITY_TIMEOUT": str(options.visibility_timeout)},
    )
    worker.start()
    try:
        timeout = options.timeout or 120 + 6 * options.jobs
        outcome = run_invoice_jobs(worker, options.jobs, options.kill_every, timeout)
    finally:
        worker.stop()
    print(json.dumps({
        **asdict(outcome), "kill_every": options.kill_every, "concurrency": options.concurrency,
        "visibility_timeout": options.visibility_timeout, "work_dir": str(work),
    }))


if __name__ == "__main__":
    main()
