"""The staff's request list at the database's size: queries and p50/p95 of repeated views, in process.

    DATABASE_URL=… .venv/bin/python -m bench.admin_list --runs 20

Viewed as a member of ILL staff (not a superuser, so the permission queries count). Prints one
JSON line: for each variant, the queries, p50 and p95 in ms, and any SQL that counts without a
limit (a full count of the table).
"""

import json
import re
import statistics
import time

from bench import setup_django

LIST = "/admin/ill/illrequest/"
COUNT = re.compile(r"\bCOUNT\(", re.I)
# Two words of two Hangul syllables each, which no trigram can find (bench.generate's KO_WORDS has both).
KOREAN_WORDS = "고려 역사"


def variants(sample_title):
    words = sample_title.split()[:2]
    return {
        "default": {},
        "status": {"status": "WillSupply"},
        "overdue": {"due": "overdue"},
        "search": {"q": " ".join(words)},
        "korean": {"q": KOREAN_WORDS},
    }


def full_counts(queries):
    """Counting statements with no LIMIT under them: they read every row that matches."""
    return [q["sql"] for q in queries if COUNT.search(q["sql"]) and "LIMIT" not in q["sql"].upper()]


def measure(client, query, runs, *, url=LIST):
    """An admin page (the request list unless `url` says another) timed `runs` times after two to warm up:
    its queries, p50 and p95 in ms, its full counts and its size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        client.get(url, query)
    times, counts, fulls = [], set(), []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, query)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} {query}: {response.status_code}")
        counts.add(len(captured))
        fulls += full_counts(captured.captured_queries)
    times.sort()
    return {
        "queries": max(counts),
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "full_counts": sorted(set(fulls)),
        "bytes": len(response.content),
    }


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from ill.models import IllRequest

    staff = get_user_model().objects.get(username="bench-staff-1")
    client = Client()
    client.force_login(staff)
    rows = IllRequest.objects.count()
    middle = IllRequest.objects.filter(pk=max(1, rows // 2)).values_list("title", flat=True).first()
    title = middle or IllRequest.objects.exclude(title="").values_list("title", flat=True).first()
    result = {"rows": rows, "variants": {}}
    for name, query in variants(title).items():
        result["variants"][name] = {"query": query, **measure(client, query, options.runs)}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
