"""A real uvicorn on 127.0.0.1 in a thread, and a raw HTTP/1.1 client for requests no polite client sends.

Used by the hostile-traffic tests (tests/codegen/test_limits.py, tests/app/test_hostile_traffic.py):
bodies announced but never sent, chunked bodies that do not stop, clients that leave mid-body.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from tests.contract.run import free_port


@contextmanager
def serve(app: Any) -> Iterator[int]:
    """Serve `app` with uvicorn on 127.0.0.1 in a thread; yields the port; stops it on exit."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ready = threading.Event()
    while not server.started and thread.is_alive():  # uvicorn sets `started` once it listens
        ready.wait(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes


def read_response(sock: socket.socket) -> RawResponse:
    """One response from `sock`: status line, headers, and a Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"the connection closed before a response: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return RawResponse(status, headers, rest[:length])


def exchange(
    port: int,
    head: str,
    body: Iterable[bytes] = (),
    *,
    timeout: float = 10,
    after: Callable[[socket.socket], None] | None = None,
) -> RawResponse:
    """Send `head` (the request line and headers, CRLF-separated, without the blank line) and the
    pieces of `body` from a second thread while this one reads the response: the server may answer
    (and close) long before the body is sent, and the answer must be read before the reset arrives.
    The body stops as soon as the response has come. `after` gets the socket once it has been read.
    """
    answered = threading.Event()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n\r\n")

        def send_body() -> None:
            try:
                for piece in body:
                    if answered.is_set():
                        return
                    sock.sendall(piece)
            except OSError:
                pass  # the server closed the connection: what a refused body expects

        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        try:
            response = read_response(sock)
        finally:
            answered.set()
        sender.join(timeout=timeout)
        if after is not None:
            after(sock)
        return response


def closed_by_server(sock: socket.socket) -> bool:
    """True when the server has closed its end (EOF or reset), waiting at most the socket's timeout."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def chunked(total: int, piece: int = 64 * 1024, first: bytes = b"") -> Iterator[bytes]:
    """A chunked body of `total` bytes in pieces of `piece` (the first chunk `first`, if given),
    with its last chunk."""
    if first:
        yield f"{len(first):x}\r\n".encode() + first + b"\r\n"
    sent = len(first)
    block = b"x" * piece
    while sent < total:
        size = min(piece, total - sent)
        yield f"{size:x}\r\n".encode() + block[:size] + b"\r\n"
        sent += size
    yield b"0\r\n\r\n"
