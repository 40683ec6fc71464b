"""A stub of the item store that answers as a newer, misbehaving server would (stdlib only, 127.0.0.1).

`GET /api/v1/items/{id}` plays one scenario per id (SCENARIOS); attempts are counted per run (the
`X-Run` header each driver sends) and path, so the Python sync, Python async and TypeScript drivers
each see the same script. `GET /arm-late` opens a port that starts listening 0.3 s later: a first
attempt there is refused before anything is sent.
"""

from __future__ import annotations

import email.utils
import json
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar


def item(item_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "name": "lamp",
        "price_cents": 100,
        "owner_id": 7,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        **extra,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    attempts: ClassVar[defaultdict[tuple[str, str], int]] = defaultdict(int)
    keys: ClassVar[defaultdict[tuple[str, str], list[tuple[str, str]]]] = defaultdict(list)
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(self, status: int, body: bytes | str | Any = b"", headers: dict[str, str] | None = None) -> None:
        content_type = "application/json"
        if isinstance(body, str):
            content_type, body = "text/html; charset=utf-8", body.encode()
        elif not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        headers = {"Content-Type": content_type, **(headers or {})}
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        run = self.headers.get("x-run", "")
        path = self.path.split("?")[0]
        with self.lock:
            self.attempts[run, path] += 1
            n = self.attempts[run, path]
        attempt = {"X-Attempt": str(n)}
        if path == "/arm-late":
            self.send(200, {"url": arm_late()})
            return
        if path == "/api/v1/items":  # a page with one unknown enum value, whose next_offset repeats
            items = [item(i, currency="JPY" if i == 50 else "EUR", colour="red") for i in range(100)]
            self.send(200, {"items": items, "total": 100, "limit": 100, "offset": 0, "next_offset": 0})
            return
        scenario = int(path.rsplit("/", 1)[1])
        problem = {"type": "about:blank", "title": "nope", "status": 0}
        match scenario:
            case 1:  # unknown field and enum value, an optional field absent, a nullable one null
                self.send(200, item(1, colour="red", currency="JPY", description=None))
            case 2:  # a required field missing
                self.send(200, {k: v for k, v in item(2).items() if k != "name"})
            case 3:
                self.send(404, "<html><body>Not here</body></html>", attempt)
            case 4:
                self.send(200, "<html><body>Welcome to the captive portal</body></html>")
            case 5:
                self.send(302, b"", attempt)
            case 6:
                self.send(302, b"", {"Location": path})
            case 7:
                self.send(201, item(7))
            case 8 | 9 | 10:
                if n == 1:
                    after = {8: "0", 9: email.utils.formatdate(time.time() + 1, usegmt=True), 10: "3600"}
                    self.send(
                        429 if scenario != 9 else 503,
                        {**problem, "status": 429},
                        {"Retry-After": after[scenario]},
                    )
                else:
                    self.send(200, item(scenario, name=f"attempt {n}"))
            case 11:
                if n < 3:
                    self.send(503, {**problem, "status": 503}, attempt)
                else:
                    self.send(200, item(11, name=f"attempt {n}"))
            case 12:
                self.send(503, {**problem, "status": 503}, {**attempt, "x-should-retry": "false"})
            case 13:
                if n == 1:
                    self.send(400, {**problem, "status": 400}, {**attempt, "x-should-retry": "true"})
                else:
                    self.send(200, item(13, name=f"attempt {n}"))
            case 14:
                self.send(409, {**problem, "status": 409}, attempt)
            case 15:  # headers at once, the body stalls for 2 s
                body = json.dumps(item(15)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:10])
                self.wfile.flush()
                time.sleep(2)
                with suppress(OSError):  # the client gave up
                    self.wfile.write(body[10:])
            case 16:
                self.send(500, {**problem, "status": 500}, attempt)
            case 17:
                self.send(429, {**problem, "status": 429}, {**attempt, "Retry-After": "0"})
            case 18:
                self.send(404, {**problem, "status": 404}, attempt)
            case 19:
                self.send(200, item(19, description=self.headers.get("user-agent", "")))
            case _:
                self.send(404, {**problem, "status": 404})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        run = self.headers.get("x-run", "")
        path = self.path.split("?")[0]
        with self.lock:
            self.attempts[run, path] += 1
            n = self.attempts[run, path]
            seen = self.keys[run, path]
            seen.append((self.headers.get("idempotency-key", ""), self.headers.get("x-retry-count", "")))
        if path == "/api/v1/items/1/notes":  # a kind of note this SDK does not know
            self.send(201, {"id": 9, "kind": "video", "url": "https://v.example/1", "seconds": 30})
        elif path == "/api/v1/items/2/notes" and n == 1:
            self.send(503, {"type": "about:blank", "title": "busy", "status": 503})
        else:
            keys = {key for key, _ in seen if key}
            counts = ",".join(count for _, count in seen)
            self.send(201, {"id": n, "kind": "text", "text": f"{len(keys)} key(s), retry counts {counts}"})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet about clients that hang up (the stalled body's reader gives up by design)."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _serve(httpd: ThreadingHTTPServer) -> None:
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()


def arm_late() -> str:
    """A URL whose port starts listening 0.3 s from now (a connection before then is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def later() -> None:
        time.sleep(0.3)
        httpd = Server(("127.0.0.1", port), Handler)
        _serve(httpd)
        time.sleep(30)
        httpd.shutdown()
        httpd.server_close()

    threading.Thread(target=later, daemon=True).start()
    return f"http://127.0.0.1:{port}"


@contextmanager
def newer_server() -> Iterator[str]:
    httpd = Server(("127.0.0.1", 0), Handler)
    _serve(httpd)
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
