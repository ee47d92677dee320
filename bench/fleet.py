"""The portal as a fleet: two web nodes behind HAProxy, two Celery workers and one beat, a node and a
worker SIGKILLed under load.

    DATABASE_URL=… CELERY_BROKER_URL=… .venv/bin/python -m bench.fleet [--duration 15] [--invoice-jobs 100]

runs it alone on a data set the `data` section generated, and prints one JSON line; `make bench
BENCH_ARGS="--only fleet"` prints its table (table_rows). Everything runs on this machine, each
process in a session of its own so that a kill takes a node or a worker with all its children, as a
crashed machine would:

- two gunicorn nodes (bench.public's gthread settings), node 1 on core 0 and node 2 on core 1, as if
  each were a machine of one core; the proxy, PostgreSQL, Redis, the workers and the load share both;
- HAProxy (haproxy_config) in front of them, with active health checks on /healthz, run in the
  foreground with a configuration written to the run's folder and its admin socket beside it;
- two `celery worker --concurrency 1` (bench.workers) and one `celery beat` with the portal's
  scheduler (nlk_portal.outbox.beat), its outbox sweep every OUTBOX_SWEEP_SECONDS (5 s here).

Through the proxy, in this order: the constant page, the form's submissions and ISO 18626 request
messages flat out (wrk, bench.public) with both nodes, then the page and the form with node 2 in
maintenance (the proxy sends it nothing); the form and the messages open loop (bench.load) at 70% of
the rates reached; then both open loop together at a quarter of those rates each while node 2 is
SIGKILLed, found down by the proxy and started again, and worker 1 is SIGKILLed and started again,
with invoice jobs (bench.chaos.make_jobs) for the workers meanwhile. Last, the outbox is waited on
until every row written during the run has run, and everything the load was answered is looked up in
the database.
"""

import argparse
import csv
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

from bench import BASE_DIR, setup_django
from bench.public import (
    FORM_LUA,
    GUNICORN,
    Server,
    csrf_pair,
    form_body,
    free_port,
    message_stream,
    post_flat_out,
    post_messages,
    wrk,
)

# Node n runs on core NODE_CORES[n - 1].
NODE_CORES = ("0", "1")
# The proxy's health checks: every CHECK_INTER_MS, every CHECK_FAST_MS once one has failed, a node down
# after FALL failures in a row and up again after RISE successes. A check waits CHECK_TIMEOUT_MS for its
# answer: a node that is busy (flat out, its threads all taken) answers /healthz after the requests ahead
# of it, and with a second's wait both nodes were taken out under full load, leaving the proxy none. A
# node that is gone refuses the connection at once, whatever the wait.
CHECK_INTER_MS, CHECK_FAST_MS, CHECK_TIMEOUT_MS, FALL, RISE = 1000, 250, 5000, 2, 2
# Requests the proxy may send again, to the other node, after one that closed the connection without
# answering: the node may have done the work, so only those the portal recognises when they come twice.
# Reads; the request form, whose submission key gives back the request it made (ill.services.submission);
# and ISO 18626 messages, whose requestingAgencyRequestId does the same for a request, and any message
# sent again is acted on once (ill.services.peer_messages.record_incoming).
REPLAY_SAFE_PATHS = ("/ill/request/", "/iso18626/")
# How long the killed node stays down once the proxy has found it so, and the load goes on at the end.
DOWN_FOR, SETTLE = 5.0, 5.0
# Seconds between two looks at what the broker holds while the outbox drains (bench.chaos.lost_tasks).
LOOK_EVERY = 10
UNFINISHED = ["pending", "queued", "running", "retrying"]
# A request of the load counts as failed when it is not answered as accepted: the form with its redirect
# to the submitted page (form_stream), a message with a confirmation whose messageStatus is OK
# (bench.public.message_stream).
FORM = "application/x-www-form-urlencoded"


