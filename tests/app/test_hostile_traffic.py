"""The example service under hostile traffic, served by uvicorn in its own process (`python -m app`).

Bodies too large for the contract are refused before they are read (and without a token, before
anything else), MAX_UPLOAD_BYTES is the image limit, and a client that leaves mid-body leaves no
ERROR in the service's log.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from tests.contract.run import example_service, obtain_token
from tests.live_http import chunked, closed_by_server, exchange

ROOT = Path(__file__).resolve().parents[2]
BIG = 200_000_000
UPLOAD_LIMIT = 2000  # MAX_UPLOAD_BYTES, well below the contract's 1 MiB
IMAGE_PART = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
    b"Content-Type: image/png\r\n\r\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 61  # 69 bytes; the service stores what it is given


@dataclass
class Service:
    port: int
    log: Path
    token: str
    item_id: int

    def head(self, method: str, path: str, *headers: str) -> str:
        return "\r\n".join([f"{method} {path} HTTP/1.1", "Host: test", *headers])


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    settings = {
        "MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT),
        "LOG_LEVEL": "DEBUG",  # the disconnect's debug line must be written, and nothing worse
    }
    with example_service(tmp_path_factory.mktemp("hostile"), **settings) as (base, log):
        token = obtain_token(base)
        created = httpx2.post(
            f"{base}/api/v1/items",
            json={"name": "Lamp", "price_cents": 100, "currency": "EUR"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        yield Service(int(base.rsplit(":", 1)[1]), log, token, created.json()["id"])


def log_lines(service: Service) -> list[dict[str, object]]:
    lines = []
    for line in service.log.read_text().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            lines.append({"level": "unparsed", "message": line})
    return lines


def test_a_200_mb_item_is_refused_before_it_is_sent(service: Service) -> None:
    closed: list[bool] = []
    response = exchange(
        service.port,
        service.head(
            "POST",
            "/api/v1/items",
            f"Authorization: Bearer {service.token}",
            "Content-Type: application/json",
            f"Content-Length: {BIG}",
        ),
        after=lambda sock: closed.append(closed_by_server(sock)),
    )
    assert response.status == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["connection"] == "close"
    assert response.headers["x-request-id"]
    assert closed == [True]


def test_a_chunked_image_is_refused_once_it_passes_the_limit(service: Service) -> None:
    response = exchange(
        service.port,
        service.head(
            "PUT",
            f"/api/v1/items/{service.item_id}/image",
            f"Authorization: Bearer {service.token}",
            "Content-Type: multipart/form-data; boundary=xyz",
            "Transfer-Encoding: chunked",
        ),
        chunked(BIG, first=IMAGE_PART),  # a well-formed part whose file never ends
    )
    assert response.status == 413
    assert response.headers["connection"] == "close"


def test_no_token_and_a_big_body_is_a_quick_401(service: Service) -> None:
    started = time.monotonic()
    response = exchange(
        service.port,
        service.head(
            "PUT",
            f"/api/v1/items/{service.item_id}/image",
            "Content-Type: multipart/form-data; boundary=xyz",
            f"Content-Length: {BIG}",
        ),
        (b"x" * 65536 for _ in range(BIG // 65536)),  # sent until the answer comes
    )
    assert response.status == 401
    assert response.headers["connection"] == "close"
    assert time.monotonic() - started < 5


def test_max_upload_bytes_is_the_image_limit(service: Service) -> None:
    url = f"http://127.0.0.1:{service.port}/api/v1/items/{service.item_id}/image"
    auth = {"Authorization": f"Bearer {service.token}"}
    with httpx2.Client(headers=auth) as client:
        small = client.put(url, files={"file": ("a.png", PNG, "image/png")})
        too_big = client.put(url, files={"file": ("b.png", PNG * 30, "image/png")})  # 2070 bytes
        again = client.put(url, files={"file": ("a.png", PNG, "image/png")}, data={"caption": "again"})
    assert small.status_code == 200, small.text
    assert small.json()["size"] == len(PNG)
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    assert again.status_code == 200


def test_a_client_leaving_mid_body_is_not_an_error(service: Service) -> None:
    # the reproduction from issue 18: an invalid chunk, then the client is gone
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", service.port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"
            )
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as sock:  # leaves mid-body
        sock.sendall(b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
        sock.sendall(b'Content-Length: 1000\r\n\r\n{"email": ')
    deadline = time.monotonic() + 10
    while sum("disconnected" in str(e.get("message")) for e in log_lines(service)) < 21:
        assert time.monotonic() < deadline, log_lines(service)[-5:]
        time.sleep(0.05)  # the server writes its log asynchronously; bounded by the deadline
    lines = log_lines(service)
    assert [e for e in lines if e.get("level") in ("error", "critical", "unparsed")] == []
    assert all(e["level"] == "debug" for e in lines if "disconnected" in str(e.get("message")))
    assert httpx2.get(f"http://127.0.0.1:{service.port}/api/v1/health").status_code == 200
