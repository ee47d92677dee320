"""An open-loop HTTP load at a fixed rate, for latency below saturation (wrk only drives flat out).

Request i is due at start + i / rate; its latency is counted from then, not from when a
connection came free, so a server that falls behind shows it (no coordinated omission).
The first second opens the connections and is not counted.

With --streams, several such loads at once (the fleet section's form and ISO 18626 messages),
each request recorded with its times and outcome: an answer that is not the stream's accepted one,
a connection refused or dropped and a timeout are recorded as they come, and the load goes on.
"""

import asyncio
import json
import signal
import statistics
import time
from dataclasses import dataclass
from typing import Callable

# What a client sees of a proxy or server that fails it; the connection is then opened again.
CONNECTION_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError)
# A stream's connection left idle this long is opened afresh before its next request, as a browser's pool
# does: a server closes idle connections (HAProxy after its `timeout http-keep-alive`, gunicorn after 5 s),
# and a request written to one it has just closed would be counted as failed by the server.
IDLE_SECONDS = 4.0


async def _read_response(reader):
    """(status, whether the server closes the connection, the body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunks.append((await reader.readexactly(size + 2))[:size])
            if size == 0:
                break
        body = b"".join(chunks)
    else:
        return status, True, await reader.read()
    return status, headers.get("connection", "").lower() == "close", body


async def _run(host, port, make_request, rate, duration, connections):
    warmup = int(rate)
    total = int(rate * duration) + warmup
    start = time.perf_counter() + 0.2
    latencies, statuses = [], {}
    next_index = 0

    async def client():
        nonlocal next_index
        reader = writer = None
        while True:
            index = next_index
            if index >= total:
                break
            next_index += 1
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(make_request(index))
            await writer.drain()
            status, closed, _ = await _read_response(reader)
            statuses[status] = statuses.get(status, 0) + 1
            if index >= warmup:
                latencies.append(time.perf_counter() - due)
            if closed:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - start - 1
    return latencies, statuses, elapsed


def get_request(host, path, headers=""):
    raw = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n".encode()
    return lambda index: raw


def run(host, port, make_request, rate, duration=10, connections=16):
    """Send rate * duration requests at `rate` a second; latencies in ms, statuses, achieved rate."""
    latencies, statuses, elapsed = asyncio.run(_run(host, port, make_request, rate, duration, connections))
    latencies.sort()
    ms = [value * 1000 for value in latencies]
    return {
        "rate": rate,
        "achieved": len(ms) / elapsed,
        "p50_ms": statistics.median(ms),
        "p99_ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "statuses": statuses,
    }


def form_request(host, path, cookie, body_template):
    """POSTs of one form, `{n}` in the body replaced by the request's number (its unique marker)."""
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return post_request(host, path, headers, body_template)


def post_request(host, path, headers, body_template):
    """POSTs of `body_template` with `headers`: `{n}` becomes the request's number, `{key}` the same in hex."""
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    def make(index):
        body = body_template.replace("{n}", str(index)).replace("{key}", f"{index:012x}").encode()
        head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{lines}Content-Length: {len(body)}\r\n\r\n"
        return head.encode() + body

    return make


@dataclass
class Stream:
    """One open-loop load among several: `rate` requests a second made by `make_request(index)`, each
    accepted when answered with `accept_status` and a body holding `accept_body`."""

    name: str
    rate: float
    make_request: Callable[[int], bytes]
    accept_status: int = 200
    accept_body: bytes = b""
    connections: int = 16


# One recorded request: its stream's number, its index, when it was due, sent and answered (time.monotonic(),
# CLOCK_MONOTONIC, the same clock in every process of the machine), the status (0 without an answer),
# whether it was the accepted answer, and the error that ended it ("" for an answer).
RECORD_FIELDS = ("stream", "index", "due", "sent", "done", "status", "accepted", "error")


