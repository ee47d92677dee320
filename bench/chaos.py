"""Invoice jobs while the Celery worker is killed (SIGKILL) every few seconds and restarted.

The fault test runs 50 jobs and `make bench` 1,000, both through
run_invoice_jobs(). A job is a request for a copy that staff mark "Copy
completed": that step hands the fee finalisation to the worker, which issues
the invoice, renders its PDF and emails it, each step a task of its own
(ill.invoices). Meanwhile a thread kills the worker and all its pool
processes at once, as a crashed machine would, waits, and starts it again;
the outbox sweep runs every second, as Celery beat does every minute.

`worker` is anything with start() (returns once the worker answers) and
kill(); tests.conftest.Worker is one. Run with Django set up, the worker on
the same database, broker and MEDIA_ROOT, and the worker's
CELERY_VISIBILITY_TIMEOUT short (a few seconds): Redis then hands the tasks
a kill stopped part-way to the restarted worker within the run.
"""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Count

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
    # Tasks a kill stopped part-way, that a worker then started again.
    tasks_run_again: int = 0
    problems: list = field(default_factory=list)
    # Emails the worker wrote more than once: a kill between writing an email and recording it
    # sends it again (no mail server can take an email back). None when the worker's mail is not read.
    emails_sent_twice: int | None = None


class Killer(threading.Thread):
    """Every `every` seconds: SIGKILL the worker, then start it again."""

    def __init__(self, worker, every):
        super().__init__(daemon=True)
        self.worker, self.every = worker, every
        self.kills, self.error = 0, None
        self.stopping = threading.Event()

    def run(self):
        try:
            while not self.stopping.wait(self.every):
                self.worker.kill()
                self.kills += 1
                self.worker.start()
        except Exception as error:  # reported by stop(), in the caller's thread
            self.error = error

    def stop(self):
        self.stopping.set()
        self.join()
        if self.error is not None:
            raise RuntimeError(f"the worker could not be restarted: {self.error}") from self.error


def make_jobs(count):
    """`count` requests for a copy, each marked "Copy completed"; returns their ids."""
    from ill.services import submit_request
    from ill.workflow import Status, do_transition
    from partners.models import Institution

    library, _ = Institution.objects.get_or_create(
        key="chaos-test-library",
        defaults={"name_en": "Bibliothèque de test", "kind": "academic", "country": "FR"},
    )
    ids = []
    for _ in range(count):
        ill_request = submit_request({**REQUEST_DETAILS, "requesting_library": library})
        do_transition(ill_request, Status.WILL_SUPPLY)
        do_transition(ill_request, Status.COPY_COMPLETED, pages_copied=20)
        ids.append(ill_request.pk)
    return ids


def run_invoice_jobs(worker, jobs, kill_every=5.0, timeout=None):
    """Make `jobs` invoice jobs and wait until each is invoiced and emailed, killing the worker meanwhile.

    Gives up after `timeout` seconds (by default a minute and 2 s a job) and reports what is missing.
    """
    from ill import outbox

    timeout = 60 + 2 * jobs if timeout is None else timeout
    started = time.monotonic()
    killer = Killer(worker, kill_every)
    killer.start()
    try:
        ids = make_jobs(jobs)
        deadline = started + timeout
        while not _all_done(ids):
            if time.monotonic() > deadline:
                break
            outbox.sweep()
            time.sleep(1)
    finally:
        killer.stop()
    outcome = Outcome(jobs=jobs, kills=killer.kills, seconds=time.monotonic() - started)
    check(outcome, ids, worker)
    return outcome


def _all_done(ids):
    from ill.models import Invoice, OutboxEntry, SentEmail

    invoiced = Invoice.objects.filter(request_id__in=ids).exclude(pdf="").values("request").distinct().count()
    emailed = SentEmail.objects.filter(request_id__in=ids, kind="invoice", status="sent").count()
    unfinished = OutboxEntry.objects.exclude(state__in=["done", "failed"]).exists()
    return invoiced == len(ids) and emailed >= len(ids) and not unfinished


def check(outcome, ids, worker=None):
    """Record in `outcome` every job without its one invoice, PDF and email, and every thing made twice."""
    from ill.models import Invoice, OutboxEntry, SentEmail

    problems = outcome.problems
    invoices = list(Invoice.objects.filter(request_id__in=ids).select_related("request"))
    outcome.invoices = len(invoices)
    per_request = Counter(invoice.request_id for invoice in invoices)
    if missing := [pk for pk in ids if not per_request[pk]]:
        problems.append(f"{len(missing)} job(s) without an invoice")
    if twice := [pk for pk, n in per_request.items() if n > 1]:
        problems.append(f"{len(twice)} job(s) with more than one invoice")
    numbers = sorted(int(invoice.number.rsplit("-", 1)[1]) for invoice in invoices)
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        problems.append(f"invoice numbers with gaps or repeats: {numbers}")
    for invoice in invoices:
        if not invoice.pdf:
            problems.append(f"{invoice.number} has no PDF")
            continue
        with invoice.pdf.open("rb") as stored:
            if stored.read(5) != b"%PDF-":
                problems.append(f"{invoice.number}'s PDF is not a PDF")
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
    outcome.tasks_run_again = OutboxEntry.objects.filter(attempts__gt=1).count()
    if failed := OutboxEntry.objects.filter(state="failed").values("task_name").annotate(n=Count("id")):
        problems.append(f"tasks that failed for good: {list(failed)}")
    if hasattr(worker, "sent_emails"):
        # "Invoice INV-2026-000001 for ILL request ILL-2026-000001"
        subjects = [str(message["Subject"] or "").split() for message in worker.sent_emails()]
        emailed = Counter(words[1] for words in subjects if len(words) > 1 and words[0] == "Invoice")
        if never := [invoice.number for invoice in invoices if not emailed[invoice.number]]:
            problems.append(f"{len(never)} invoice(s) never emailed")
        outcome.emails_sent_twice = sum(1 for invoice in invoices if emailed[invoice.number] > 1)
    return outcome
