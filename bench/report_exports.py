"""Benchmark: the ILL report's CSV export, streamed as the download view streams it.

Measures whatever the database at DATABASE_URL holds:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h8bench .venv/bin/python bench/report_exports.py --limit 100000 --json

--generate N first adds N requests (with their history) to that database with
COPY, for trying the export at scale on a scratch database; it refuses a
database whose name does not end in "bench".
"""

import argparse
import io
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlk_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

MIB = 1024 * 1024
COUNTRIES = ["US", "JP", "CN", "FR", "DE", "GB", "RU", "VN", "MN", "KZ", "UZ", "TR", "ES", "BE", "PH", "MX"]


def proc_status(field):
    """A field of /proc/self/status, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def reset_peak_rss():
    # Writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current one.
    Path("/proc/self/clear_refs").write_text("5")


def export_ill_csv(limit=None):
    """Stream the ILL CSV through the view's own generator; return (rows, seconds, peak RSS growth in MiB)."""
    from exchange.reports import exports, figures, rows
    from exchange.reports.filters import Filters

    filters = Filters()
    listing = rows.for_report("ill", filters)
    if limit:
        listing.rows = listing.rows[:limit]
    report = figures.title_only("ill", filters)
    response = exports.streaming_csv(
        exports.report_csv_rows(report, listing), exports.filename("ill", filters, "csv")
    )

    rss_before = proc_status("VmRSS")
    reset_peak_rss()
    started = time.perf_counter()
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    growth = (proc_status("VmHWM") - rss_before) / MIB
    # The opening rows (title, filters, date, blank) and the header are not requests.
    return lines - 5, seconds, growth


def copy(cursor, table, columns, lines):
    buffer = io.StringIO("".join(lines))
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


REQUEST_COLUMNS = [
    "id",
    "reference",
    "direction",
    "status",
    "contact_name",
    "email",
    "postal_address",
    "item_type",
    "title",
    "article_title",
    "serial_title",
    "volume",
    "issue",
    "author",
    "publisher",
    "place",
    "isbn",
    "issn",
    "nlk_number",
    "citation_source",
    "service",
    "delivery",
    "pages_wanted",
    "notes",
    "confirms_published_in_korea",
    "confirms_not_available_elsewhere",
    "copyright_check_needed",
    "copying_fee",
    "shipping_fee",
    "currency",
    "language",
    "received_at",
    "due_date",
    "tracking_token",
    "updated_at",
    "fee_schedule_id",
    "requesting_library_id",
    "version",
]
CHANGE_COLUMNS = ["request_id", "from_status", "to_status", "changed_at", "note", "reason"]


def generate(n, batch=50_000):
    """Add `n` requests from libraries in 16 countries over five years, most of them supplied."""
    from ill.models import FeeSchedule
    from partners.models import Institution

    if not connection.settings_dict["NAME"].endswith("bench"):
        sys.exit("--generate only writes to a scratch database whose name ends in 'bench'.")
    rng = random.Random(8)
    schedule = FeeSchedule.objects.order_by("effective_from").first()
    libraries = list(Institution.objects.filter(key__startswith="bench-").values_list("pk", flat=True))
    if not libraries:
        Institution.objects.bulk_create(
            Institution(
                key=f"bench-{i}", name_en=f"Bench Library {i}", kind="academic", country=COUNTRIES[i % 16]
            )
            for i in range(2000)
        )
        libraries = list(Institution.objects.filter(key__startswith="bench-").values_list("pk", flat=True))
    start = datetime(2021, 1, 1, tzinfo=connection.timezone)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ill_illrequest")
        first = cursor.fetchone()[0] + 1
        for offset in range(0, n, batch):
            requests, changes = [], []
            for pk in range(first + offset, first + min(offset + batch, n)):
                received = start + timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
                fate = rng.random()
                status = "CopyCompleted" if fate < 0.7 else "Unfilled" if fate < 0.8 else "RequestReceived"
                direction = "borrows" if rng.random() < 0.15 else "supplies"
                requests.append(
                    f"{pk}\tBENCH-{pk:09d}\t{direction}\t{status}\tBench Librarian\till@bench.example.org\t\t"
                    f"monograph\tBench title {pk}\t\t\t\t\tAuthor\tPublisher\tSeoul\t\t\t\t\tcopy\tpost\t1-20\t\t"
                    f"t\tt\tf\t9.00\t3.00\tUSD\ten\t{received.isoformat()}\t{(received + timedelta(days=30)).date()}\t"
                    f"bench-{pk}\t{received.isoformat()}\t{schedule.pk}\t{rng.choice(libraries)}\t1\n"
                )
                if status == "CopyCompleted":
                    changes.append(
                        f"{pk}\tRequestReceived\tWillSupply\t{(received + timedelta(days=1)).isoformat()}\t\t\n"
                    )
                    done = received + timedelta(hours=rng.randrange(24, 24 * 70))
                    changes.append(f"{pk}\tWillSupply\tCopyCompleted\t{done.isoformat()}\t\t\n")
                elif status == "Unfilled":
                    changes.append(
                        f"{pk}\tRequestReceived\tUnfilled\t{(received + timedelta(days=3)).isoformat()}\t\tnot_held\n"
                    )
            copy(cursor, "ill_illrequest", REQUEST_COLUMNS, requests)
            copy(cursor, "ill_statuschange", CHANGE_COLUMNS, changes)
            print(f"generated {offset + len(requests)} of {n}", file=sys.stderr)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('ill_illrequest', 'id'), (SELECT MAX(id) FROM ill_illrequest))"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ill_illrequest; ANALYZE ill_statuschange; ANALYZE partners_institution")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, help="export only the first N requests")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument(
        "--generate", type=int, metavar="N", help="first add N requests to a scratch database"
    )
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
    rows, seconds, growth = export_ill_csv(args.limit)
    figures = {
        "report": "ill",
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "peak_rss_growth_mib": round(growth, 1),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"ILL CSV: {rows} rows in {seconds:.2f} s ({figures['rows_per_second']} rows/s), "
            f"peak RSS growth {growth:.1f} MiB"
        )


if __name__ == "__main__":
    main()