async def _run_streams(host, port, streams, duration, timeout, stop):
    start = time.monotonic() + 0.2
    records = []

    async def client(number, stream, queue):
        reader = writer = None
        used = 0.0
        while not stop.is_set():
            index = queue["next"]
            if index >= queue["total"]:
                break
            queue["next"] += 1
            due = start + index / stream.rate
            delay = due - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                    break
                except TimeoutError:
                    pass
            sent = time.monotonic()
            if writer is not None and (sent - used > IDLE_SECONDS or reader.at_eof()):
                writer.close()
                reader = writer = None
            status, body, error, closed = 0, b"", "", True
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
                writer.write(stream.make_request(index))
                await writer.drain()
                status, closed, body = await asyncio.wait_for(_read_response(reader), timeout)
            except CONNECTION_ERRORS as exc:  # TimeoutError is an OSError
                error = type(exc).__name__
            accepted = status == stream.accept_status and stream.accept_body in body
            used = time.monotonic()
            records.append((number, index, due, sent, used, status, accepted, error))
            if closed and writer is not None:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    clients = []
    for number, stream in enumerate(streams):
        queue = {"next": 0, "total": int(stream.rate * duration)}
        clients += [client(number, stream, queue) for _ in range(stream.connections)]
    await asyncio.gather(*clients)
    return start, records


def run_streams(host, port, streams, duration, timeout=60.0):
    """Every stream at its rate for `duration` seconds, or until SIGUSR1: (start, records as RECORD_FIELDS)."""

    async def main():
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, stop.set)
        return await _run_streams(host, port, streams, duration, timeout, stop)

    return asyncio.run(main())


def summarize(records, stream, rate, start):
    """run()'s figures for one stream's records, with what was accepted and the errors by name.

    The first second (index below `rate`) opens the connections and is left out of the latencies."""
    mine = [record for record in records if record[0] == stream]
    timed = sorted((done - due) * 1000 for _, index, due, _, done, *_ in mine if index >= rate)
    ended = max((record[4] for record in mine), default=start)
    statuses, errors = {}, {}
    for record in mine:
        if record[7]:
            errors[record[7]] = errors.get(record[7], 0) + 1
        else:
            statuses[str(record[5])] = statuses.get(str(record[5]), 0) + 1
    return {
        "rate": rate,
        "achieved": len(timed) / max(ended - start - 1, 1e-9),
        "p50_ms": statistics.median(timed) if timed else None,
        "p99_ms": timed[min(len(timed) - 1, int(len(timed) * 0.99))] if timed else None,
        "sent": len(mine),
        "accepted": sum(1 for record in mine if record[6]),
        "statuses": statuses,
        "errors": errors,
    }


def streams_from(spec):
    """The streams a JSON spec names: [{name, rate, path, headers, body, accept_status, accept_body, connections}]."""
    return [
        Stream(
            name=each["name"], rate=each["rate"],
            make_request=post_request(spec.get("host", "127.0.0.1"), each["path"], each["headers"], each["body"]),
            accept_status=each.get("accept_status", 200), accept_body=each.get("accept_body", "").encode(),
            connections=each.get("connections", 16),
        )
        for each in spec["streams"]
    ]


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", help="the one page or form loaded (without --streams)")
    parser.add_argument("--rate", type=float, help="requests a second (without --streams)")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cookie", help="with --body: POST the form")
    parser.add_argument("--body", help="urlencoded body; {n} and {key} are replaced per request")
    parser.add_argument("--streams", help="a JSON file of streams (see streams_from): POSTs, each recorded")
    parser.add_argument("--records", help="with --streams: where to write the records, as JSON")
    options = parser.parse_args()
    if options.streams:
        with open(options.streams, encoding="utf-8") as file:
            spec = json.load(file)
        streams = streams_from(spec)
        start, records = run_streams(options.host, options.port, streams, options.duration)
        with open(options.records, "w", encoding="utf-8") as file:
            json.dump({"start": start, "fields": RECORD_FIELDS, "records": records}, file)
        print(json.dumps({s.name: summarize(records, n, s.rate, start) for n, s in enumerate(streams)}))
        return
    if options.path is None or options.rate is None:
        parser.error("--path and --rate are needed without --streams")
    if options.body:
        make = form_request(options.host, options.path, options.cookie, options.body)
    else:
        make = get_request(options.host, options.path)
    print(json.dumps(run(options.host, options.port, make, options.rate, options.duration, options.connections)))


if __name__ == "__main__":
    main()
