"""What removing personal data past its retention period costs at a million requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nlk_bench_purge .venv/bin/python -m bench.purge --requests 1000000

Fills the scratch database (its name must contain "bench") with bench.generate's workload, ages every request
past PERSONAL_DATA_RETENTION_DAYS by running the purge as of that many days from now, and times a dry run, the
purge, and the next day's purge (which finds nothing left to do). Prints one JSON line: requests purged,
seconds and requests per second of each.
"""

import argparse
import json
import time
from datetime import timedelta

from bench import setup_django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--reuse-data", action="store_true", help="purge the data already there")
    options = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.generate import check_scratch_database, generate
    from ill.models import IllRequest
    from ill.services import retention

    check_scratch_database(connection)
    call_command("migrate", verbosity=0)
    result = {"requests": options.requests}
    if not options.reuse_data:
        result["generate_seconds"] = generate(options.requests, shipments=1_000)["seconds"]
    later = timezone.now() + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 1)

    def timed(**kwargs):
        started = time.perf_counter()
        record = retention.purge(now=later, **kwargs)
        seconds = time.perf_counter() - started
        return record, round(seconds, 2), round(record.requests / seconds) if seconds else None

    dry, result["dry_run_seconds"], _rate = timed(dry_run=True)
    record, result["purge_seconds"], result["purge_requests_per_second"] = timed()
    _again, result["next_day_seconds"], _rate = timed()
    result["purged"] = retention.counts_of(record)
    result["dry_run_matches"] = retention.counts_of(dry) == result["purged"]
    result["left_unpurged"] = IllRequest.objects.filter(personal_data_removed_at__isnull=True).count()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
