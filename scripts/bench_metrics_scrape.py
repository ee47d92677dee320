"""Time a /metrics scrape with a million emails and ISO 18626 messages behind it (PostgreSQL).

    DATABASE_URL=postgres://…/metrics_bench DJANGO_DEBUG=1 .venv/bin/python scripts/bench_metrics_scrape.py --rows 1000000

Adds one request, two peers, `--rows` sent emails (one in 500 skipped) and `--rows` / 4 outgoing
ISO 18626 messages (all confirmed but one in 1,000 waiting and one in 2,000 refused) to the
database DATABASE_URL names, whose name must contain "bench"; vacuums and analyses; then prints
the median time of twenty scrapes and PostgreSQL's plan of each query a scrape makes. The rows
are removed afterwards unless --keep.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from ill.models import Iso18626Message, SentEmail  # noqa: E402
from partners.models import Institution, Iso18626Peer  # noqa: E402
from tests.factories import submit_ill_request  # noqa: E402

TOKEN = "bench-metrics-token"


def copy_row(cursor, row, count, changed):
    """`count` copies of `row` (i = 1, 2, …), with the columns in `changed` set by SQL expressions of i."""
    table = row._meta.db_table
    columns = [field.column for field in row._meta.concrete_fields if not field.primary_key]
    values = [changed.get(column, f'"{column}"') for column in columns]
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)}) "
        f"SELECT {', '.join(values)} FROM {table}, generate_series(1, %s) AS i WHERE {table}.id = %s",
        [count, row.pk],
    )


def seed(rows):
    library = Institution.objects.create(name_en="Metrics bench library", country="DE")
    ill_request = submit_ill_request(requesting_library=library)
    peers = [
        Iso18626Peer.objects.create(
            institution=library if n == 0 else Institution.objects.create(name_en="Metrics bench peer", country="DK"),
            agency_id_value=f"DE-BENCH-{n}", endpoint_url=f"https://peer{n}.bench.invalid/iso"
        )
        for n in range(2)
    ]
    email = SentEmail.objects.create(
        key="metrics-bench-0", request=ill_request, kind=SentEmail.Kind.STATUS, recipient="ill@example.org",
        subject="Status", status=SentEmail.Outcome.SENT,
    )
    message = Iso18626Message.objects.create(
        request=ill_request, peer=peers[0], incoming=False, message_type="supplyingAgencyMessage",
        timestamp=ill_request.received_at, body="<ISO18626Message/>", state=Iso18626Message.State.CONFIRMED,
    )
    with connection.cursor() as cursor:
        copy_row(cursor, email, rows - 1, {
            "key": "'metrics-bench-' || i",
            "status": "CASE WHEN i %% 500 = 0 THEN 'skipped' ELSE 'sent' END",
        })
        copy_row(cursor, message, rows // 4 - 1, {
            "peer_id": f"CASE WHEN i %% 2 = 0 THEN {peers[0].pk} ELSE {peers[1].pk} END",
            "state": "CASE WHEN i %% 1000 = 0 THEN 'waiting' WHEN i %% 2000 = 1 THEN 'refused' ELSE 'confirmed' END",
            "key": "NULL",
        })
        for table in ["ill_sentemail", "ill_iso18626message"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return ill_request, peers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("Needs DATABASE_URL naming a scratch PostgreSQL database whose name contains 'bench'.")
    started = time.perf_counter()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        ill_request, peers = seed(options.rows)
    print(f"seeded {options.rows:,} emails and {options.rows // 4:,} messages in {time.perf_counter() - started:.1f} s")
    client = Client()
    try:
        with override_settings(METRICS_TOKEN=TOKEN, ALLOWED_HOSTS=["testserver"]):
            times = []
            for _ in range(20):
                began = time.perf_counter()
                response = client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
                times.append(time.perf_counter() - began)
                assert response.status_code == 200, response.status_code
            with CaptureQueriesContext(connection) as queries:
                client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
        print(f"scrape: median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
              f"({len(queries)} queries)")
        with connection.cursor() as cursor:
            for query in queries:
                if "ill_sentemail" in query["sql"] or "ill_iso18626message" in query["sql"]:
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query["sql"])
                    plan = [row[0] for row in cursor.fetchall()]
                    print("\n".join(["", query["sql"][:160], *("  " + line for line in plan)]))
    finally:
        if not options.keep:
            Iso18626Message.objects.filter(request=ill_request).delete()
            SentEmail.objects.filter(request=ill_request).delete()
            Iso18626Peer.objects.filter(pk__in=[p.pk for p in peers]).delete()
            ill_request.history.all().delete()


if __name__ == "__main__":
    main()
