"""The ASGI layer alone: CPU microseconds per request of each app, called in-process, no server, no network.

A quick companion to run.py (seconds instead of minutes, and far less sensitive to other processes,
since it counts this process's CPU time): each app's `app` is called directly with an HTTP scope and
a one-message body, on a uvloop event loop, for every endpoint of the benchmark contract. What it
leaves out is the same for every app: uvicorn's HTTP parsing, the socket and the event loop's I/O.
Use it to see what a change to runtime/ does; use run.py (wrk against uvicorn) for the figures.

    PYTHONPATH=. .venv/bin/python bench/runtime/asgi.py [--apps generated,fastapi,starlette] [-n 3000]

Only the apps whose packages are in the repo's .venv (generated, fastapi, starlette).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_data import TOKEN  # noqa: E402  (this folder's module, found through the line above)

BODY = json.dumps(
    {
        "name": "Lamp",
        "description": "A lamp",
        "price_cents": 4900,
        "currency": "EUR",
        "tags": ["a"],
        "in_stock": True,
    }
).encode()
# name: (method, path, query string, extra headers, body, expected status)
ENDPOINTS: dict[str, tuple[str, str, bytes, list[tuple[bytes, bytes]], bytes, int]] = {
    "GET /items/{id}": ("GET", "/items/42", b"", [], b"", 200),
    "GET /items": ("GET", "/items", b"limit=20&offset=0", [], b"", 200),
    "POST /items": ("POST", "/items", b"", [(b"content-type", b"application/json")], BODY, 201),
    "GET /me": ("GET", "/me", b"", [(b"authorization", b"Bearer " + TOKEN.encode())], b"", 200),
}
ASGIApp = Callable[..., Any]


def scope(
    method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> dict[str, Any]:
    length = [(b"content-length", str(len(body)).encode())] if body else []
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"asgi-bench"), *headers, *length],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def one(app: ASGIApp, endpoint: str) -> int:
    method, path, query, headers, body, _ = ENDPOINTS[endpoint]
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.sleep(3600)  # a client that stays connected
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope(method, path, query, headers, body), receive, send)
    return statuses[0]


async def measure(app: ASGIApp, endpoint: str, requests: int) -> float:
    """CPU microseconds per request, after a warm-up; the answer's status is checked first."""
    for _ in range(200):
        status = await one(app, endpoint)
    expected = ENDPOINTS[endpoint][5]
    if status != expected:
        raise SystemExit(f"{endpoint} answered {status}, not {expected}")
    started = time.process_time()
    for _ in range(requests):
        await one(app, endpoint)
    return (time.process_time() - started) / requests * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--apps", default="generated,fastapi,starlette")
    parser.add_argument("-n", "--requests", type=int, default=3000, help="per app, endpoint and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import uvloop

    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    names = args.apps.split(",")
    apps = {name: importlib.import_module(f"{name}_app").app for name in names}
    times: dict[str, dict[str, list[float]]] = {name: {e: [] for e in ENDPOINTS} for name in names}
    for _ in range(args.rounds):  # apps alternate within every round
        for name in names:
            for endpoint in ENDPOINTS:
                times[name][endpoint].append(
                    loop.run_until_complete(measure(apps[name], endpoint, args.requests))
                )
    base = "fastapi" if "fastapi" in names else names[0]
    rounds = f"median of {args.rounds} rounds of {args.requests}"
    print(f"CPU us per request, {rounds}; (x): {base}'s time over the app's")
    print(f"{'endpoint':16}" + "".join(f"{name:>20}" for name in names))
    for endpoint in ENDPOINTS:
        medians = {name: statistics.median(times[name][endpoint]) for name in names}
        cells = "".join(f"{medians[n]:12.1f} ({medians[base] / medians[n]:4.2f}x)" for n in names)
        print(f"{endpoint:16}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
