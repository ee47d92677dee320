"""Benchmark: the ILL report's CSV export, streamed as the download view streams it.

Measures whatever the database at DATABASE_URL holds:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h8bench .venv/bin/python bench/report_exports.py --limit 100000 --json

Fill a scratch database first with `python -m bench.generate` (or `make bench`).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlk_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

MIB = 1024 * 1024


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
    from exchange.reports import exports, rows, tables
    from exchange.reports.filters import Filters
    from nlk_portal.core.exports.downloads import streaming_csv

    filters = Filters()
    listing = rows.for_report("ill", filters)
    if limit:
        listing.rows = listing.rows[:limit]
    report = tables.title_only("ill", filters)
    response = streaming_csv(
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


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, help="export only the first N requests")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
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
