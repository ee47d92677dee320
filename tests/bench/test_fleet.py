"""The fleet section's parts that need no fleet: HAProxy's configuration, its log, the open-loop client's
records of what failed, and the table made of the figures."""

import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import BASE_DIR, load
from bench.fleet import haproxy_config, parse_log, split_failures, split_retries, table_rows

NODES = [("node1", 18001), ("node2", 18002)]


def test_the_proxy_checks_the_nodes_and_sends_again_only_what_may_come_twice(tmp_path):
    config = haproxy_config(18000, NODES, tmp_path / "admin.sock")
    lines = [line.strip() for line in config.splitlines()]
    assert "bind 127.0.0.1:18000" in lines
    assert "server node1 127.0.0.1:18001 check" in lines and "server node2 127.0.0.1:18002 check" in lines
    assert "http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1" in lines
    # A node that died after part of a request: sent again to the other node, but only for the paths whose
    # requests carry their own key (the form, ISO 18626) and for reads.
    assert "retry-on conn-failure empty-response" in lines
    assert "option redispatch 1" in lines
    assert "acl replay_safe path /ill/request/ /iso18626/" in lines
    assert "http-request disable-l7-retry unless read_only || replay_safe" in lines
    # Not on a timeout, a garbled answer or an error status: the node was working on the request.
    assert [line for line in lines if line.startswith("retry-on")] == ["retry-on conn-failure empty-response"]


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="HAProxy is installed by scripts/install-system-packages bench")
def test_haproxy_reads_the_configuration_as_valid(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(haproxy_config(18000, NODES, tmp_path / "admin.sock"))
    checked = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_log_gives_each_request_its_own_time_on_a_kept_alive_connection():
    log = "\n".join([
        "100.250 0 0 POST /ill/request/ 302 0 ---- node1 40",
        # The same connection, 2 s later: the request came at 102.250, was sent again to node 1 and answered.
        "100.250 0 2000 POST /iso18626/ 200 +1 ---- node1 60",
        "Server web/node2 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\".",
        "[WARNING]  (123) : Server web/node2 is DOWN",
        "100.900 0 0 <BADREQ> <BADREQ> 400 0 CR-- <NOSRV> 0",
    ])
    first, second, bad = parse_log(log, offset=-100.0)
    assert (first["at"], first["done"], first["retries"], first["server"]) == (0.25, 0.29, 0, "node1")
    assert second["at"] == pytest.approx(2.25) and second["done"] == pytest.approx(2.31)
    assert (second["retries"], second["redispatched"], second["path"]) == (1, True, "/iso18626/")
    assert bad["status"] == 400


EVENTS = {"load_start": 0.0, "node_killed": 5.0, "node_down": 6.0}


def test_failures_count_in_the_window_the_client_heard_of_them():
    records = [
        # stream, index, due, sent, done, status, accepted, error
        [0, 0, 1.0, 1.0, 1.1, 302, True, ""],
        [0, 1, 4.9, 4.9, 5.2, 0, False, "IncompleteReadError"],
        [1, 0, 5.5, 5.5, 5.6, 503, False, ""],
        [1, 1, 5.9, 5.9, 6.3, 200, True, ""],
        [0, 2, 7.0, 7.0, 7.1, 302, True, ""],
    ]
    failures = split_failures(records, EVENTS)
    assert failures["before the kill"] == {"sent": 2, "failed": 0, "errors": {}}
    assert failures["kill to marked down"] == {"sent": 2, "failed": 2, "errors": {"IncompleteReadError": 1, "503": 1}}
    assert failures["after marked down"] == {"sent": 1, "failed": 0, "errors": {}}
    retried = [{"done": 5.5, "retries": 1, "path": "/iso18626/"}, {"done": 8.0, "retries": 0, "path": "/"}]
    assert split_retries(retried, EVENTS)["kill to marked down"] == {"/iso18626/": 1}


class Answers(BaseHTTPRequestHandler):
    """/accepted answers the stream's accepted answer, /dropped closes the connection without a word."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/dropped":
            self.close_connection = True
            return
        body = b"<messageStatus>OK</messageStatus>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_open_loop_client_records_every_answer_and_every_dropped_connection(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    spec, records_path = tmp_path / "streams.json", tmp_path / "records.json"
    spec.write_text(json.dumps({"host": "127.0.0.1", "streams": [
        {"name": name, "rate": 20, "path": path, "headers": {"Content-Type": "text/plain"}, "body": "n={n}",
         "accept_status": 200, "accept_body": "<messageStatus>OK</messageStatus>", "connections": 2}
        for name, path in (("accepted", "/accepted"), ("dropped", "/dropped"))
    ]}))
    try:
        # As the fleet section runs it: a process of its own (its SIGUSR1 handler needs the main thread).
        printed = subprocess.run(
            [sys.executable, "-m", "bench.load", "--port", str(port), "--streams", str(spec),
             "--records", str(records_path), "--duration", "1"],
            cwd=BASE_DIR, capture_output=True, text=True, check=True, timeout=60,
        ).stdout
    finally:
        server.shutdown()
        server.server_close()
    saved = json.loads(records_path.read_text())
    start, records = saved["start"], saved["records"]
    by_stream = {0: [], 1: []}
    for record in records:
        by_stream[record[0]].append(record)
    assert sorted(record[1] for record in by_stream[0]) == list(range(20))
    assert all(record[5] == 200 and record[6] and not record[7] for record in by_stream[0])
    assert sorted(record[1] for record in by_stream[1]) == list(range(20))
    assert all(record[5] == 0 and not record[6] and record[7] for record in by_stream[1])
    summary = load.summarize(records, 1, 20, start)
    assert (summary["sent"], summary["accepted"], summary["statuses"]) == (20, 0, {})
    assert sum(summary["errors"].values()) == 20
    assert json.loads(printed.strip().splitlines()[-1])["dropped"] == summary


def figures(after_failed=0):
    """A fleet run's figures as bench.fleet.measure gives them, with `after_failed` requests failed after
    the proxy found the node down."""
    flat_form = {"rps": 40.0, "p50_ms": 300.0, "p99_ms": 900.0, "sent": 410, "redirected": 400,
                 "stored": {"rows": 402, "markers": 402, "keys": 402}}
    once = {"sent": 100, "accepted": 100, "stored": 100, "missing": 0, "twice": 0, "stored_not_accepted": 0}
    at70 = {"rate": 28.0, "p50_ms": 25.0, "p99_ms": 55.0, "once": once}
    window = {"sent": 30, "failed": 0, "errors": {}}
    return {
        "gunicorn": "-k gthread --workers 2 --threads 4", "node_cores": ["0", "1"],
        "checks": {"inter_ms": 1000, "fastinter_ms": 250, "timeout_ms": 5000, "fall": 2, "rise": 2},
        "capacity": {
            "two": {"constant": {"rps": 2500.0}, "form": flat_form,
                    "message": {"rps": 42.0, "p50_ms": 380.0, "p99_ms": 800.0, "sent": 430, "confirmed": 420,
                                "stored": {"rows": 421, "markers": 421}}},
            "one": {"constant": {"rps": 1100.0}, "form": flat_form},
        },
        "at_70": {"form": at70, "message": at70},
        "outage": {
            "rates": {"form": 10.0, "message": 10.5},
            "events": {"load_start": 0.0, "node_killed": 5.0, "node_down": 6.2, "worker_killed": 6.2,
                       "worker_answering": 9.8, "node_restarted": 11.2, "node_answering": 14.7, "node_up": 15.2,
                       "load_stopped": 20.2},
            "failures": {"before the kill": window, "kill to marked down": window,
                         "after marked down": {"sent": 300, "failed": after_failed,
                                               "errors": {"503": after_failed} if after_failed else {}}},
            "retries": {"before the kill": {}, "kill to marked down": {"/ill/request/": 12}, "after marked down": {}},
            "node_served_after_rejoining": 50,
            "form": once, "message": {**once, "resends": 0},
        },
        "drain": {"seconds": 30.0, "after_load_seconds": 30.1, "states": {"done": 1500}, "run_again": 1,
                  "handed_over_again": 0, "late_hand_overs": 0},
        "beat": {"sweeps": 20, "seconds": 100.0, "every": 5.0},
        "invoices": {"jobs": 100, "invoices": 100, "numbers": 100, "requests": 100, "duplicates": 0, "pdfs": 100,
                     "problems": [], "tasks_run_again": 1, "emails_sent_twice": 0},
    }


def rows_by_figure(figures):
    return {row["figure"]: row for row in table_rows(figures)}


def test_the_table_holds_the_fleet_to_no_failure_once_the_node_is_found_down():
    rows = rows_by_figure(figures())
    assert rows["fleet: failed requests, after marked down"]["met"] is True
    assert rows["fleet: constant page, 2 nodes against 1 (16 conn.)"]["ratio"] == pytest.approx(2500 / 1100)
    assert rows["fleet: node 2 found down by the health checks"]["value"] == "1.20 s after the kill"
    assert all(row["met"] is not False for row in rows.values())

    failing = rows_by_figure(figures(after_failed=3))["fleet: failed requests, after marked down"]
    assert (failing["value"], failing["met"]) == ("3", False)
