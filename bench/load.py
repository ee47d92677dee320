"""An open-loop HTTP load at a fixed rate, for latency below saturation (wrk only drives flat out).

Request i is due at start + i / rate; its latency is counted from then, not from when a
connection came free, so a server that falls behind shows it (no coordinated omission).
The first second opens the connections and is not counted.
"""

import asyncio
import statistics
import time


async def _read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        return status, True
    return status, headers.get("connection", "").lower() == "close"


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
            status, closed = await _read_response(reader)
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

    def make(index):
        body = body_template.replace("{n}", str(index)).replace("{key}", f"{index:012x}").encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    return make


def main():
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cookie", help="with --body: POST the form")
    parser.add_argument("--body", help="urlencoded body; {n} and {key} are replaced per request")
    options = parser.parse_args()
    if options.body:
        make = form_request(options.host, options.path, options.cookie, options.body)
    else:
        make = get_request(options.host, options.path)
    print(json.dumps(run(options.host, options.port, make, options.rate, options.duration, options.connections)))


if __name__ == "__main__":
    main()
