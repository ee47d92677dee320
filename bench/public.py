"""The public pages under load: gunicorn on core 0, wrk (or bench.load) on core 1, 16 connections.

Beside the HTML form's submissions, a partner system's ISO 18626 request messages to /iso18626/,
each with its own request id, in the same run.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import BASE_DIR

CONNECTIONS = 16
# gthread: one process per core plus one, a few threads each to overlap the database's round trips.
GUNICORN = ["-k", "gthread", "--workers", "2", "--threads", "4", "--keep-alive", "5"]
SERVER_CORE, CLIENT_CORE = "0", "1"
MESSAGE_TYPE = "application/xml; charset=utf-8"
# A request message is accepted when its confirmation says OK.
OK_CONFIRMATION = "<messageStatus>OK</messageStatus>"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

# wrk's Lua for POSTing BODY to PATH flat out: each post's {n} becomes its own marker (and {key} its own
# submission key); an answer for which ACCEPTED holds is counted under COUNTED, any other as failed.
POST_LUA = """
local threads = {}
local number = 1
function setup(thread)
  thread:set("tid", number)
  table.insert(threads, thread)
  number = number + 1
end
function init(args)
  sent, counted, failed = 0, 0, 0
end
function request()
  sent = sent + 1
  local marker = string.format("%d-%d", tid, sent)
  local body = BODY:gsub("{n}", marker):gsub("{key}", string.format("%04x%08x", tid, sent))
  return wrk.format("POST", PATH, HEADERS, body)
end
function response(status, headers, body)
  if ACCEPTED(status, body) then counted = counted + 1 else failed = failed + 1 end
end
function done(summary, latency, requests)
  local s, c, f = 0, 0, 0
  for _, thread in ipairs(threads) do
    s = s + thread:get("sent"); c = c + thread:get("counted"); f = f + thread:get("failed")
  end
  io.write(string.format("BENCH sent=%d %s=%d failed=%d\\n", s, COUNTED, c, f))
end
"""
# The form answers a stored submission with its redirect.
FORM_LUA = """
COUNTED = "redirected"
function ACCEPTED(status, body) return status == 302 end
""" + POST_LUA
# A partner system posting ISO 18626 requests: BODY holds {n} where each gets its own request id.
MESSAGE_LUA = """
COUNTED = "confirmed"
function ACCEPTED(status, body) return status == 200 and body:find("<messageStatus>OK</messageStatus>", 1, true) ~= nil end
""" + POST_LUA


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving bench.settings, pinned to one core (`core`; None leaves it to the scheduler)."""

    def __init__(self, env, log_path, core=SERVER_CORE):
        self.env, self.log_path, self.port, self.core = env, log_path, free_port(), core
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [*pinned(self.core), str(BASE_DIR / ".venv/bin/gunicorn"), "nlk_portal.wsgi",
             "-b", f"127.0.0.1:{self.port}", *GUNICORN, "--log-level", "warning"],
            cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/bench/constant/", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer: see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


def pinned(core):
    """The start of a command that runs on `core` alone (taskset), or nothing for None."""
    return [] if core is None else ["taskset", "-c", core]


def wrk(url, duration, script=None, core=CLIENT_CORE):
    """Closed loop, 16 connections from one thread on the client core: requests/s and latency percentiles."""
    command = [*pinned(core), "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percent in ("50", "99"):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        result[f"p{percent}_ms"] = float(match.group(1)) * UNITS[match.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx_3xx"] = int(errors.group(1)) if errors else 0
    counted = re.search(r"BENCH sent=(\d+) (redirected|confirmed)=(\d+) failed=(\d+)", output)
    if counted:
        result.update({"sent": int(counted.group(1)), counted.group(2): int(counted.group(3)),
                       "failed": int(counted.group(4))})
    return result


def open_loop(port, path, rate, duration, cookie=None, body=None):
    """p50/p99 at a fixed rate, from a client pinned to the client core."""
    command = ["taskset", "-c", CLIENT_CORE, sys.executable, "-m", "bench.load", "--port", str(port),
               "--path", path, "--rate", f"{rate:.1f}", "--duration", str(duration)]
    if body:
        command += ["--cookie", cookie, "--body", body]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=BASE_DIR).stdout
    return json.loads(output.strip().splitlines()[-1])