def haproxy_config(port, nodes, admin_socket, *, retries=3):
    """HAProxy's configuration: the portal on 127.0.0.1:`port`, balanced over `nodes` ((name, port), …).

    A request is sent again, to another node (redispatch on every retry), when its node could not be
    connected to (conn-failure: nothing reached it), and, for the requests REPLAY_SAFE_PATHS names and
    reads, when the node closed the connection without a word (empty-response: a node killed while
    working, which may have committed). An answer, whatever its status, and a node that is too slow are
    never retried: the request did reach a node that was working on it. Each request is logged (parse_log)
    as `<connection's accept time> <handshake ms> <idle ms before the request> <method> <path> <status>
    <retries, + when sent to another node> <termination> <node> <ms from the request to its answer>`.
    """
    servers = "\n".join(f"    server {name} 127.0.0.1:{node_port} check" for name, node_port in nodes)
    safe = " ".join(REPLAY_SAFE_PATHS)
    return f"""# Written by bench/fleet.py for one run; HAProxy runs in the foreground as the benchmark's child.
global
    maxconn 4096
    stats socket {admin_socket} mode 600 level admin
    log stdout format raw local0

defaults
    mode http
    log global
    log-format "%Ts.%ms %Th %Ti %HM %HP %ST %rc %tsc %s %Ta"
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout queue 30s
    timeout check {CHECK_TIMEOUT_MS}ms

frontend portal
    bind 127.0.0.1:{port}
    default_backend web

backend web
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter {CHECK_INTER_MS}ms fastinter {CHECK_FAST_MS}ms downinter {CHECK_INTER_MS}ms fall {FALL} rise {RISE}
    retries {retries}
    option redispatch 1
    retry-on conn-failure empty-response
    acl read_only method GET HEAD
    acl replay_safe path {safe}
    http-request disable-l7-retry unless read_only || replay_safe
{servers}
"""


def parse_log(text, offset=0.0):
    """The requests in HAProxy's log (haproxy_config's format), each a dict with when it came (`at`) and
    was answered (`done`), plus `offset` (time.monotonic() - time.time() gives times on the monotonic
    clock). The log's time is when the connection was accepted: a request on a kept-alive connection
    came after the handshake and the idle time. Other lines (a node found down, warnings) are left out."""
    requests = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) != 10:
            continue
        try:
            accepted = float(fields[0])
            handshake_ms, idle_ms, status, total_ms = int(fields[1]), int(fields[2]), int(fields[5]), int(fields[9])
        except ValueError:
            continue
        retries = fields[6]
        at = accepted + offset + (max(handshake_ms, 0) + max(idle_ms, 0)) / 1000
        requests.append({
            "at": at, "done": at + max(total_ms, 0) / 1000, "method": fields[3], "path": fields[4],
            "status": status, "retries": int(retries.lstrip("+")), "redispatched": retries.startswith("+"),
            "termination": fields[7], "server": fields[8], "ms": total_ms,
        })
    return requests


def windows(events):
    """[(name, start, end)] of the outage run: before the kill, from the kill until the proxy found the
    node down, and after that until the end."""
    return [
        ("before the kill", events["load_start"], events["node_killed"]),
        ("kill to marked down", events["node_killed"], events["node_down"]),
        ("after marked down", events["node_down"], float("inf")),
    ]


def split_failures(records, events):
    """The requests the client was not answered as accepted, counted by when the client heard so (the
    load's records, bench.load.RECORD_FIELDS), in each of windows(events); with how many it sent there."""
    result = {name: {"sent": 0, "failed": 0, "errors": {}} for name, _, _ in windows(events)}
    for record in records:
        _, _, _, sent, done, status, accepted, error = record
        for name, start, end in windows(events):
            if start <= done < end:
                result[name]["failed"] += not accepted
                if not accepted:
                    what = error or str(status)
                    result[name]["errors"][what] = result[name]["errors"].get(what, 0) + 1
            if start <= sent < end:
                result[name]["sent"] += 1
    return result


def split_retries(requests, events):
    """The proxy's requests sent again to another node, by when they were answered, in each of
    windows(events), by path."""
    result = {name: {} for name, _, _ in windows(events)}
    for request in requests:
        if not request["retries"]:
            continue
        for name, start, end in windows(events):
            if start <= request["done"] < end:
                result[name][request["path"]] = result[name].get(request["path"], 0) + 1
    return result


