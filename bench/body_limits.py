"""Peak RSS growth of the example service while it is sent a 200 MB body (issue 18's measurement).

Starts the service (`python -m app`, uvicorn, a fresh SQLite file) from ROOT, signs up, creates an
item and uploads one small image (so every lazy import has happened), then for each case resets the
process's peak RSS (`/proc/PID/clear_refs`), sends a 200 MB body as fast as the server takes it
(stopping when the answer comes) and reads the peak again (`VmHWM`). Linux only.

    PYTHONPATH=. .venv/bin/python bench/body_limits.py [--root DIR] [--mb 200]

`--root` serves another checkout (e.g. `git archive main | tar -x -C /tmp/main`) with this venv,
for a before/after comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2

from tests.contract.run import free_port, obtain_token, wait_until_up
from tests.live_http import chunked, exchange

HERE = Path(__file__).resolve().parent.parent
IMAGE_PART = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
    b"Content-Type: image/png\r\n\r\n"
)


def memory(pid: int, field: str) -> int:
    """A `VmRSS` / `VmHWM` line of /proc/PID/status, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def sized(first: bytes, size: int, piece: int = 65536) -> Iterator[bytes]:
    """`first`, then `x` up to `size` bytes in all, in pieces of `piece`."""
    yield first
    left = size - len(first)
    block = b"x" * piece
    while left > 0:
        yield block[: min(piece, left)]
        left -= piece


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to serve (default: this one)")
    parser.add_argument("--mb", type=int, default=200, help="the body's size in MB")
    args = parser.parse_args()
    size = args.mb * 1_000_000
    root = args.root.resolve()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "SECRET_KEY": "bench-" + "k" * 40,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(root), str(root / "runtime" / "src")]),
        }
        with (Path(tmp) / "server.log").open("wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "app", "--port", str(port)], cwd=root, env=env, stdout=log, stderr=log
            )
            try:
                wait_until_up(base, server)
                token = obtain_token(base)
                auth = {"Authorization": f"Bearer {token}"}
                item = httpx2.post(
                    f"{base}/api/v1/items",
                    json={"name": "Lamp", "price_cents": 1, "currency": "EUR"},
                    headers=auth,
                ).json()["id"]
                image = f"/api/v1/items/{item}/image"
                warm = httpx2.put(
                    base + image, files={"file": ("a.png", b"\x89PNG" + b"0" * 65, "image/png")}, headers=auth
                )
                assert warm.status_code == 200, warm.text
                rest = memory(server.pid, "VmRSS") / 2**20
                print(f"serving {root}, body {args.mb} MB; RSS at rest {rest:.1f} MiB")
                print(f"{'case':48} {'status':>6} {'seconds':>8} {'peak RSS growth':>16}")
                for label, path, media, with_token, mode in [
                    (
                        "createItem, token, Content-Length",
                        "/api/v1/items",
                        "application/json",
                        True,
                        "length",
                    ),
                    ("createItem, token, chunked", "/api/v1/items", "application/json", True, "chunked"),
                    (
                        "createItem, no token, Content-Length",
                        "/api/v1/items",
                        "application/json",
                        False,
                        "length",
                    ),
                    (
                        "uploadItemImage, token, Content-Length",
                        image,
                        "multipart/form-data; boundary=xyz",
                        True,
                        "length",
                    ),
                    (
                        "uploadItemImage, token, chunked",
                        image,
                        "multipart/form-data; boundary=xyz",
                        True,
                        "chunked",
                    ),
                    (
                        "uploadItemImage, no token, Content-Length",
                        image,
                        "multipart/form-data; boundary=xyz",
                        False,
                        "length",
                    ),
                ]:
                    headers = [
                        f"PUT {path} HTTP/1.1" if path == image else f"POST {path} HTTP/1.1",
                        "Host: bench",
                    ]
                    headers.append(f"Content-Type: {media}")
                    if with_token:
                        headers.append(f"Authorization: Bearer {token}")
                    first = IMAGE_PART if path == image else b'{"name": "'
                    if mode == "length":
                        headers.append(f"Content-Length: {size}")
                        body = sized(first, size)
                    else:
                        headers.append("Transfer-Encoding: chunked")
                        body = chunked(size, first=first)
                    Path(f"/proc/{server.pid}/clear_refs").write_text("5")  # peak RSS := current RSS
                    before = memory(server.pid, "VmRSS")
                    started = time.perf_counter()
                    response = exchange(port, "\r\n".join(headers), body, timeout=120)
                    seconds = time.perf_counter() - started
                    growth = memory(server.pid, "VmHWM") - before
                    print(f"{label:48} {response.status:>6} {seconds:>8.2f} {growth / 2**20:>12.1f} MiB")
            finally:
                server.terminate()
                server.wait(timeout=10)


if __name__ == "__main__":
    main()