def csrf_pair(server_url):
    """A CSRF cookie and a form token that go with it, as a browser gets them from the form page."""
    with urllib.request.urlopen(server_url + "/ill/request/", timeout=10) as reply:
        html = reply.read().decode()
        cookies = reply.headers.get_all("Set-Cookie")
    cookie = next(c.split(";")[0] for c in cookies if c.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def form_body(token, library_id, marker_prefix):
    """A valid request for a copy; contact_name carries the marker, submission_key the form's own key."""
    fields = {
        "csrfmiddlewaretoken": token,
        "requesting_library": library_id,
        "contact_name": f"{marker_prefix}{{n}}",
        "email": "ill@example.org",
        "postal_address": "",
        "item_type": "monograph",
        "title": "조선왕조실록 연구",
        "author": "김윤식",
        "service": "copy",
        "delivery": "electronic",
        "pages_wanted": "12-30",
        "total_pages": "320",
        "confirms_published_in_korea": "on",
        "confirms_not_available_elsewhere": "on",
        "new_library_kind": "academic",
        "action": "submit",
    }
    body = urllib.parse.urlencode(fields).replace("%7Bn%7D", "{n}")
    run = marker_prefix.split("-")[1]
    return body + f"&submission_key={run}-0000-4000-8000-{{key}}"


def measure(env, duration, tracking_token, library_id, count_marked, log_dir, message=None):
    """Every figure of the public pages; `count_marked(prefix)` gives (rows, distinct markers, distinct keys).

    `message` is (make_body(prefix), count_messages(prefix)): an ISO 18626 request whose request id is
    the prefix and {n}, and what was stored of those, for the request messages' figures.
    """
    server = Server(env, Path(log_dir) / "gunicorn.log")
    server.start()
    try:
        quote = "/ill/fee-quote/?service=copy&delivery=post&pages=23"
        track = f"/ill/track/{tracking_token}/"
        for path in ("/bench/constant/", quote, track):
            wrk(server.url + path, 2)
        figures = {"ceiling_before": wrk(server.url + "/bench/constant/", duration)}
        figures["quote"] = wrk(server.url + quote, duration)
        figures["tracking"] = wrk(server.url + track, duration)
        figures["ceiling_after"] = wrk(server.url + "/bench/constant/", duration)
        figures["ceiling_rps"] = (figures["ceiling_before"]["rps"] + figures["ceiling_after"]["rps"]) / 2

        cookie, token = csrf_pair(server.url)
        run = secrets.token_hex(4)
        prefix = f"bench-{run}-"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        figures["form"] = post_flat_out(
            server.url, "/ill/request/", form_body(token, library_id, prefix), headers, FORM_LUA, duration
        )
        figures["form"]["stored"] = count_marked(prefix)
        if message is not None:
            make_body, count_messages = message
            figures["message"] = post_messages(server.url, duration, make_body, count_messages)

        for name, path in (("quote", quote), ("tracking", track)):
            figures[f"{name}_at_70"] = open_loop(server.port, path, 0.7 * figures[name]["rps"], duration)
        open_prefix = f"bench-{secrets.token_hex(4)}-"
        figures["form_at_70"] = open_loop(
            server.port, "/ill/request/", 0.7 * figures["form"]["rps"], duration,
            cookie=cookie, body=form_body(token, library_id, open_prefix),
        )
        figures["form_at_70"]["stored"] = count_marked(open_prefix)
        if message is not None:
            figures["message_at_70"] = messages_open_loop(
                server.port, 0.7 * figures["message"]["rps"], duration, make_body, count_messages, log_dir
            )
    finally:
        server.stop()
    return figures


def measure_messages(env, duration, library_id, count_marked, log_dir, message):
    """The form's submissions and the ISO 18626 request messages alone, flat out on one server, as in `measure`."""
    server = Server(env, Path(log_dir) / "gunicorn-iso18626.log")
    server.start()
    try:
        cookie, token = csrf_pair(server.url)
        prefix = f"bench-{secrets.token_hex(4)}-"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        wrk(server.url + "/bench/constant/", 2)
        figures = {"form": post_flat_out(
            server.url, "/ill/request/", form_body(token, library_id, prefix), headers, FORM_LUA, duration
        )}
        figures["form"]["stored"] = count_marked(prefix)
        make_body, count_messages = message
        figures["message"] = post_messages(server.url, duration, make_body, count_messages)
    finally:
        server.stop()
    return figures


def message_stream(make_body, prefix, rate, connections=16):
    """bench.load's stream of partner systems' ISO 18626 requests at `rate` a second, accepted when confirmed OK."""
    return {
        "name": "message", "rate": rate, "path": "/iso18626/", "connections": connections,
        "headers": {"Content-Type": MESSAGE_TYPE}, "body": make_body(prefix), "accept_status": 200,
        "accept_body": OK_CONFIRMATION,
    }


def messages_open_loop(port, rate, duration, make_body, count_messages, log_dir):
    """p50/p99 of partner systems' ISO 18626 requests at a fixed rate (bench.load's streams), and what was stored."""
    prefix = f"bench-{secrets.token_hex(4)}-"
    spec, records = Path(log_dir) / "messages-at-70.spec.json", Path(log_dir) / "messages-at-70.json"
    spec.write_text(
        json.dumps({"host": "127.0.0.1", "streams": [message_stream(make_body, prefix, rate)]}, ensure_ascii=False),
        encoding="utf-8",
    )
    command = [*pinned(CLIENT_CORE), sys.executable, "-m", "bench.load", "--port", str(port), "--streams", str(spec),
               "--records", str(records), "--duration", str(duration)]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=BASE_DIR).stdout
    result = json.loads(output.strip().splitlines()[-1])["message"]
    result["stored"] = count_messages(prefix)
    return result


def post_messages(server_url, duration, make_body, count_messages, core=CLIENT_CORE):
    """Partner systems' ISO 18626 requests, flat out on 16 connections, as the form's submissions are."""
    prefix = f"bench-{secrets.token_hex(4)}-"
    headers = {"Content-Type": MESSAGE_TYPE}
    result = post_flat_out(server_url, "/iso18626/", make_body(prefix), headers, MESSAGE_LUA, duration, core)
    result["stored"] = count_messages(prefix)
    return result


def post_flat_out(server_url, path, body, headers, lua, duration, core=CLIENT_CORE):
    """wrk POSTing `body` to `path` on 16 connections for `duration` seconds, by `lua` (FORM_LUA, MESSAGE_LUA)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as script:
        # UTF-8 as it is: Lua reads no \u escapes, so json.dumps must leave the Hangul alone.
        body = json.dumps(body, ensure_ascii=False)
        script.write(f"BODY = {body}\nPATH = {json.dumps(path)}\nHEADERS = {lua_table(headers)}\n")
        script.write(lua)
    try:
        return wrk(server_url + path, duration, script.name, core)
    finally:
        os.unlink(script.name)


def lua_table(mapping):
    return "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in mapping.items()) + "}"