def stop_group(process, timeout=15):
    """SIGTERM to `process`'s session (it was started in one of its own), SIGKILL if still there after `timeout`."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass


class Node(Server):
    """A web node: bench.public's gunicorn on a port and a core of its own, in a session of its own."""

    def __init__(self, name, env, log_path, core):
        super().__init__(env, log_path, core)
        self.name = name

    def kill(self):
        """SIGKILL the node's master and workers at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self):
        if self.process is not None:
            stop_group(self.process, timeout=30)
            self.log.close()


class Proxy:
    """HAProxy in the foreground with haproxy_config, its admin socket and log in `work`."""

    def __init__(self, work, nodes):
        self.work, self.nodes, self.port = Path(work), nodes, free_port()
        self.socket_path = self.work / "haproxy.sock"
        self.config_path = self.work / "haproxy.cfg"
        self.log_path = self.work / "haproxy.log"
        self.process = self.log = None
        self.changes = []  # (time.monotonic(), node, status), as the watcher saw them
        self.watching = threading.Event()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.config_path.write_text(
            haproxy_config(self.port, [(node.name, node.port) for node in self.nodes], self.socket_path)
        )
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            ["haproxy", "-db", "-f", str(self.config_path)], cwd=self.work, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        for node in self.nodes:
            self.wait_for(node.name, lambda status: status == "UP", timeout=30)

    def command(self, text):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as admin:
            admin.settimeout(5)
            admin.connect(str(self.socket_path))
            admin.sendall(text.encode() + b"\n")
            chunks = []
            while chunk := admin.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def statuses(self):
        """Each node's status as the proxy has it: UP, DOWN, MAINT, or on the way ("UP 1/2", "DOWN 1/2")."""
        rows = csv.DictReader(io.StringIO(self.command("show stat").lstrip("# ")))
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "web" and row["svname"] in
                {node.name for node in self.nodes}}

    def wait_for(self, name, test, timeout=60):
        """The time (monotonic) at which the node's status passed `test`, looked at every 20 ms."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"haproxy exited: see {self.log_path}")
            try:
                if test(self.statuses().get(name, "")):
                    return time.monotonic()
            except OSError:  # the socket is not there yet
                pass
            time.sleep(0.02)
        raise RuntimeError(f"{name} did not change as awaited within {timeout} s: see {self.log_path}")

    def set_state(self, name, state):
        """"maint" (the proxy sends the node nothing) or "ready"."""
        self.command(f"set server web/{name} state {state}")

    def watch(self):
        """Record every change of the nodes' statuses, every 20 ms, until unwatch()."""
        self.watching.set()

        def loop():
            last = {}
            while self.watching.is_set():
                try:
                    now = self.statuses()
                except OSError:
                    now = {}
                stamp = time.monotonic()
                for name, status in now.items():
                    if last.get(name) != status:
                        self.changes.append((stamp, name, status))
                last = now or last
                time.sleep(0.02)

        self.watcher = threading.Thread(target=loop, daemon=True)
        self.watcher.start()

    def unwatch(self):
        self.watching.clear()
        self.watcher.join()

    def requests(self):
        return parse_log(self.log_path.read_text(errors="replace"), offset=time.monotonic() - time.time())

    def stop(self):
        stop_group(self.process)
        if self.log is not None:
            self.log.close()


class Beat:
    """`celery beat` with the portal's settings (its OncePerPeriodScheduler), in a session of its own."""

    def __init__(self, work):
        self.work, self.process, self.log = Path(work), None, None
        self.log_path = self.work / "beat.log"

    def start(self):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "nlk_portal", "beat", "--loglevel", "INFO",
             "--schedule", str(self.work / "celerybeat-schedule"), "--pidfile", str(self.work / "beat.pid")],
            cwd=BASE_DIR, env=dict(os.environ), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def stop(self):
        stop_group(self.process)
        if self.log is not None:
            self.log.close()


class Fleet:
    """The two nodes, the proxy, the two workers and beat, started together and stopped together,
    whatever happens in between (an exception, Ctrl-C)."""

    def __init__(self, work, queue):
        from bench.workers import Worker

        env = dict(os.environ)
        self.nodes = [
            Node(f"node{n}", env, Path(work) / f"gunicorn-node{n}.log", core if (os.cpu_count() or 1) > 1 else None)
            for n, core in enumerate(NODE_CORES, start=1)
        ]
        self.proxy = Proxy(work, self.nodes)
        (Path(work) / "mail").mkdir(exist_ok=True)
        self.workers = [
            Worker(queue, Path(work) / f"worker-{n}.log", name=f"{queue}-{n}", maildir=Path(work) / "mail")
            for n in (1, 2)
        ]
        self.beat = Beat(work)

    def __enter__(self):
        try:
            for node in self.nodes:
                node.start()
            self.proxy.start()
            for worker in self.workers:
                worker.start()
            self.beat.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        for part in [self.beat, *self.workers, self.proxy, *self.nodes]:
            try:
                part.stop(timeout=10) if part in self.workers else part.stop()
            except Exception as error:  # noqa: BLE001 - the others are stopped all the same
                print(f"could not stop {part}: {error}", file=sys.stderr)


