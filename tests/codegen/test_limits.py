"""Bodies bounded while they are read, and failures kept inside the contract and the middleware.

Everything here runs against a real uvicorn on 127.0.0.1 (tests/live_http.py), because what is
tested is what a server does with the bytes: answering before a body is sent, closing instead of
reading the rest, a client leaving mid-body. The spec is tests/codegen/specs/limits.yaml.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
import specfirst_runtime as rt
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.conftest import FEATURE_SPECS, Generate
from tests.live_http import chunked, closed_by_server, exchange, serve

BIG = 200_000_000
ORIGIN = "http://client.example"
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("test_request_id", default="-")


class StoreDown(Exception):
    """What a database driver raises when the database is unreachable."""


class RequestIdMiddleware:
    """The user's middleware: a request id in a context variable and in every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = dict(scope["headers"]).get(b"x-request-id", b"").decode() or uuid.uuid4().hex
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)


class Records(logging.Handler):
    """Every log record of the process, with the request id current when it was written."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[logging.LogRecord, str]] = []
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.changed:
            self.seen.append((record, request_id.get()))
            self.changed.notify_all()

    def wait_for(self, text: str, timeout: float = 10) -> tuple[logging.LogRecord, str]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for record, rid in self.seen:
                    if text in record.getMessage():
                        return record, rid
                left = deadline - time.monotonic()
                assert left > 0, f"no log line with {text!r}: {[r.getMessage() for r, _ in self.seen]}"
                self.changed.wait(left)

    def errors(self) -> list[str]:
        return [r.getMessage() for r, _ in self.seen if r.levelno >= logging.ERROR]


class Notes:
    async def create_note(self, *, body: Any) -> dict[str, str]:
        if body.text == "store-down":
            raise StoreDown("connection refused")
        if body.text == "crash":
            raise RuntimeError("a bug in the handler")
        return {"text": body.text}

    async def post_tiny(self, *, body: str) -> None:
        return None

    async def upload(self, *, body: Any) -> dict[str, int]:
        sizes = {"image": len(body.image)}
        notes = getattr(body, "notes", None)
        if isinstance(notes, str | bytes):
            sizes["notes"] = len(notes)
        return sizes

    async def boom(self) -> None:
        raise RuntimeError("boom")


def verify(token: str, scopes: Any) -> str | None:
    if token == "explode":
        raise RuntimeError("the token store is down")
    return "ann" if token == "good" else None


@pytest.fixture(scope="module")
def records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    contract = logging.getLogger("contract")
    old_level = contract.level
    contract.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    contract.setLevel(old_level)


@pytest.fixture(scope="module")
def port(generate_package: Generate, records: Records) -> Iterator[int]:
    pkg = generate_package(FEATURE_SPECS / "limits.yaml", "gen_limits")
    app = pkg.create_app(
        default=Notes,
        security=pkg.Security(bearer=verify),
        max_body_bytes=64 * 1024,
        max_file_bytes=2000,
        error_map={
            StoreDown: rt.ErrorResponse(503, detail="The store is down.", headers={"Retry-After": "5"})
        },
    )
    app.add_middleware(CORSMiddleware, allow_origins=[ORIGIN], expose_headers=["X-Request-Id"])
    app.add_middleware(RequestIdMiddleware)
    with serve(app) as live:
        yield live


def head(method: str, path: str, *headers: str) -> str:
    return "\r\n".join([f"{method} {path} HTTP/1.1", "Host: test", *headers])


# -- bounded bodies --------------------------------------------------------------------------------


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(port: int) -> None:
    closed: list[bool] = []
    started = time.monotonic()
    response = exchange(
        port,
        head(
            "POST",
            "/notes",
            "Authorization: Bearer good",
            "Content-Type: application/json",
            f"Content-Length: {BIG}",
        ),
        after=lambda sock: closed.append(closed_by_server(sock)),
    )  # no body at all: a server waiting for it would never answer
    assert response.status == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["connection"] == "close"
    assert set(rt_json(response.body)) == {"type", "title", "status", "detail"}
    assert closed == [True]
    assert time.monotonic() - started < 5


def test_a_chunked_body_is_refused_once_it_passes_the_limit(port: int) -> None:
    response = exchange(
        port,
        head(
            "POST",
            "/notes",
            "Authorization: Bearer good",
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
        ),
        chunked(BIG),  # the sender stops when the answer comes: the server must not wait for 200 MB
    )
    assert response.status == 413
    assert response.headers["connection"] == "close"
    assert rt_json(response.body)["status"] == 413


def test_no_token_is_refused_before_the_body_is_read(port: int) -> None:
    closed: list[bool] = []
    response = exchange(
        port,
        head("POST", "/notes", "Content-Type: application/json", f"Content-Length: {BIG}"),
        after=lambda sock: closed.append(closed_by_server(sock)),
    )
    assert response.status == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["connection"] == "close"
    assert closed == [True]


def test_an_operation_sets_its_own_limit_with_x_max_body_bytes(port: int) -> None:
    with httpx2.Client(base_url=f"http://127.0.0.1:{port}") as client:
        fits = client.post("/tiny", content=b"x" * 100, headers={"Content-Type": "text/plain"})
        over = client.post("/tiny", content=b"x" * 101, headers={"Content-Type": "text/plain"})
    assert fits.status_code == 204
    assert over.status_code == 413
    assert over.headers["content-type"] == "application/problem+json"


def test_a_file_part_is_held_to_its_maxlength_and_others_to_max_file_bytes(port: int) -> None:
    with httpx2.Client(base_url=f"http://127.0.0.1:{port}") as client:

        def upload(image: int, notes: int | None = None) -> httpx2.Response:
            files = {"image": ("a.png", b"i" * image, "image/png")}
            if notes is not None:
                files["notes"] = ("n.txt", b"n" * notes, "text/plain")
            return client.put("/upload", files=files)

        assert upload(1000, 2000).json() == {"image": 1000, "notes": 2000}
        too_big_image = upload(1001)
        assert too_big_image.status_code == 413
        assert "image" in too_big_image.json()["detail"]
        too_big_notes = upload(10, 2001)  # no maxLength: max_file_bytes (2000) applies
        assert too_big_notes.status_code == 413
        assert "notes" in too_big_notes.json()["detail"]
        assert upload(5).json() == {"image": 5}  # the same connection still serves


def test_a_multipart_body_past_its_limit_is_refused_before_it_is_read(port: int) -> None:
    response = exchange(
        port,
        head("PUT", "/upload", "Content-Type: multipart/form-data; boundary=b", f"Content-Length: {BIG}"),
    )
    assert response.status == 413
    assert response.headers["connection"] == "close"


def test_normal_requests_keep_their_connection(port: int) -> None:
    with httpx2.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": "Bearer good"}
    ) as client:
        first = client.post("/notes", json={"text": "a" * 60_000})
        second = client.post("/notes", json={"text": "b"})
        invalid = client.post("/notes", json={"text": 5})
    assert first.status_code == 201 and first.json() == {"text": "a" * 60_000}
    assert second.status_code == 201
    assert invalid.status_code == 422
    assert "connection" not in first.headers and "connection" not in invalid.headers


# -- failures --------------------------------------------------------------------------------------


def test_a_client_leaving_mid_body_is_a_debug_line(port: int, records: Records) -> None:
    for broken in ("Transfer-Encoding: chunked", "Content-Length: 1000"):
        with socket_to(port) as sock:
            sock.sendall(
                (head("POST", "/tiny", "Content-Type: text/plain", broken) + "\r\n\r\nzz\r\n").encode()
            )
    record, _ = records.wait_for("the client disconnected")
    assert record.levelno == logging.DEBUG
    assert records.errors() == []


def test_an_unhandled_error_is_a_problem_500_inside_the_middleware(port: int, records: Records) -> None:
    with httpx2.Client(base_url=f"http://127.0.0.1:{port}") as client:
        response = client.get("/boom", headers={"Origin": ORIGIN, "X-Request-Id": "req-boom"})
        after = client.get("/boom", headers={"X-Request-Id": "req-again"})  # the connection still serves
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 500 and "boom" not in response.text
    assert response.headers["x-request-id"] == "req-boom"
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert after.status_code == 500
    record, rid = records.wait_for("unhandled error in GET /boom")
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert rid == "req-boom"
    assert not any("Exception in ASGI application" in message for message in records.errors())


def test_an_unhandled_error_before_the_body_is_read_closes_the_connection(port: int) -> None:
    response = exchange(
        port,
        head(
            "POST",
            "/notes",
            "Authorization: Bearer explode",
            "Content-Type: application/json",
            "Content-Length: 1000",
        ),
    )
    assert response.status == 500
    assert response.headers["connection"] == "close"
    assert response.headers["x-request-id"]


def test_a_mapped_exception_answers_its_declared_response(port: int) -> None:
    with httpx2.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": "Bearer good"}
    ) as client:
        response = client.post("/notes", json={"text": "store-down"}, headers={"Origin": ORIGIN})
        crash = client.post("/notes", json={"text": "crash"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The store is down.",
    }
    assert crash.status_code == 500  # an exception the map does not name is still a 500
    assert "connection" not in crash.headers  # its body was read: the connection stays usable


def rt_json(body: bytes) -> dict[str, Any]:
    import json

    value: dict[str, Any] = json.loads(body)
    return value


def socket_to(port: int) -> Any:
    import socket

    return socket.create_connection(("127.0.0.1", port), timeout=10)
