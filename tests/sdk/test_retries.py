"""The SDK core's retries, idempotency keys and errors, against a small misbehaving local server.

The server (stdlib http.server on 127.0.0.1, one thread per request) plays scripted scenarios: each test
uses a path of its own, so attempts are counted per test. Waits are recorded instead of slept.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from specfirst.sdk_runtime import _base, _retry
from specfirst.sdk_runtime._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
)

from .conftest import PACKAGE


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Script:
    """What the server answers, attempt by attempt; the last entry repeats."""

    steps: list[tuple[str, int, dict[str, str]]]  # (action, status, headers); action: reply/drop/hang
    seen: list[Seen] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    scripts: ClassVar[dict[str, Script]] = {}
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle_one(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        script = self.scripts[self.path.split("?")[0]]
        script.seen.append(Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
        action, status, headers = script.steps[min(len(script.seen), len(script.steps)) - 1]
        if action == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if action == "hang":
            time.sleep(0.5)
        body = json.dumps({"title": f"status {status}", "status": status, "n": len(script.seen)}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_one


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []

    async def sleep_async(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_retry, "sleep", recorded.append)
    monkeypatch.setattr(_retry, "sleep_async", sleep_async)
    return recorded


class NotFoundError(APIStatusError):
    pass


def scenario(*steps: tuple[str, int, dict[str, str]]) -> tuple[str, Script]:
    path = f"/s/{uuid.uuid4().hex}"
    script = Script(list(steps))
    Handler.scripts[path] = script
    return path, script


def options(method: str, path: str, **kwargs: Any) -> _base.RequestOptions:
    return _base.RequestOptions(
        method=method, path=path, success={"2XX": ("json", Any)}, errors={"404": dict[str, Any]}, **kwargs
    )


def client(base: str, **kwargs: Any) -> _base.SyncAPIClient:
    return _base.SyncAPIClient(base_url=base, status_errors={"404": NotFoundError}, **kwargs)


OK: tuple[str, int, dict[str, str]] = ("reply", 200, {})


def test_429_with_retry_after_seconds_then_200(server: str, waits: list[float]) -> None:
    path, script = scenario(("reply", 429, {"Retry-After": "3"}), OK)
    with client(server) as api:
        assert api.request(options("GET", path))["n"] == 2
    assert len(script.seen) == 2
    assert waits == [3.0]


def test_retry_after_http_date_and_cap(server: str, waits: list[float]) -> None:
    later = email.utils.formatdate(time.time() + 5, usegmt=True)
    path, script = scenario(
        ("reply", 503, {"Retry-After": later}), ("reply", 429, {"Retry-After": "3600"}), OK
    )
    with client(server) as api:
        api.request(options("GET", path))
    assert len(script.seen) == 3
    assert 3.0 <= waits[0] <= 5.0
    assert 0.75 <= waits[1] <= 1.0  # above the 60 s cap: the computed backoff, not an hour (nor 60 s)


def test_503_twice_then_200_with_exponential_backoff(server: str, waits: list[float]) -> None:
    path, script = scenario(("reply", 503, {}), ("reply", 503, {}), OK)
    with client(server) as api:
        assert api.request(options("GET", path))["n"] == 3
    assert len(script.seen) == 3
    assert 0.375 <= waits[0] <= 0.5 and 0.75 <= waits[1] <= 1.0


def test_gives_up_after_max_retries(server: str, waits: list[float]) -> None:
    path, script = scenario(("reply", 500, {}))
    with client(server) as api, pytest.raises(APIStatusError) as info:
        api.request(options("GET", path))
    assert type(info.value) is InternalServerError  # 500 is not declared: the standard class
    assert info.value.status_code == 500 and len(script.seen) == 3
    path, script = scenario(("reply", 502, {}))
    with client(server, max_retries=0) as api, pytest.raises(APIStatusError):
        api.request(options("GET", path))
    assert len(script.seen) == 1


def test_dropped_connection_is_retried(server: str, waits: list[float]) -> None:
    path, script = scenario(("drop", 0, {}), OK)
    with client(server) as api:
        assert api.request(options("GET", path))["n"] == 2
    assert len(script.seen) == 2
    path, script = scenario(("drop", 0, {}))
    with client(server) as api, pytest.raises(APIConnectionError) as info:
        api.request(options("GET", path))
    assert not isinstance(info.value, APITimeoutError)
    assert len(script.seen) == 3


def test_timeout_raises_api_timeout_error_after_retries(server: str, waits: list[float]) -> None:
    path, script = scenario(("hang", 200, {}))
    with client(server, timeout=0.1, max_retries=1) as api, pytest.raises(APITimeoutError):
        api.request(options("GET", path))
    assert len(script.seen) == 2


def test_post_without_a_key_gets_one_per_call_and_is_retried_with_it(server: str, waits: list[float]) -> None:
    path, script = scenario(("reply", 503, {}), ("reply", 503, {}), OK)
    with client(server) as api:
        api.request(options("POST", path, body={"a": 1}, body_kind="json"))
        api.request(options("POST", path, body={"a": 1}, body_kind="json"))
    keys = [seen.headers["idempotency-key"] for seen in script.seen]
    assert len(keys) == 4 and keys[0] == keys[1] == keys[2] != keys[3]  # one key per call, kept on retries
    assert keys[0].startswith("sdk-retry-")
    assert [seen.headers["x-retry-count"] for seen in script.seen] == ["0", "1", "2", "0"]
    path, script = scenario(("drop", 0, {}), OK)
    with client(server) as api:
        api.request(options("PATCH", path, body={"a": 1}, body_kind="json"))
    assert len(script.seen) == 2
    path, script = scenario(OK)
    with client(server) as api:
        api.request(options("GET", path))
    assert "idempotency-key" not in script.seen[0].headers  # GET needs none


def test_x_should_retry_overrides_the_status(server: str, waits: list[float]) -> None:
    path, script = scenario(("reply", 503, {"x-should-retry": "false"}), OK)
    with client(server) as api, pytest.raises(InternalServerError):
        api.request(options("GET", path))
    assert len(script.seen) == 1
    path, script = scenario(("reply", 400, {"x-should-retry": "true"}), OK)
    with client(server) as api:
        assert api.request(options("GET", path))["n"] == 2


def test_connection_refused_before_sending_is_retried_for_post(waits: list[float]) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with client(f"http://127.0.0.1:{port}") as api, pytest.raises(APIConnectionError):
        api.request(options("POST", "/x", body={"a": 1}, body_kind="json"))
    assert len(waits) == 2  # both retries taken


def test_timeout_none_means_no_timeout(server: str, waits: list[float]) -> None:
    api = client(server, timeout=None)
    request = api._build_request(api._http, options("GET", "/x"))
    assert request.extensions["timeout"] == {"connect": None, "read": None, "write": None, "pool": None}
    quick = api.with_options(timeout=0.1)
    request = quick._build_request(quick._http, options("GET", "/x", timeout=None))
    assert request.extensions["timeout"]["read"] is None  # a call's None too
    request = quick._build_request(quick._http, options("GET", "/x"))
    assert request.extensions["timeout"]["read"] == 0.1


def test_post_with_an_idempotency_key_is_retried_with_the_same_key(server: str, waits: list[float]) -> None:
    path, script = scenario(("reply", 503, {}), ("drop", 0, {}), OK)
    with client(server) as api:
        api.request(options("POST", path, body={"a": 1}, body_kind="json", idempotency_key="key-1"))
    assert len(script.seen) == 3
    assert {seen.headers["idempotency-key"] for seen in script.seen} == {"key-1"}


def test_declared_status_raises_its_class_with_the_parsed_body(server: str, waits: list[float]) -> None:
    path, script = scenario(("reply", 404, {"X-Request-Id": "r1"}))
    with client(server) as api, pytest.raises(NotFoundError) as info:
        api.request(options("GET", path))
    assert info.value.status_code == 404 and info.value.request_id == "r1"
    assert info.value.body == {"title": "status 404", "status": 404, "n": 1}
    assert len(script.seen) == 1  # 4xx other than 408/429 is never retried
    path, _ = scenario(("reply", 418, {}))
    with client(server) as api, pytest.raises(APIStatusError) as other:
        api.request(options("GET", path))
    assert type(other.value) is APIStatusError and other.value.status_code == 418


def test_async_client_retries_the_same_way(server: str, waits: list[float]) -> None:
    async def main() -> None:
        path, script = scenario(("reply", 429, {"Retry-After": "1"}), ("reply", 503, {}), OK)
        async with _base.AsyncAPIClient(base_url=server) as api:
            assert (await api.request(options("GET", path)))["n"] == 3
        assert len(script.seen) == 3 and waits[0] == 1.0
        path, script = scenario(("reply", 503, {}), ("reply", 503, {}), OK)
        async with _base.AsyncAPIClient(base_url=server) as api:
            await api.request(options("POST", path, body={}, body_kind="json"))  # a key made for it
            assert (
                len(script.seen) == 3 and len({seen.headers["idempotency-key"] for seen in script.seen}) == 1
            )
            path, script = scenario(("reply", 503, {}), OK)
            await api.request(options("POST", path, body={}, body_kind="json", idempotency_key="k"))
            assert [seen.headers["idempotency-key"] for seen in script.seen] == ["k", "k"]
            path, script = scenario(("reply", 503, {}))
            once = api.with_options(max_retries=0)
            assert once._http is api._http
            with pytest.raises(APIStatusError):
                await once.request(options("GET", path))
            assert len(script.seen) == 1
            await once.close()
            with pytest.raises(APIStatusError):
                await api.request(options("GET", path, max_retries=1))  # the pool is still open
            assert len(script.seen) == 3

    asyncio.run(main())


def test_backoff_and_retry_after_parsing() -> None:
    assert [_retry.backoff(n, rand=lambda: 0.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert _retry.backoff(0, rand=lambda: 1.0) == 0.375
    assert _retry.retry_after({"retry-after": "2.5"}) == 2.5
    assert _retry.retry_after({"retry-after": "-4"}) == 0.0
    assert _retry.retry_after({"retry-after": "soon"}) is None
    assert _retry.retry_after({}) is None
    assert _retry.retry_after({"retry-after": "60"}) == 60.0
    assert _retry.retry_after({"retry-after": "61"}) is None  # above the cap: backoff instead
    assert _retry.retry_after({"retry-after-ms": "90000"}) is None
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert _retry.retry_after({"retry-after": date}, now=lambda: 1_000_000) == 30.0
    assert _retry.may_retry_method("GET", None) and _retry.may_retry_method("PUT", None)
    assert not _retry.may_retry_method("POST", None) and _retry.may_retry_method("POST", "k")


def test_per_call_max_retries_and_timeout(server: str, waits: list[float]) -> None:
    path, script = scenario(("reply", 503, {}))
    with client(server) as api:
        with pytest.raises(APIStatusError):
            api.request(options("GET", path, max_retries=0))
        assert len(script.seen) == 1
        with pytest.raises(APIStatusError):
            api.request(options("GET", path, max_retries=4))  # more than the client's 2
        assert len(script.seen) == 1 + 5
        path, script = scenario(("hang", 200, {}))
        assert api.request(options("GET", path))["n"] == 1  # the client's timeout (60 s) outlasts the hang
        with pytest.raises(APITimeoutError):
            api.request(options("GET", path, timeout=0.1, max_retries=0))
        assert len(script.seen) == 2


def test_with_options_is_a_copy_sharing_the_pool(server: str, waits: list[float]) -> None:
    api = client(server, timeout=5.0)
    quick = api.with_options(timeout=0.1, max_retries=0, default_headers={"X-Copy": "1"})
    assert type(quick) is type(api) and quick._http is api._http
    assert (api.timeout, api.max_retries) == (5.0, 2) and (quick.timeout, quick.max_retries) == (0.1, 0)
    path, script = scenario(("hang", 200, {}))
    with pytest.raises(APITimeoutError):
        quick.request(options("GET", path))
    assert len(script.seen) == 1 and script.seen[0].headers["x-copy"] == "1"
    assert api.request(options("GET", path))["n"] == 2  # the original keeps its 5 s
    assert "x-copy" not in script.seen[1].headers
    path, script = scenario(("reply", 503, {}), ("reply", 503, {}), OK)
    with pytest.raises(APIStatusError):
        quick.request(options("GET", path))
    quick.close()  # a copy never closes the shared pool
    assert api.request(options("GET", path))["n"] == 3 and len(script.seen) == 3
    api.close()
    with pytest.raises(RuntimeError):  # closing the original does
        quick.request(options("GET", path))
    with pytest.raises(ValueError):
        api.with_options(max_retries=-1)


def test_generated_client_with_options_and_per_call_overrides(
    server: str, waits: list[float], sdk_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(sdk_dir / "src"))
    sdk = importlib.import_module(PACKAGE)
    Handler.scripts["/api/v1/health"] = health = Script([("reply", 503, {})])
    Handler.scripts["/api/v1/users/me"] = me = Script([OK])
    with sdk.Client(server, bearer_token="t-1") as api:
        with pytest.raises(sdk.APIStatusError):
            api.system.get_health(max_retries=0)
        assert len(health.seen) == 1
        copy = api.with_options(max_retries=1)
        assert copy.system is not api.system and copy.system._client is copy  # resources bound to the copy
        with pytest.raises(sdk.APIStatusError):
            copy.system.get_health()
        assert len(health.seen) == 1 + 2
        copy.set_credential("bearer", "t-2")  # the copy's credentials are its own
        # the stub's answer is no UserOut (its required fields are absent): the call fails at parse time
        with pytest.raises(sdk.APIResponseValidationError, match=r"UserOut\.id is required"):
            copy.users.get_current_user()
        with pytest.raises(sdk.APIResponseValidationError):
            api.users.get_current_user()
        assert [s.headers["authorization"] for s in me.seen] == ["Bearer t-2", "Bearer t-1"]