def count_forms(prefix):
    """The form's stored submissions whose contact name starts with the run's `prefix`: rows, markers, keys."""
    from django.db.models import Count

    from ill.models import IllRequest

    marked = IllRequest.objects.filter(contact_name__startswith=prefix)
    return marked.aggregate(
        rows=Count("pk"), markers=Count("contact_name", distinct=True), keys=Count("submission_key", distinct=True)
    )


def stored_indexes(prefix, kind):
    """The load's request numbers stored with `prefix`: each once in a list, twice if stored twice."""
    from ill.models import IllRequest, Iso18626Transaction

    if kind == "form":
        values = IllRequest.objects.filter(contact_name__startswith=prefix).values_list("contact_name", flat=True)
    else:
        values = Iso18626Transaction.objects.filter(requesting_agency_request_id__startswith=prefix).values_list(
            "requesting_agency_request_id", flat=True
        )
    return [int(value[len(prefix):]) for value in values]


def message_resends(prefix):
    """How often the run's request messages came again (the proxy sent one again), as the endpoint counted."""
    from django.db.models import Sum

    from ill.models import Iso18626Message

    rows = Iso18626Message.objects.filter(
        incoming=True, request__iso18626__requesting_agency_request_id__startswith=prefix
    )
    return rows.aggregate(resends=Sum("resends"))["resends"] or 0


def exactly_once(records, stream, prefix, kind):
    """What the load was answered against what is stored: the accepted ones missing, those stored twice,
    and those stored whose answer the client did not get as accepted."""
    accepted = {record[1] for record in records if record[0] == stream and record[6]}
    stored = stored_indexes(prefix, kind)
    distinct = set(stored)
    return {
        "sent": sum(1 for record in records if record[0] == stream),
        "accepted": len(accepted),
        "stored": len(stored),
        "missing": len(accepted - distinct),
        "twice": len(stored) - len(distinct),
        "stored_not_accepted": len(distinct - accepted),
    }


def open_loop(proxy, streams, duration, records_path):
    """bench.load's open-loop streams through the proxy for `duration` seconds, in a process of its own;
    (process, wait), where wait() returns the summary, the records and the load's start, and
    wait(stop=True) stops the load first (SIGUSR1: no new requests, those under way answered)."""
    spec = Path(records_path).with_suffix(".spec.json")
    spec.write_text(json.dumps({"host": "127.0.0.1", "streams": streams}, ensure_ascii=False))
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.load", "--port", str(proxy.port), "--streams", str(spec),
         "--records", str(records_path), "--duration", str(duration)],
        cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )

    def wait(stop=False):
        if stop:
            process.send_signal(signal.SIGUSR1)
        out, err = process.communicate(timeout=duration + 120)
        if process.returncode != 0:
            raise RuntimeError(f"bench.load failed:\n{err[-3000:]}")
        data = json.loads(Path(records_path).read_text())
        return json.loads(out.strip().splitlines()[-1]), data["records"], data["start"]

    return process, wait


def form_stream(token, cookie, library_id, prefix, rate, connections=16):
    return {
        "name": "form", "rate": rate, "path": "/ill/request/", "connections": connections,
        "headers": {"Cookie": cookie, "Content-Type": FORM}, "body": form_body(token, library_id, prefix),
        "accept_status": 302,
    }


def run_prefix():
    # form_body takes the submission keys' first part from the prefix's second.
    return f"fleet-{secrets.token_hex(4)}-"


