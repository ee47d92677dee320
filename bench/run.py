"""`make bench`: the portal at a million requests on PostgreSQL and Redis, as one table of figures.

    .venv/bin/python -m bench.run [--requests 1000000] [--only data,public,admin,exports,invoices,chaos,iso18626,fleet]
                                  [--reuse-data]

DATABASE_URL names a scratch database (default postgres://postgres@127.0.0.1:5432/nlk_bench),
created if missing; its name must contain "bench", since the data step empties its tables.
Beside it, <name>_1k and <name>_10k hold the small data sets the admin list is compared with.
CELERY_BROKER_URL (default redis://127.0.0.1:6379/15) is the Redis for the workers and the cache.
Each figure is printed beside its ceiling or baseline measured in the same run.
"""

import argparse
import json
import os
import platform
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import BASE_DIR

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/nlk_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/15"
NLK_AGENCY = "ISIL:KR-SeNL"
SECTIONS = ["data", "public", "admin", "exports", "invoices", "chaos", "iso18626", "fleet"]
SMALL = {"1k": 1_000, "10k": 10_000}
EXPORTS = BASE_DIR / "bench" / "report_exports.py"


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, comma separated")
    parser.add_argument("--reuse-data", action="store_true", help="keep data already generated at this size")
    parser.add_argument("--duration", type=int, default=15, help="seconds per load run")
    parser.add_argument("--admin-runs", type=int, default=20)
    parser.add_argument("--invoice-jobs", type=int, default=1000)
    parser.add_argument("--chaos-jobs", type=int, default=1000, help="invoice jobs under worker kills")
    parser.add_argument("--fleet-jobs", type=int, default=100, help="invoice jobs while the fleet loses a node")
    options = parser.parse_args()
    options.only = [s for s in options.only.split(",") if s]
    unknown = set(options.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return options


def database_url(base, suffix=""):
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def environment(db_url, broker, work_dir):
    """Production settings (DEBUG off, Redis cache), served over plain HTTP on this machine."""
    redis = urlsplit(broker)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        CELERY_BROKER_URL=broker,
        CELERY_TASK_DEFAULT_QUEUE="bench",
        CACHE_URL=urlunsplit(redis._replace(scheme="rediscache")),
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="off",
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / "nlk-bench-static"),
        MEDIA_ROOT=str(Path(work_dir) / "media"),
        # Production settings insist on a server that sends mail and an https address for its links;
        # bench.settings then drops the mail instead (BENCH_EMAIL_URL), and no link is followed.
        EMAIL_URL="smtp://mail.bench.invalid:25",
        BENCH_EMAIL_URL="dummymail://",
        PORTAL_URL="https://portal.bench.invalid",
        ILL_ISO18626_AGENCY=NLK_AGENCY,
        PRIVACY_OFFICER_NAME="Bench privacy officer",
        PRIVACY_OFFICER_CONTACT="privacy@bench.invalid",
        # The admin is timed as a member of staff signed in by password (Django's test client); the
        # second factor production asks of staff is a page of its own, not the pages timed.
        STAFF_TWO_FACTOR_REQUIRED="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def python(env, *args, check=True):
    """Run `python -m …` in the benchmark's environment; its last line of output as JSON."""
    with subprocess.Popen(
        [sys.executable, *args], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout, stderr = process.communicate()
        except KeyboardInterrupt:
            # The section had the same Ctrl-C: it stops the servers and workers it started before it exits.
            try:
                process.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
            raise
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{stderr[-3000:]}")
    lines = stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def ensure_database(url):
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing {name!r}: the benchmark empties its tables, so its name must contain 'bench'.")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def request_rows(env):
    """The generated requests: the form's submissions (the public section) carry a submission key."""
    out = subprocess.run(
        [sys.executable, "-c", "from bench import setup_django; setup_django(); from ill.models import IllRequest;"
         "print(IllRequest.objects.filter(submission_key__isnull=True).count())"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def prepare(env, requests, reuse, generate):
    ensure_database(env["DATABASE_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True)
    if reuse and request_rows(env) == requests:
        return {"reused": True, "requests": requests}
    if not generate:
        raise SystemExit(f"{env['DATABASE_URL']} has no data set of {requests:,} requests: run the data section.")
    return python(env, "-m", "bench.generate", "--requests", str(requests))


def machine():
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    try:
        import redis

        server = redis.Redis.from_url(os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER).info("server")
        redis_version = server["redis_version"]
    except Exception as error:  # noqa: BLE001 - printed as it is
        redis_version = f"unknown ({error})"
    return {
        "uname": " ".join(platform.uname()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "postgresql": postgres,
        "redis": redis_version,
    }


def server_version(env):
    code = ("from bench import setup_django; setup_django(); from django.db import connection;"
            "c = connection.cursor(); c.execute('SHOW server_version'); print(c.fetchone()[0])")
    out = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, value, baseline="", ratio=None, target="", met=None, why=""):
        mark = "" if met is None else ("yes" if met else "no" + (f": {why}" if why else ""))
        self.rows.append([figure, value, baseline, "" if ratio is None else f"{ratio:.2f}", target, mark])

    def print(self):
        header = ["figure", "value", "ceiling / baseline", "ratio", "target", "met"]
        widths = [max(len(str(row[i])) for row in [header, *self.rows]) for i in range(len(header))]
        line = "  ".join("{:<%d}" % w for w in widths)
        print(line.format(*header))
        print(line.format(*("-" * w for w in widths)))
        for row in self.rows:
            print(line.format(*row))


def data_section(table, result):
    if result.get("reused"):
        table.add("data: generated set", f"{result['requests']:,} requests (reused)")
        return
    table.add("data: requests / history / borrowings / institutions / shipments",
              f"{result['requests']:,} / {result['history']:,} / {result['borrowings']:,} / "
              f"{result['institutions']:,} / {result['shipments']:,}")
    table.add("data: generation time", f"{result['seconds']:.0f} s",
              f"load {result['load_seconds']:.0f} s, indexes {result['index_seconds']:.0f} s, "
              f"analyze {result['analyze_seconds']:.0f} s", None, "minutes", result["seconds"] < 600)


def public_section(table, env, duration, work_dir):
    import django

    os.environ.update(env)
    django.setup()
    from bench import public
    from ill.models import Direction, IllRequest
    from ill.status import Status

    # A copy NLK supplied, with its invoice: the page an overseas librarian follows.
    sample = (
        IllRequest.objects.filter(direction=Direction.NLK_SUPPLIES, status=Status.COPY_COMPLETED)
        .order_by("-id")
        .first()
    )
    library_id = sample.requesting_library_id

    def count_marked(prefix):
        from django.db.models import Count

        marked = IllRequest.objects.filter(contact_name__startswith=prefix)
        return marked.aggregate(
            rows=Count("pk"), markers=Count("contact_name", distinct=True), keys=Count("submission_key", distinct=True)
        )

    figures = public.measure(env, duration, sample.tracking_token, library_id, count_marked, work_dir,
                             message=request_messages(library_id))
    # The submissions' acknowledgements wait on the benchmark's queue, where no worker takes them.
    from nlk_portal.celery import app

    app.control.purge()
    ceiling = figures["ceiling_rps"]
    table.add("public: constant view (ceiling)", f"{ceiling:.0f} req/s",
              f"before {figures['ceiling_before']['rps']:.0f}, after {figures['ceiling_after']['rps']:.0f}")
    limits = {
        "quote": "the rate limit's Redis round trip alone exceeds the margin over a constant view",
        "tracking": "three queries and a whole private page, which no shared cache may keep",
    }
    for name, label, target in (("quote", "fee quote", 0.8), ("tracking", "tracking page", 0.5)):
        rps = figures[name]["rps"]
        at70 = figures[f"{name}_at_70"]
        table.add(f"public: {label}", f"{rps:.0f} req/s", f"{ceiling:.0f} req/s", rps / ceiling, f">= {target}",
                  rps / ceiling >= target, limits[name])
        table.add(f"public: {label} p99 at 70% ({at70['rate']:.0f} req/s)",
                  f"{at70['p99_ms']:.1f} ms (p50 {at70['p50_ms']:.1f})", f"achieved {at70['achieved']:.0f} req/s",
                  None, "< 100 ms", at70["p99_ms"] < 100 and not bad_statuses(at70), status_note(at70))
    form = figures["form"]
    table.add("public: form submissions (16 conn.)", f"{form['rps']:.0f} req/s",
              f"p50 {form['p50_ms']:.1f} ms, p99 {form['p99_ms']:.1f} ms")
    stored = form["stored"]
    exact = stored["rows"] == stored["markers"] == stored["keys"] and form["redirected"] <= stored["rows"] <= form["sent"]
    table.add("public: form stored exactly once",
              f"{stored['rows']} stored, {stored['markers']} distinct",
              f"{form['redirected']} answered 302 of {form['sent']} sent", None, "each once", exact,
              "duplicates or losses")
    if "message" in figures:
        message_rows(table, form, figures["message"])
    at70 = figures["form_at_70"]
    stored70 = at70["stored"]
    sent70 = sum(at70["statuses"].values())
    table.add(f"public: form p99 at 70% ({at70['rate']:.0f} req/s)",
              f"{at70['p99_ms']:.1f} ms (p50 {at70['p50_ms']:.1f})",
              f"{stored70['rows']} stored, {stored70['markers']} distinct of {sent70} sent", None, "< 100 ms",
              at70["p99_ms"] < 100 and stored70["rows"] == stored70["markers"] == at70["statuses"].get("302", 0),
              status_note(at70))
    if "message_at_70" in figures:
        message_at_70_row(table, figures["message_at_70"])
    return figures


def message_at_70_row(table, at70, section="public"):
    """Partner systems' request messages at 70% of their flat-out rate: p99, and each confirmed one stored once."""
    stored = at70["stored"]
    table.add(f"{section}: ISO 18626 message p99 at 70% ({at70['rate']:.0f} req/s)",
              f"{at70['p99_ms']:.1f} ms (p50 {at70['p50_ms']:.1f})",
              f"{at70['accepted']} confirmed OK of {at70['sent']} sent, {stored['rows']} stored, "
              f"{stored['markers']} distinct", None, "< 100 ms",
              at70["p99_ms"] < 100 and stored["rows"] == stored["markers"] == at70["accepted"] == at70["sent"],
              "ERROR answers, failures or duplicates" if at70["accepted"] != at70["sent"] else "")


def message_rows(table, form, message, target=1.5, section="public"):
    """The request messages against the form's submissions, measured on the same server in the same run."""
    table.add(f"{section}: ISO 18626 request messages (16 conn.)", f"{message['rps']:.0f} req/s",
              f"p50 {message['p50_ms']:.1f} ms, p99 {message['p99_ms']:.1f} ms")
    # What one accepted request costs the server: the inverse of the rate either way comes in at.
    ratio = form["rps"] / message["rps"] if message["rps"] else float("inf")
    table.add(f"{section}: accepting a request message vs a form submission", f"{1000 / message['rps']:.1f} ms each",
              f"{1000 / form['rps']:.1f} ms per form", ratio, f"<= {target}", ratio <= target,
              "reading and validating the XML, and keeping the message and its transaction beside the request")
    stored = message["stored"]
    # A message wrk sent as its time ran out may be stored without its answer being counted.
    exact = (stored["rows"] == stored["markers"] and message.get("confirmed", -1) <= stored["rows"]
             <= message.get("sent", 0) and not message.get("failed"))
    table.add(f"{section}: request messages stored exactly once", f"{stored['rows']} stored, {stored['markers']} distinct",
              f"{message.get('confirmed', 0)} confirmed OK of {message.get('sent', 0)} sent", None, "each once",
              exact, "duplicates, losses or ERROR answers")


def request_messages(library_id):
    """(make_body, count_messages) for the request messages: a copy like the form's, from a registered peer."""
    from django.db.models import Count

    from bench import iso18626 as bench_iso18626
    from ill.iso18626 import messages as iso
    from ill.iso18626.encode import build_message
    from ill.iso18626.vocabulary import ServiceType
    from ill.models import Iso18626Transaction

    peer = bench_iso18626.bench_peer(library_id)

    def make_body(prefix):
        message = iso.Request(
            header=bench_iso18626.header(peer, f"{prefix}{{n}}"),
            bibliographic_info=iso.BibliographicInfo(title="조선왕조실록 연구", author="김윤식", pages_requested="12-30"),
            service_info=iso.ServiceInfo(service_type=ServiceType.COPY),
            requested_delivery_info=(
                iso.RequestedDeliveryInfo(address=iso.ElectronicAddress(address_type="Email", data="ill@example.org")),
            ),
            requesting_agency_info=iso.RequestingAgencyInfo(contact_name="Bench"),
        )
        return build_message(message).decode()

    def count_messages(prefix):
        marked = Iso18626Transaction.objects.filter(requesting_agency_request_id__startswith=prefix)
        return marked.aggregate(
            rows=Count("pk"), markers=Count("requesting_agency_request_id", distinct=True)
        )

    return make_body, count_messages


def iso18626_section(table, env, runs, duration, work_dir):
    """A request's admin page with many messages against few, and accepting a request message against a form."""
    page = python(env, "-m", "bench.iso18626", "--runs", str(runs))
    few, many = page["few"], page["many"]
    ratio = many["p95_ms"] / few["p95_ms"]
    table.add(f"iso18626: request's admin page, p95 with {many['messages']} messages", f"{many['p95_ms']:.0f} ms",
              f"{few['p95_ms']:.0f} ms with {few['messages']}", ratio, "<= 1.5", ratio <= 1.5,
              "the page grows with the request's messages")
    table.add("iso18626: request's admin page, queries / size",
              f"{many['queries']} / {many['bytes'] // 1024} KiB", f"{few['queries']} / {few['bytes'] // 1024} KiB")
    import django

    os.environ.update(env)
    django.setup()
    from bench import public
    from ill.models import Direction, IllRequest

    library_id = (
        IllRequest.objects.filter(direction=Direction.NLK_SUPPLIES).order_by("-id")
        .values_list("requesting_library_id", flat=True).first()
    )

    def count_marked(prefix):
        from django.db.models import Count

        marked = IllRequest.objects.filter(contact_name__startswith=prefix)
        return marked.aggregate(
            rows=Count("pk"), markers=Count("contact_name", distinct=True), keys=Count("submission_key", distinct=True)
        )

    figures = public.measure_messages(env, duration, library_id, count_marked, work_dir,
                                      request_messages(library_id))
    from nlk_portal.celery import app

    app.control.purge()
    form = figures["form"]
    table.add("iso18626: form submissions (16 conn.)", f"{form['rps']:.0f} req/s",
              f"p50 {form['p50_ms']:.1f} ms, p99 {form['p99_ms']:.1f} ms")
    message_rows(table, form, figures["message"], target=1.0, section="iso18626")
    return {"page": page, **figures}


def bad_statuses(result):
    return {status: n for status, n in result["statuses"].items() if int(status) >= 400}


def status_note(result):
    bad = bad_statuses(result)
    return f"errors {bad}" if bad else ""


def admin_section(table, sizes):
    large = sizes["1m"]
    for name, variant in large["variants"].items():
        small, medium = sizes["1k"]["variants"][name], sizes["10k"]["variants"][name]
        label = {"default": "default (open)", "status": "status WillSupply", "overdue": "overdue",
                 "search": f"search {variant['query'].get('q', '')!r}",
                 "korean": f"Korean two-word search {variant['query'].get('q', '')!r}"}[name]
        table.add(f"admin: {label}, median at {large['rows']:,}", f"{variant['p50_ms']:.0f} ms",
                  f"{small['p50_ms']:.0f} ms at {sizes['1k']['rows']:,}", variant["p50_ms"] / small["p50_ms"])
        ratio = variant["p95_ms"] / medium["p95_ms"]
        table.add(f"admin: {label}, p95 at {large['rows']:,}", f"{variant['p95_ms']:.0f} ms",
                  f"{medium['p95_ms']:.0f} ms at {sizes['10k']['rows']:,}", ratio, "<= 1.5", ratio <= 1.5,
                  "the time grows with the table: see the query's plan (docs/performance.md)")
        full = variant["full_counts"]
        table.add(f"admin: {label}, queries", str(variant["queries"]),
                  f"{small['queries']} at {sizes['1k']['rows']:,}", None, "<= 8, no full COUNT(*)",
                  variant["queries"] <= 8 and not full, f"full count: {full[0][:60]}" if full else "over 8")


def exports_section(table, env, total):
    if not EXPORTS.exists():
        table.add("exports: ILL requests CSV", "not available yet", "", None, ">= 50,000 rows/s; memory flat", None)
        return None
    runs = {}
    for limit in (100_000, total):
        runs[limit] = python(env, "-m", "bench.report_exports", "--limit", str(limit), "--json")
    small, large = runs[100_000], runs[total]
    for run in (small, large):
        table.add(f"exports: CSV of {run['rows']:,} requests", f"{run['rows_per_second']:,.0f} rows/s",
                  f"{run['seconds']:.1f} s", None, ">= 50,000 rows/s", run["rows_per_second"] >= 50_000,
                  "one Python process formats the CSV while PostgreSQL shares its cores")
    growth = large["peak_rss_growth_mib"] / max(small["peak_rss_growth_mib"], 0.1)
    table.add(f"exports: peak memory growth at {large['rows']:,}", f"{large['peak_rss_growth_mib']:.1f} MiB",
              f"{small['peak_rss_growth_mib']:.1f} MiB at {small['rows']:,}", growth, "<= 1.2", growth <= 1.2,
              "memory grows with the rows")
    return runs


def invoices_section(table, result):
    one_line = result["one_line_ms"]
    en, ko = result["invoice_en_ms"], result["invoice_ko_ms"]
    table.add("invoices: PDF, English", f"{en:.0f} ms", f"{one_line:.0f} ms one-line document", en / one_line,
              "<= 2", en / one_line <= 2, "WeasyPrint's styling and layout of a full A4 page of about 150 boxes")
    table.add("invoices: PDF, Korean", f"{ko:.0f} ms", f"{en:.0f} ms English", ko / en, "<= 1.5", ko / en <= 1.5,
              "subsetting the Hangul font for the document's syllables")
    workers = result.get("workers")
    if workers:
        rate = workers["rendered"] / workers["seconds"]
        table.add(f"invoices: {workers['jobs']:,} through 2 Celery workers", f"{rate:.1f} invoices/s",
                  f"{workers['seconds']:.0f} s")
        exact = workers["invoices"] == workers["distinct_numbers"] == workers["distinct_requests"] == workers["jobs"]
        table.add("invoices: distinct invoices issued",
                  f"{workers['invoices']:,} ({workers['distinct_numbers']:,} numbers)",
                  f"{workers['rendered']:,} with their PDF", None, f"{workers['jobs']:,}", exact, "missing or doubled")


def chaos_section(table, result, calm=None):
    jobs, invoices = result["jobs"], result["invoices"]
    rate = invoices / result["seconds"]
    table.add(f"chaos: {jobs:,} invoice jobs, worker SIGKILLed every {result['kill_every']:g} s",
              f"{rate:.2f} invoices/s", f"{result['seconds']:.0f} s",
              rate / (calm["rendered"] / calm["seconds"]) if calm else None)
    table.add("chaos: kills made", str(result["kills"]),
              f"restarted each time; {result['concurrency']} pool processes, "
              f"visibility timeout {result['visibility_timeout']} s")
    table.add("chaos: tasks killed part-way and run again", f"{result['tasks_run_again']:,}")
    table.add("chaos: tasks the broker lost to a kill", f"{result['handed_over_again']:,}",
              "handed over again from the outbox")
    table.add("chaos: invoices made", f"{invoices:,}", "", None, f"{jobs:,}", invoices == jobs, "lost")
    duplicates, pdfs = result["duplicates"], result["pdfs"]
    table.add("chaos: duplicate invoices", str(duplicates), "", None, "0", duplicates == 0)
    table.add("chaos: PDFs present", f"{pdfs:,}", "", None, f"{jobs:,}", pdfs == jobs)
    if result["invoice_emails"] is not None:
        table.add("chaos: invoice emails", f"{result['invoice_emails']:,} for {invoices:,} invoices",
                  f"{result['emails_sent_twice']:,} sent twice (killed between sending and recording)")
    problems = result["problems"]
    table.add("chaos: none lost, no duplicate invoice", "yes" if not problems else f"{len(problems)} problem(s)",
              "", None, "none lost, none twice", not problems, "; ".join(problems)[:100])


def fleet_section(table, result):
    from bench.fleet import table_rows

    for each in table_rows(result):
        table.add(each["figure"], each["value"], each["baseline"], each["ratio"], each["target"], each["met"],
                  each["why"])


def main():
    options = parse()
    started = time.perf_counter()
    base_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    broker = os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER
    work_dir = tempfile.mkdtemp(prefix="nlk-bench-")
    env = environment(base_url, broker, work_dir)
    table = Table()
    figures = {}

    data = prepare(env, options.requests, options.reuse_data, "data" in options.only)
    if "data" in options.only:
        data_section(table, data)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
                   check=True)
    if "admin" in options.only:
        sizes = {"1m": python(env, "-m", "bench.admin_list", "--runs", str(options.admin_runs))}
        for suffix, rows in SMALL.items():
            small_env = {**env, "DATABASE_URL": database_url(base_url, f"_{suffix}")}
            prepare(small_env, rows, True, True)
            sizes[suffix] = python(small_env, "-m", "bench.admin_list", "--runs", str(options.admin_runs))
        figures["admin"] = sizes
        admin_section(table, sizes)
    if "exports" in options.only:
        figures["exports"] = exports_section(table, env, options.requests)
    if "invoices" in options.only:
        result = python(env, "-m", "bench.invoices", "--jobs", str(options.invoice_jobs), "--log-dir", work_dir)
        figures["invoices"] = result
        invoices_section(table, result)
    if "chaos" in options.only:
        result = python(env, "-m", "bench.chaos", "--jobs", str(options.chaos_jobs), "--log-dir", work_dir)
        figures["chaos"] = result
        chaos_section(table, result, (figures.get("invoices") or {}).get("workers"))
    if "public" in options.only:
        figures["public"] = public_section(table, env, options.duration, work_dir)
    if "iso18626" in options.only:
        figures["iso18626"] = iso18626_section(table, env, options.admin_runs, options.duration, work_dir)
    if "fleet" in options.only:
        result = python(env, "-m", "bench.fleet", "--duration", str(options.duration), "--invoice-jobs",
                        str(options.fleet_jobs), "--log-dir", work_dir)
        figures["fleet"] = result
        fleet_section(table, result)

    about = machine()
    about["postgresql"] = f"PostgreSQL {server_version(env)} ({about['postgresql']})"
    print()
    print("command:  " + " ".join(shlex.quote(arg) for arg in [Path(sys.executable).name, "-m", "bench.run", *sys.argv[1:]]))
    print(f"machine:  {about['uname']}")
    print(f"cpu:      {about['cpu']}, {about['cores']} cores; load average {about['load']}")
    print(f"servers:  {about['postgresql']}; Redis {about['redis']}")
    print(f"database: {urlsplit(base_url).path.lstrip('/')} ({options.requests:,} requests); "
          f"took {time.perf_counter() - started:.0f} s; logs in {work_dir}")
    print()
    table.print()
    Path(work_dir, "figures.json").write_text(json.dumps({"data": data, **figures}, indent=1, default=str))


if __name__ == "__main__":
    main()
