"""Time the staff's request list and a request's page with a million requests (PostgreSQL).

    DATABASE_URL=postgres://…/scratch DJANGO_DEBUG=1 .venv/bin/python scripts/bench_staff_list.py --rows 1000000

Adds `--rows` requests (references ILL-1990-…, the newest `--open-share` of them open) to the
database DATABASE_URL names, with a history line each, vacuums and analyses, then prints for each view of the list and for a
request's page the queries it took and the median time of five views. The rows
are removed afterwards unless --keep. Use a scratch database: never production.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlk_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from ill.models import FeeSchedule, IllRequest  # noqa: E402
from ill.selectors.queues import OPEN_STATUSES  # noqa: E402
from ill.status import Status  # noqa: E402
from partners.models import Institution  # noqa: E402

LIST = "/admin/ill/illrequest/"
WORDS = ["한국", "근대", "문학사", "조선", "왕조", "실록", "연구", "경제", "역사", "불교", "미술", "지리"]


def seed(rows, open_share):
    libraries = list(Institution.objects.values_list("pk", flat=True)[:300])
    staff = list(get_user_model().objects.filter(is_staff=True).values_list("pk", flat=True)) or [None]
    schedule = FeeSchedule.objects.order_by("effective_from").first()
    statuses = [s.value for s in Status]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO ill_illrequest (
                reference, direction, status, requesting_library_id, contact_name, email, postal_address,
                item_type, title, article_title, serial_title, volume, issue, author, publisher, place,
                isbn, issn, nlk_number, citation_source, service, delivery, pages_wanted, page_count,
                total_pages, notes, confirms_published_in_korea, confirms_not_available_elsewhere,
                copyright_check_needed, fee_schedule_id, copying_fee, shipping_fee, currency, language,
                received_at, due_date, assigned_to_id, tracking_token, updated_at, version)
            SELECT 'ILL-' || (1990 + i / 1000000) || '-' || lpad((i %% 1000000)::text, 6, '0'),
                   CASE WHEN i %% 10 = 0 THEN 'borrows' ELSE 'supplies' END,
                   -- The newest requests are still open; the older ones are closed.
                   CASE WHEN i <= %(open_rows)s
                        THEN (%(open)s)[1 + (i::bigint * 7919) %% array_length(%(open)s, 1)]
                        ELSE (%(closed)s)[1 + (i::bigint * 7919) %% array_length(%(closed)s, 1)] END,
                   (%(libraries)s)[1 + i %% array_length(%(libraries)s, 1)],
                   'Librarian ' || i, 'ill' || (i %% 7) || '@' || substr(md5((i %% 5000)::text), 1, 10) || '.ac.kr', '',
                   'monograph',
                   (%(words)s)[1 + i %% 12] || ' ' || (%(words)s)[1 + (i / 12) %% 12] || ' ' || substr(md5(i::text), 1, 8),
                   '', '', '', '', 'Author ' || substr(md5((i + 1)::text), 1, 6), '', 'Seoul',
                   '978' || lpad((i %% 10000000000)::text, 10, '0'), '', '', '',
                   CASE WHEN i %% 5 = 0 THEN 'loan' ELSE 'copy' END, 'post', '12-30', 19, 320, '',
                   true, true, false, %(schedule)s, 9.00, 3.00, 'USD', 'en',
                   now() - (i || ' minutes')::interval, (now() - (i || ' minutes')::interval)::date + 30,
                   CASE WHEN i %% 3 = 0 THEN NULL ELSE (%(staff)s)[1 + i %% array_length(%(staff)s, 1)] END,
                   'bench-' || i, now(), 1
            FROM generate_series(1, %(rows)s) AS i
            """.replace("%(open)s", "%(open)s::varchar[]")
            .replace("%(closed)s", "%(closed)s::varchar[]")
            .replace("%(libraries)s", "%(libraries)s::bigint[]")
            .replace("%(staff)s", "%(staff)s::integer[]")
            .replace("%(words)s", "%(words)s::text[]"),
            {
                "open": OPEN_STATUSES,
                "closed": [s for s in statuses if s not in OPEN_STATUSES],
                "open_rows": int(rows * open_share),
                "libraries": libraries,
                "staff": staff,
                "words": WORDS,
                "schedule": schedule.pk,
                "rows": rows,
            },
        )
        cursor.execute(
            """
            INSERT INTO ill_statuschange (request_id, from_status, to_status, changed_at, note, reason)
            SELECT id, '', 'RequestReceived', received_at, '', '' FROM ill_illrequest
            WHERE tracking_token LIKE 'bench-%%'
            """
        )
    # As autovacuum leaves a table in steady use: statistics gathered, visibility map set.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ill_illrequest")
        cursor.execute("VACUUM ANALYZE ill_statuschange")


def remove():
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM ill_statuschange WHERE request_id IN "
            "(SELECT id FROM ill_illrequest WHERE tracking_token LIKE 'bench-%%')"
        )
        cursor.execute("DELETE FROM ill_illrequest WHERE tracking_token LIKE 'bench-%%'")


def measure(client, url, query=None, runs=5):
    client.get(url, query or {})
    times, db_times = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, query or {})
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        db_times.append(sum(float(q["time"]) for q in captured.captured_queries))
    return len(captured), statistics.median(times) * 1000, statistics.median(db_times) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.05, help="the share of requests still open")
    parser.add_argument("--keep", action="store_true", help="leave the rows for another run")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark measures PostgreSQL: set DATABASE_URL.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    benchmark_rows = IllRequest.objects.filter(tracking_token__startswith="bench-")
    if not benchmark_rows.exists():
        start = time.perf_counter()
        seed(options.rows, options.open_share)
        print(f"seeded {options.rows:,} requests in {time.perf_counter() - start:.0f} s")
    total = IllRequest.objects.count()
    open_count = IllRequest.objects.filter(status__in=OPEN_STATUSES).count()
    print(f"{total:,} requests, {open_count:,} open")
    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench", "", "bench-only-password"
    )
    client = Client()
    client.force_login(user)
    sample = benchmark_rows.order_by("-id").first()
    views = [
        ("open (default)", LIST, {}),
        ("all", LIST, {"status": "all"}),
        ("all, page 50", LIST, {"status": "all", "p": "50"}),
        ("overdue", LIST, {"due": "overdue"}),
        ("due within 7 days", LIST, {"due": "soon"}),
        ("unassigned", LIST, {"assigned": "nobody"}),
        ("assigned to me", LIST, {"assigned": "me"}),
        ("status Loaned", LIST, {"status": "Loaned"}),
        ("country DE", LIST, {"country": "DE"}),
        ("NLK borrows", LIST, {"direction__exact": "borrows"}),
        ("service loan", LIST, {"service__exact": "loan"}),
        ("search reference", LIST, {"q": sample.reference}),
        ("search ref. digits", LIST, {"q": sample.reference[-6:]}),
        ("search title word", LIST, {"q": sample.title.split()[-1]}),
        ("search email domain", LIST, {"q": sample.email.split("@")[1]}),
        ("search library", LIST, {"q": "Diet"}),
        ("request page", f"{LIST}{sample.pk}/change/", {}),
    ]
    print(f"{'view':<22} {'queries':>7} {'median ms':>10} {'of it SQL':>10}")
    for name, url, query in views:
        queries, ms, db_ms = measure(client, url, query)
        print(f"{name:<22} {queries:>7} {ms:>10.1f} {db_ms:>10.1f}")
    if not options.keep:
        remove()


if __name__ == "__main__":
    main()