def drain(since, timeout):
    """Wait until every outbox row written since `since` has run (done or failed for good), handing over
    again the rows the broker lost to a kill (bench.chaos.broker_task_ids); what is left and how long it took.

    Rows waiting for the broker (pending) are left to beat's sweep, as in production."""
    from django.db.models import Count
    from django.utils import timezone

    from bench.chaos import broker_task_ids
    from nlk_portal.outbox import dispatch
    from nlk_portal.outbox.models import OutboxEntry

    started = time.monotonic()
    suspects, handed_again, next_look = set(), 0, time.monotonic() + LOOK_EVERY
    while True:
        rows = OutboxEntry.objects.filter(created_at__gte=since)
        states = dict(rows.values_list("state").annotate(n=Count("pk")).order_by())
        if not any(states.get(state) for state in UNFINISHED) or time.monotonic() - started > timeout:
            break
        if time.monotonic() >= next_look:
            # Missing from the broker at two looks in a row: lost, not just passing from queue to worker.
            recent = timezone.now() - timedelta(seconds=LOOK_EVERY)
            held = broker_task_ids()
            missing = [row for row in rows.filter(state__in=UNFINISHED[1:], updated_at__lt=recent)
                       if str(row.task_id) not in held]
            again = [row for row in missing if row.pk in suspects]
            handed_again += dispatch.run_again(again)
            suspects = {row.pk for row in missing} - {row.pk for row in again}
            next_look = time.monotonic() + LOOK_EVERY
        time.sleep(0.5)
    rows = OutboxEntry.objects.filter(created_at__gte=since)
    return {
        "seconds": time.monotonic() - started,
        "states": dict(rows.values_list("state").annotate(n=Count("pk")).order_by()),
        "run_again": rows.filter(attempts__gt=1).count(),
        "handed_over_again": handed_again,
        "late_hand_overs": sum(
            1 for created, handed in rows.exclude(handed_over_at=None).values_list("created_at", "handed_over_at")
            if (handed - created).total_seconds() > 2
        ),
    }


def capacity(proxy, nodes, duration, form, message):
    """Flat out through the proxy: the constant page, the form and the messages with both nodes, then the
    page and the form with the last node in maintenance."""
    url = proxy.url
    # Each node renders the form page once (its templates, the libraries' list), then the proxy warms up.
    # The form page is not loaded flat out: with the directory's 5,000 libraries in its list it takes
    # seconds under 16 connections, and wrk leaves the nodes working through what it gave up on.
    for node in nodes:
        with urllib.request.urlopen(node.url + "/ill/request/", timeout=60) as reply:
            reply.read()
    wrk(url + "/bench/constant/", 2, core=None)
    figures = {"two": {"constant": wrk(url + "/bench/constant/", duration, core=None)}}
    figures["two"]["form"] = form(duration)
    figures["two"]["message"] = message(duration)
    last = nodes[-1].name
    proxy.set_state(last, "maint")
    proxy.wait_for(last, lambda status: status == "MAINT")
    try:
        figures["one"] = {"constant": wrk(url + "/bench/constant/", duration, core=None), "form": form(duration)}
    finally:
        proxy.set_state(last, "ready")
        proxy.wait_for(last, lambda status: status == "UP")
    return figures


def outage(fleet, work, duration_cap, form_rate, message_rate, make_streams, invoice_jobs):
    """The open-loop load while node 2 and worker 1 are SIGKILLed and started again; the times of it all."""
    from django.utils import timezone

    from bench.chaos import make_jobs

    proxy, node, worker = fleet.proxy, fleet.nodes[-1], fleet.workers[0]
    events = {}
    proxy.watch()
    process, wait = open_loop(proxy, make_streams(form_rate, message_rate), duration_cap, Path(work) / "outage.json")
    try:
        events["load_start"] = time.monotonic()
        jobs_since = timezone.now()
        ids = make_jobs(invoice_jobs) if invoice_jobs else []
        events["jobs_made"] = time.monotonic()
        time.sleep(max(0.0, events["load_start"] + 5 - time.monotonic()))
        events["node_killed"] = time.monotonic()
        node.kill()
        events["node_down"] = proxy.wait_for(node.name, lambda status: status.startswith("DOWN"), timeout=60)
        # The worker is killed while the node is down, as the invoice jobs are being worked through.
        events["worker_killed"] = time.monotonic()
        worker.kill()
        time.sleep(1)
        worker.start()
        events["worker_answering"] = time.monotonic()
        time.sleep(max(0.0, events["node_down"] + DOWN_FOR - time.monotonic()))
        events["node_restarted"] = time.monotonic()
        node.start()
        events["node_answering"] = time.monotonic()
        events["node_up"] = proxy.wait_for(node.name, lambda status: status == "UP", timeout=60)
        time.sleep(SETTLE)
        events["load_stopped"] = time.monotonic()
        summary, records, start = wait(stop=True)
    except BaseException:
        process.kill()
        raise
    finally:
        proxy.unwatch()
    events["load_end"] = max((record[4] for record in records), default=time.monotonic())
    return events, summary, records, ids, jobs_since


