"""Invoice PDFs: milliseconds per PDF in process, and 1,000 invoices through two real Celery workers.

    DATABASE_URL=… CELERY_BROKER_URL=… .venv/bin/python -m bench.invoices --jobs 1000

Prints one JSON line. The in-process part writes nothing (its invoices are rolled back);
the worker part issues, renders and emails (to a dummy backend) `--jobs` invoices for
completed copies that have none yet, as ill.tasks.finalise_fees does in production.
"""

import json
import os
import statistics
import time
from datetime import date
from decimal import Decimal

from bench import setup_django
from bench.workers import Worker

ONE_LINE = "<!doctype html><html><body><p>Invoice</p></body></html>"


def median_ms(render, runs):
    render()  # the first one loads the fonts
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def sample_invoice(language):
    """An invoice for one request: in English for an English title, or in Korean throughout."""
    from django.utils import timezone

    from ill.models import FeeSchedule, IllRequest, Invoice, InvoiceLine
    from partners.models import Institution

    korean = language == "ko"
    schedule = FeeSchedule.objects.order_by("-effective_from").first()
    library = Institution.objects.create(
        key=f"bench-pdf-{language}",
        name_en="Korean Studies Library, University of Tokyo",
        name_ko="도쿄대학교 한국학도서관" if korean else "",
        kind="academic",
        country="JP",
        address="7-3-1 Hongo, Bunkyo-ku\nTokyo 113-8654\nJapan",
    )
    ill_request = IllRequest.objects.create(
        reference=f"PDF-{language}", tracking_token=f"bench-pdf-{language}", requesting_library=library,
        contact_name="김민지" if korean else "Yuki Tanaka", email="ill@example.org",
        postal_address=library.address, item_type="monograph",
        title="조선왕조실록 연구" if korean else "Studies of the Annals of the Joseon Dynasty",
        author="김윤식" if korean else "Kim Yun-sik", publisher="문학과지성사" if korean else "Moonji",
        year=1994, service="copy", delivery="post", pages_wanted="1-23", page_count=23, pages_copied=23,
        fee_schedule=schedule, copying_fee=Decimal("13.00"), shipping_fee=Decimal("3.00"), currency="USD",
        language=language, due_date=date(2026, 12, 25),
    )
    invoice = Invoice.objects.create(
        number=f"PDF-{language}", request=ill_request, fee_schedule=schedule,
        issued_on=timezone.localdate(), currency="USD", total=Decimal("16.00"),
    )
    InvoiceLine.objects.create(invoice=invoice, kind="copying", pages=23, amount=Decimal("13.00"))
    InvoiceLine.objects.create(invoice=invoice, kind="shipping", amount=Decimal("3.00"))
    return invoice


def pdf_timings(runs):
    from django.db import transaction
    from weasyprint import HTML

    from ill.services import pdf

    result = {"one_line_ms": median_ms(lambda: HTML(string=ONE_LINE).write_pdf(), runs)}
    with transaction.atomic():
        for language in ("en", "ko"):
            invoice = sample_invoice(language)
            result[f"invoice_{language}_ms"] = median_ms(lambda: pdf.render_invoice(invoice), runs)
        transaction.set_rollback(True)
    return result


def through_workers(jobs, log_dir, timeout):
    from django.db.models import Count

    from ill.models import Direction, IllRequest, Invoice, StatusChange
    from ill.status import Status
    from nlk_portal.celery import app
    from nlk_portal.outbox.dispatch import after_commit

    app.control.purge()
    changes = list(
        StatusChange.objects.filter(
            to_status=Status.COPY_COMPLETED,
            # Copies NLK supplied: a borrowing's fees are settled with the user, not invoiced.
            request__in=IllRequest.objects.filter(
                direction=Direction.NLK_SUPPLIES, status=Status.COPY_COMPLETED, invoices__isnull=True
            ).order_by("-id")[:jobs],
        ).values_list("pk", "request_id")
    )
    request_ids = [request_id for _, request_id in changes]
    queue = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
    workers = [
        Worker(queue, os.path.join(log_dir, f"worker-{n}.log"), name=f"bench-invoices-{n}", loglevel="WARNING")
        for n in (1, 2)
    ]
    try:
        for worker in workers:
            worker.start()
        started = time.perf_counter()
        for change_id, _ in changes:
            after_commit("ill.tasks.finalise_fees", change_id)
        rendered = Invoice.objects.filter(request_id__in=request_ids).exclude(pdf="")
        deadline = time.monotonic() + timeout
        while rendered.count() < len(changes) and time.monotonic() < deadline:
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.stop()
    issued = Invoice.objects.filter(request_id__in=request_ids)
    summary = issued.aggregate(
        invoices=Count("pk"), numbers=Count("number", distinct=True), requests=Count("request", distinct=True)
    )
    return {
        "jobs": len(changes),
        "seconds": elapsed,
        "rendered": rendered.count(),
        "invoices": summary["invoices"],
        "distinct_numbers": summary["numbers"],
        "distinct_requests": summary["requests"],
    }


def main():
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--log-dir", default=tempfile.gettempdir())
    options = parser.parse_args()
    setup_django()
    result = pdf_timings(options.runs)
    if options.jobs:
        result["workers"] = through_workers(options.jobs, options.log_dir, options.timeout)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
