"""Benchmark: the generated Python SDK's per-request overhead against raw httpx2 on the running service.

The SDK imports `httpx2` (its one HTTP dependency, with pydantic), so the baseline is the same library used
by hand: one `httpx2.Client` (keep-alive pool, redirects followed, as the SDK's own), `raise_for_status()`
and `.json()` on the answer, nothing else. The SDK adds what a caller gets for free: the URL and headers
built from the contract, auth, the retry loop, status checks and parsing into the contract's models.

How: the example service (`python -m app`, uvicorn) on a free 127.0.0.1 port with a temporary SQLite
`DATABASE_URL`; the SDK generated from spec/openapi.yaml into a temporary folder and imported from
there; a user signed up and logged in, a few items created. Then per operation (GET one item, GET a
page of 20, GET the caller behind a bearer token, POST create behind a bearer token; creation last, so
the table the others read does not grow under them): a warm-up, then `--rounds` rounds of `--requests`
sequential requests through `Client` and as many through raw httpx2, interleaved one by one (who goes
first alternates), each timed on its own, so a machine busy with other work slows both sides alike.
Reported per operation: the median wall time per request (µs) over every sample, the median of the
client's own CPU time per request (µs, `time.thread_time`: what the SDK costs this process), and the
ratio SDK/raw of the wall medians (goal: at most 1.10). Each round's medians go to
reports/bench-sdk.json too.

    python bench/sdk.py [--requests 200] [--rounds 9] [--json reports/bench-sdk.json]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx2  # noqa: E402

from specfirst.sdk import generate_python_sdk  # noqa: E402

SPEC = REPO / "spec" / "openapi.yaml"
REPORT = REPO / "reports" / "bench-sdk.json"
HOST = "127.0.0.1"
PREFIX = "/api/v1"
GOAL = 1.10
STARTUP_TIMEOUT = 60.0
WARMUP = 30


@dataclass
class Result:
    operation: str
    sdk_us: float  # median wall time per request
    raw_us: float
    sdk_cpu_us: float  # median client CPU time per request
    raw_cpu_us: float
    ratio: float  # sdk_us / raw_us
    rounds_sdk_us: list[float]  # the median of each round
    rounds_raw_us: list[float]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def service(tmp: Path) -> Iterator[str]:
    """The example service on a free port with a fresh SQLite database; its base URL."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        "SECRET_KEY": os.urandom(32).hex(),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }
    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"the service exited with {server.returncode}:\n{log_path.read_text()}")
                try:
                    with urllib.request.urlopen(f"{base}{PREFIX}/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"the service did not answer within {STARTUP_TIMEOUT} s")
                time.sleep(0.1)  # polling for readiness, bounded by the deadline
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


def load_sdk(tmp: Path) -> Any:
    """The SDK generated from the contract into `tmp`, imported from there."""
    out = generate_python_sdk(SPEC, tmp / "sdk")
    (package,) = [p.name for p in (out / "src").iterdir() if (p / "__init__.py").exists()]
    sys.path.insert(0, str(out / "src"))
    return importlib.import_module(package)


def measure(
    name: str, sdk_call: Callable[[int], object], raw_call: Callable[[int], object], n: int, rounds: int
) -> Result:
    """Each request timed on its own, SDK and raw interleaved one by one (who goes first alternates)."""
    for i in range(WARMUP):
        sdk_call(i)
        raw_call(i)
    calls = {"sdk": sdk_call, "raw": raw_call}
    wall: dict[str, list[float]] = {"sdk": [], "raw": []}
    cpu: dict[str, list[float]] = {"sdk": [], "raw": []}
    per_round: dict[str, list[float]] = {"sdk": [], "raw": []}
    counter = WARMUP
    for _ in range(rounds):
        round_wall: dict[str, list[float]] = {"sdk": [], "raw": []}
        for k in range(n):
            for side in ("sdk", "raw") if k % 2 == 0 else ("raw", "sdk"):
                cpu0, wall0 = time.thread_time_ns(), time.perf_counter_ns()
                calls[side](counter)
                elapsed = (time.perf_counter_ns() - wall0) / 1000
                cpu[side].append((time.thread_time_ns() - cpu0) / 1000)
                round_wall[side].append(elapsed)
            counter += 1
        for side, samples in round_wall.items():
            wall[side].extend(samples)
            per_round[side].append(round(statistics.median(samples), 1))
    sdk_us, raw_us = statistics.median(wall["sdk"]), statistics.median(wall["raw"])
    return Result(
        operation=name,
        sdk_us=round(sdk_us, 1),
        raw_us=round(raw_us, 1),
        sdk_cpu_us=round(statistics.median(cpu["sdk"]), 1),
        raw_cpu_us=round(statistics.median(cpu["raw"]), 1),
        ratio=round(sdk_us / raw_us, 3),
        rounds_sdk_us=per_round["sdk"],
        rounds_raw_us=per_round["raw"],
    )


def checked(response: httpx2.Response) -> Any:
    """What a careful hand-written caller does with an answer: fail on an error status, decode the JSON."""
    response.raise_for_status()
    return response.json()


def run(base: str, sdk: Any, n: int, rounds: int) -> list[Result]:
    email = f"bench-{os.urandom(4).hex()}@example.com"
    password = "bench-password"
    tag = os.urandom(3).hex()
    with sdk.Client(base) as client, httpx2.Client(follow_redirects=True) as http:
        client.users.create_user(body={"email": email, "display_name": "Bench", "password": password})
        token = client.login(email, password)["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        ids = [
            client.items.create_item(body={"name": f"seed {tag} {i}", "price_cents": 100 + i}).id
            for i in range(20)
        ]
        item = ids[0]

        # the two paths must agree before their times mean anything
        if client.items.get_item(item).model_dump(mode="json") != checked(
            http.get(f"{base}{PREFIX}/items/{item}")
        ):
            raise SystemExit("get_item: the SDK and raw httpx2 disagree")
        me = checked(http.get(f"{base}{PREFIX}/users/me", headers=auth))
        if client.users.get_current_user().email != me["email"]:
            raise SystemExit("get_current_user: the SDK and raw httpx2 disagree")

        def create_body(i: int, who: str) -> dict[str, Any]:
            return {"name": f"bench {tag} {who} {i}", "price_cents": i}

        operations: list[tuple[str, Callable[[int], object], Callable[[int], object]]] = [
            (
                "GET /items/{itemId}",
                lambda i: client.items.get_item(item),
                lambda i: checked(http.get(f"{base}{PREFIX}/items/{item}")),
            ),
            (
                "GET /items?limit=20",
                lambda i: client.items.list_items(limit=20),
                lambda i: checked(http.get(f"{base}{PREFIX}/items", params={"limit": 20})),
            ),
            (
                "GET /users/me (bearer)",
                lambda i: client.users.get_current_user(),
                lambda i: checked(http.get(f"{base}{PREFIX}/users/me", headers=auth)),
            ),
            (
                "POST /items (bearer)",
                lambda i: client.items.create_item(body=create_body(i, "sdk")),
                lambda i: checked(
                    http.post(f"{base}{PREFIX}/items", json=create_body(i, "raw"), headers=auth)
                ),
            ),
        ]
        results = []
        for name, sdk_call, raw_call in operations:
            print(f"  {name} ...", file=sys.stderr, flush=True)
            results.append(measure(name, sdk_call, raw_call, n, rounds))
        return results


def table(results: list[Result]) -> str:
    head = (
        f"{'operation':<26} {'SDK µs':>9} {'httpx2 µs':>10} {'ratio':>7}"
        f" {'SDK cpu µs':>11} {'httpx2 cpu µs':>14}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.operation:<26} {r.sdk_us:>9.0f} {r.raw_us:>10.0f} {r.ratio:>7.3f}"
            f" {r.sdk_cpu_us:>11.0f} {r.raw_cpu_us:>14.0f}"
        )
    worst = max(r.ratio for r in results)
    verdict = "within" if worst <= GOAL else "ABOVE"
    lines.append(f"worst ratio {worst:.3f}: {verdict} the goal of {GOAL:.2f}")
    return "\n".join(lines)


def git_revision() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per round and side")
    parser.add_argument("--rounds", type=int, default=9, help="rounds per operation (SDK and raw alternate)")
    parser.add_argument("--json", type=Path, default=REPORT, help="where the figures go")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.rounds < 1:
        parser.error("--requests and --rounds must be at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-sdk-") as folder:
        tmp = Path(folder)
        sdk = load_sdk(tmp)
        with service(tmp) as base:
            print(f"SDK {sdk.__name__} {sdk.__version__} against {base}", file=sys.stderr)
            results = run(base, sdk, args.requests, args.rounds)
    print(table(results))
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_revision(),
        "python": platform.python_version(),
        "httpx2": httpx2.__version__,
        "requests_per_round": args.requests,
        "rounds": args.rounds,
        "goal_ratio": GOAL,
        "results": [asdict(r) for r in results],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"figures in {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