def measure(work, duration, invoice_jobs, outage_share, drain_timeout):
    """Every figure of the fleet; see the module's docstring for the order."""
    from django.utils import timezone

    from bench.chaos import Outcome, check
    from bench.run import request_messages
    from ill.models import Direction, IllRequest, Invoice
    from nlk_portal.outbox.models import ScheduledRun

    library_id = (
        IllRequest.objects.filter(direction=Direction.NLK_SUPPLIES, submission_key__isnull=True).order_by("-id")
        .values_list("requesting_library_id", flat=True).first()
    )
    if library_id is None:
        raise SystemExit("No generated requests in this database: run the data section first.")
    make_body, count_messages = request_messages(library_id)
    since = timezone.now()
    figures = {"gunicorn": " ".join(GUNICORN),
               "checks": {"inter_ms": CHECK_INTER_MS, "fastinter_ms": CHECK_FAST_MS, "timeout_ms": CHECK_TIMEOUT_MS,
                          "fall": FALL, "rise": RISE}}
    with Fleet(work, os.environ["CELERY_TASK_DEFAULT_QUEUE"]) as fleet:
        proxy = fleet.proxy
        figures["node_cores"] = [node.core for node in fleet.nodes]
        cookie, token = csrf_pair(proxy.url)
        headers = {"Content-Type": FORM, "Cookie": cookie}

        def form(seconds):
            prefix = run_prefix()
            result = post_flat_out(proxy.url, "/ill/request/", form_body(token, library_id, prefix), headers,
                                   FORM_LUA, seconds, core=None)
            result["stored"] = count_forms(prefix)
            return result

        def message(seconds):
            return post_messages(proxy.url, seconds, make_body, count_messages, core=None)

        figures["capacity"] = capacity(proxy, fleet.nodes, duration, form, message)
        figures["drain_after_capacity"] = drain(since, drain_timeout)

        two = figures["capacity"]["two"]
        form_full, message_full = two["form"]["rps"], two["message"]["rps"]
        at70 = {}
        for kind, full in (("form", form_full), ("message", message_full)):
            prefix = run_prefix()
            stream = (form_stream(token, cookie, library_id, prefix, 0.7 * full) if kind == "form"
                      else message_stream(make_body, prefix, 0.7 * full))
            _, wait = open_loop(proxy, [stream], duration, Path(work) / f"{kind}-at-70.json")
            summary, records, _ = wait()
            at70[kind] = {**summary[kind], "once": exactly_once(records, 0, prefix, kind)}
        figures["at_70"] = at70

        prefixes = {"form": run_prefix(), "message": run_prefix()}

        def streams(form_rate, message_rate):
            return [form_stream(token, cookie, library_id, prefixes["form"], form_rate, connections=32),
                    message_stream(make_body, prefixes["message"], message_rate, connections=32)]

        rates = {"form": outage_share * form_full, "message": outage_share * message_full}
        events, summary, records, ids, jobs_since = outage(
            fleet, work, 600, rates["form"], rates["message"], streams, invoice_jobs
        )
        load_ended = time.monotonic()
        requests = proxy.requests()
        served_after = sum(1 for request in requests
                           if request["server"] == fleet.nodes[-1].name and request["at"] >= events["node_up"])
        figures["outage"] = {
            "rates": rates, "summary": summary, "events": relative(events),
            "status_changes": [(round(stamp - events["load_start"], 3), name, status)
                               for stamp, name, status in proxy.changes],
            "failures": split_failures(records, events),
            "retries": split_retries(requests, events),
            "node_served_after_rejoining": served_after,
            "form": exactly_once(records, 0, prefixes["form"], "form"),
            "message": {**exactly_once(records, 1, prefixes["message"], "message"),
                        "resends": message_resends(prefixes["message"])},
        }
        figures["drain"] = drain(since, drain_timeout)
        figures["drain"]["after_load_seconds"] = time.monotonic() - load_ended
        outcome = Outcome(jobs=len(ids), kills=1, seconds=time.monotonic() - events["load_start"])
        check(outcome, ids, jobs_since, fleet.workers[0])
        invoices = Invoice.objects.filter(request_id__in=ids)
        figures["invoices"] = {
            "jobs": len(ids), "invoices": invoices.count(),
            "numbers": invoices.values("number").distinct().count(),
            "requests": invoices.values("request").distinct().count(),
            "duplicates": outcome.duplicates, "pdfs": outcome.pdfs, "problems": outcome.problems,
            "tasks_run_again": outcome.tasks_run_again, "emails_sent_twice": outcome.emails_sent_twice,
        }
        figures["beat"] = {
            "sweeps": ScheduledRun.objects.filter(entry="outbox-sweep", claimed_at__gte=since).count(),
            "seconds": (timezone.now() - since).total_seconds(),
            "every": float(os.environ["OUTBOX_SWEEP_SECONDS"]),
        }
    return figures


def relative(events):
    start = events["load_start"]
    return {name: round(stamp - start, 3) for name, stamp in events.items()}


def row(figure, value, baseline="", ratio=None, target="", met=None, why=""):
    return {"figure": f"fleet: {figure}", "value": value, "baseline": baseline, "ratio": ratio,
            "target": target, "met": met, "why": why}


def table_rows(figures):
    """The fleet's figures as rows of bench.run's Table (keyword arguments of Table.add)."""
    rows = []
    two, one = figures["capacity"]["two"], figures["capacity"]["one"]
    cores = figures["node_cores"]
    rows.append(row("web nodes / workers / beat",
                    f"2 gunicorn ({figures['gunicorn']}) "
                    + (f"on cores {', '.join(cores)}" if all(cores) else "left to the scheduler"),
                    "HAProxy; 2 Celery workers (concurrency 1); 1 beat"))
    for name, label in (("constant", "constant page"), ("form", "form submissions")):
        rps2, rps1 = two[name]["rps"], one[name]["rps"]
        rows.append(row(f"{label}, 2 nodes against 1 (16 conn.)", f"{rps2:.0f} req/s", f"{rps1:.0f} req/s with 1",
                        rps2 / rps1 if rps1 else None))
    rows.append(row("ISO 18626 request messages, 2 nodes (16 conn.)", f"{two['message']['rps']:.0f} req/s",
                    f"p50 {two['message']['p50_ms']:.1f} ms, p99 {two['message']['p99_ms']:.1f} ms"))
    flat = [(two["form"], "form"), (one["form"], "form"), (two["message"], "message")]
    exact = all(stored_once(result, kind) for result, kind in flat)
    rows.append(row("flat-out runs stored exactly once",
                    ", ".join(f"{result['stored']['rows']}" for result, _ in flat) + " stored",
                    ", ".join(f"{result.get('redirected', result.get('confirmed', 0))}" for result, _ in flat)
                    + " accepted", None, "each once", exact, "duplicates or losses"))
    for kind, label in (("form", "form"), ("message", "ISO 18626 message")):
        at70 = figures["at_70"][kind]
        once = at70["once"]
        clean = not once["missing"] and not once["twice"] and once["accepted"] == once["sent"]
        rows.append(row(f"{label} p99 at 70% ({at70['rate']:.0f} req/s)",
                        f"{at70['p99_ms']:.1f} ms (p50 {at70['p50_ms']:.1f})",
                        f"{once['accepted']} accepted of {once['sent']}, {once['stored']} stored", None, "< 100 ms",
                        at70["p99_ms"] < 100 and clean, "" if clean else f"not each once: {once}"))
    out = figures["outage"]
    events, failures = out["events"], out["failures"]
    rows.append(row("outage load, open loop",
                    f"form {out['rates']['form']:.0f}/s + messages {out['rates']['message']:.0f}/s",
                    f"{events['load_stopped']:.0f} s; node 2 SIGKILLed at {events['node_killed']:.1f} s"))
    detect = events["node_down"] - events["node_killed"]
    checks = figures["checks"]
    rows.append(row("node 2 found down by the health checks", f"{detect:.2f} s after the kill",
                    f"checks every {checks['inter_ms']} ms ({checks['fastinter_ms']} ms after a failure), "
                    f"down after {checks['fall']}"))
    rows.append(row("node 2 back in the proxy", f"{events['node_up'] - events['node_restarted']:.2f} s after its start",
                    f"answering after {events['node_answering'] - events['node_restarted']:.2f} s; "
                    f"{out['node_served_after_rejoining']} requests served after"))
    before, after = failures["kill to marked down"], failures["after marked down"]
    retried_before = sum(out["retries"]["kill to marked down"].values())
    rows.append(row("failed requests, kill to marked down", str(before["failed"]),
                    f"{before['sent']} sent; {retried_before} sent again to node 1 by the proxy", None, "",
                    None, ""))
    rows.append(row("failed requests, after marked down", str(after["failed"]),
                    f"{after['sent']} sent, node 2 restarted at {events['node_restarted']:.1f} s", None, "0",
                    after["failed"] == 0, f"errors {after['errors']}"))
    if failures["before the kill"]["failed"]:
        rows.append(row("failed requests before the kill", str(failures["before the kill"]["failed"]),
                        str(failures["before the kill"]["errors"]), None, "0", False))
    for kind, label, accepted in (("form", "form", "answered 302"), ("message", "messages", "confirmed OK")):
        once = out[kind]
        exact = not once["missing"] and not once["twice"]
        extra = f"; resent {once['resends']}" if kind == "message" else ""
        rows.append(row(f"outage {label} stored exactly once", f"{once['stored']} stored, {once['twice']} twice",
                        f"{once['accepted']} {accepted} of {once['sent']} sent, {once['missing']} of them missing"
                        f"{extra}", None, "each once", exact, "duplicates or losses"))
    rows.append(row("worker 1 SIGKILLed and started again",
                    f"answering {events['worker_answering'] - events['worker_killed']:.1f} s after the kill",
                    f"at {events['worker_killed']:.1f} s"))
    drained = figures["drain"]
    states = drained["states"]
    left = {state: n for state, n in states.items() if state != "done"}
    rows.append(row("outbox rows delivered", f"{states.get('done', 0):,} done",
                    f"drained {drained['after_load_seconds']:.1f} s after the load; "
                    f"{drained['run_again']} run again, {drained['handed_over_again']} lost by the broker",
                    None, "all done", not left, f"left {left}"))
    rows.append(row("outbox rows handed over late (beat's sweep)", str(drained["late_hand_overs"]),
                    f"beat sent {figures['beat']['sweeps']} sweeps in {figures['beat']['seconds']:.0f} s "
                    f"(one per {figures['beat']['every']:g} s)"))
    invoices = figures["invoices"]
    exact = (invoices["invoices"] == invoices["numbers"] == invoices["requests"] == invoices["jobs"]
             and not invoices["problems"])
    rows.append(row(f"invoice jobs through the workers ({invoices['jobs']})",
                    f"{invoices['invoices']} invoices, {invoices['numbers']} numbers",
                    f"for {invoices['requests']} requests; {invoices['pdfs']} PDFs; "
                    f"{invoices['tasks_run_again']} tasks run again", None, f"{invoices['jobs']}, none twice",
                    exact, "; ".join(invoices["problems"])[:100] or "missing or doubled"))
    return rows


def stored_once(result, kind):
    """A flat-out run (wrk) stored exactly once: what was answered is stored, and nothing more than was sent
    (wrk's last requests may be stored without their answers counted)."""
    stored = result["stored"]
    answered = result.get("redirected" if kind == "form" else "confirmed", 0)
    distinct = stored["markers"] == stored["rows"] and stored.get("keys", stored["rows"]) == stored["rows"]
    return distinct and answered <= stored["rows"] <= result.get("sent", 0)


def main():
    from bench.run import DEFAULT_BROKER, DEFAULT_DATABASE, environment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per load run")
    parser.add_argument("--invoice-jobs", type=int, default=100, help="invoice jobs for the workers during the kills")
    parser.add_argument("--outage-share", type=float, default=0.25,
                        help="the outage load of each kind, as a share of its rate flat out")
    parser.add_argument("--drain-timeout", type=int, default=600)
    parser.add_argument("--log-dir", default=tempfile.gettempdir())
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="fleet-", dir=options.log_dir))
    env = environment(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE,
                      os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER, work)
    os.environ.update(
        env,
        # A queue and a media folder of the run's own, for every process of the fleet.
        CELERY_TASK_DEFAULT_QUEUE=f"bench-fleet-{uuid.uuid4().hex[:8]}",
        MEDIA_ROOT=str(work / "media"),
        # Beat's sweep hands over what a killed node left between its commit and its hand-over.
        OUTBOX_SWEEP_SECONDS="5",
        # Redis gives the tasks a killed worker held to another after this many seconds.
        CELERY_VISIBILITY_TIMEOUT="10",
        # Handing over again what was handed over long ago would also take what earlier sections left
        # queued in this database (bench.chaos does the same); lost tasks are handed over by drain().
        ILL_OUTBOX_RESEND_AFTER=str(365 * 24 * 3600),
    )
    # SIGTERM and SIGHUP stop the run as Ctrl-C does: through the Fleet's stop().
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda received, _: sys.exit(128 + received))
    static = Path(os.environ["STATIC_ROOT"]) / "staticfiles.json"
    if not static.exists():
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, check=True)
    setup_django()
    figures = measure(work, options.duration, options.invoice_jobs, options.outage_share, options.drain_timeout)
    figures["work_dir"] = str(work)
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
