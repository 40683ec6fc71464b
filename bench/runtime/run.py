"""Benchmark: requests/s and p99 latency of five implementations of one small API, under wrk.

The API is bench/runtime/openapi.yaml (GET /items/{id}, GET /items, POST /items, GET /me behind a bearer
token). The apps, each a module of this folder exposing an ASGI ``app``:

* ``generated``: the package generated from the contract (gen_bench/) with hand-written handlers;
* ``fastapi``: the same API hand-written as the FastAPI docs teach it, the baseline of every ratio;
* ``litestar``: Litestar 2 with msgspec Structs;
* ``connexion``: Connexion 3 (``AsyncApp``) on the contract's OpenAPI 3.0 copy;
* ``starlette``: raw Starlette routes with Pydantic ``model_validate_json``/``model_dump_json``.

How, per round and per app (the app order rotates from round to round): uvicorn with uvloop and
httptools, one worker, no access log, pinned to CPU 0 with taskset, on a free 127.0.0.1 port; a bounded
wait for readiness; a check that every endpoint answers what the contract says (and the same data as
every other app); then per endpoint a warm-up and one wrk run pinned to CPU 1 (``-t2 -c64 -d10s
--latency``, a Lua script for the POST body and the Authorization header). The server is stopped after
its endpoints. Reported per endpoint and app: the median requests/s and the median p99 over the rounds,
and both against ``fastapi``. A run with non-2xx answers or socket errors is flagged.

``generated``, ``fastapi`` and ``starlette`` run from the repo's ``.venv``; litestar and connexion each
from a virtualenv of their own under ``<repo>/.bench/venvs/`` made on first use (``--upgrade`` refreshes
it), with the repo's uvicorn, uvloop and httptools versions so the server layer is the same for all.
wrk comes from Debian (``apt-get install wrk``) when missing.

``--profile APP`` instead records a py-spy profile of one app under load (py-spy installed into
``.bench/venvs/tools``) and prints where its time goes, by own time and grouped by package.

Output: a table per endpoint on stdout, progress on stderr, the figures in
``<repo>/reports/bench-runtime.json``. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import IO, Any

from bench_data import ITEM_COUNT, ME, TOKEN, iso, seed_items

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
REPO_PYTHON = REPO / ".venv" / "bin" / "python"
VENVS = REPO / ".bench" / "venvs"
REPORT = REPO / "reports" / "bench-runtime.json"
SPEC = HERE / "openapi.yaml"
SPEC_30 = HERE / "openapi-3.0.yaml"
GEN_PACKAGE = HERE / "gen_bench"
INSTALLED_MARKER = ".bench-installed"
BASELINE = "fastapi"
HOST = "127.0.0.1"
SERVER_CPU = "0"
LOAD_CPU = "1"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 5.0
LOG_TAIL_LINES = 12
BUSY_MACHINE_PCT = 10.0  # CPU used by other processes (of the whole machine) that flags a run as noisy
SERVER_STACK = ("uvicorn", "uvloop", "httptools")
VERSION_PACKAGES = (
    "uvicorn",
    "uvloop",
    "httptools",
    "starlette",
    "fastapi",
    "pydantic",
    "pydantic-core",
    "litestar",
    "msgspec",
    "connexion",
    "jsonschema",
    "py-spy",
)


@dataclass(frozen=True)
class App:
    """One implementation of the API: its module here, and the venv it runs from."""

    name: str
    module: str
    venv: str | None  # None: the repo's .venv; else a folder under .bench/venvs
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    """One operation as wrk loads it."""

    key: str  # the name in the report
    short: str  # the name on the command line
    method: str
    path: str
    status: int
    body: str | None = None
    token: bool = False


APPS = (
    App("generated", "generated_app", None),
    App("fastapi", "fastapi_app", None),
    App("litestar", "litestar_app", "litestar", ("litestar>=2,<3", "msgspec")),
    App("connexion", "connexion_app", "connexion", ("connexion>=3,<4",)),
    App("starlette", "starlette_app", None),
)
APP_NAMES = [app.name for app in APPS]
NEW_ITEM = {
    "name": "Bench item",
    "description": "Created by the benchmark.",
    "price_cents": 1999,
    "currency": "EUR",
    "tags": ["bench", "new"],
    "in_stock": True,
}
ENDPOINTS = (
    Endpoint("GET /items/{id}", "get_item", "GET", "/items/42", 200),
    Endpoint("GET /items", "list_items", "GET", "/items?limit=20&offset=0", 200),
    Endpoint("POST /items", "create_item", "POST", "/items", 201, body=json.dumps(NEW_ITEM)),
    Endpoint("GET /me", "get_me", "GET", "/me", 200, token=True),
)
ENDPOINT_NAMES = [e.short for e in ENDPOINTS]

# wrk's own summary, as one JSON line: exact microseconds rather than its rounded, unit-suffixed text.
LUA_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"p50_us":%.0f,"p90_us":%.0f,' ..
    '"p99_us":%.0f,"max_us":%.0f,"mean_us":%.1f,"connect_errors":%.0f,"read_errors":%.0f,' ..
    '"write_errors":%.0f,"non_2xx":%.0f,"timeouts":%.0f}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class Run:
    """One wrk run of one endpoint of one app."""

    round: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    bytes_per_response: float
    non_2xx: int
    socket_errors: int
    other_cpu_pct: float | None  # CPU the rest of the machine used meanwhile, % of all CPUs
    attempts: int = 1  # runs made to get this one (see --retries)

    @property
    def clean(self) -> bool:
        return self.non_2xx == 0 and self.socket_errors == 0

    @property
    def noisy(self) -> bool:
        return self.other_cpu_pct is not None and self.other_cpu_pct > BUSY_MACHINE_PCT


@dataclass
class Outcome:
    """Every round of one endpoint of one app, or why there is none."""

    runs: list[Run] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float | None:
        return statistics.median(r.rps for r in self.runs) if self.runs else None

    @property
    def p99_ms(self) -> float | None:
        return statistics.median(r.p99_ms for r in self.runs) if self.runs else None


class BenchError(Exception):
    """A problem that stops the benchmark (no wrk, no repo venv...): printed, exit 2."""


# ------------------------------------------------------------------------------------------- processes

LIVE: set[subprocess.Popen[bytes]] = set()


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, SIGKILL it if it lingers; it may already be gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    LIVE.discard(proc)


def stop_all() -> None:
    for proc in list(LIVE):
        stop(proc)


def on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def spawn(
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    stdout: IO[bytes] | int | None = None,
    stderr: IO[bytes] | int | None = None,
) -> subprocess.Popen[bytes]:
    """Start a child in its own session (Ctrl-C reaches only us; we stop it) and remember it."""
    proc = subprocess.Popen(
        argv,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
    )
    LIVE.add(proc)
    return proc


def tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------- tools


def require_tools(pin: bool) -> str:
    """wrk's path, installed from Debian if missing (as root); taskset when pinning."""
    if pin and shutil.which("taskset") is None:
        raise BenchError("taskset not found: install util-linux, or run with --no-pin")
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise BenchError("wrk not found: install it (Debian/Ubuntu: `sudo apt-get install -y wrk`)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in ("install", "update", "install"):
        progress(f"wrk not found: apt-get {attempt} ...")
        argv = (
            ["apt-get", "install", "-y", "-q", "wrk"] if attempt == "install" else ["apt-get", "update", "-q"]
        )
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        found = shutil.which("wrk")
        if found:
            return found
        if attempt == "update" and done.returncode != 0:
            break
    raise BenchError(
        f"wrk not found and `apt-get install -y wrk` failed:\n{tail(done.stderr or done.stdout)}"
    )


def installed_versions(python: Path) -> dict[str, str]:
    script = (
        "import importlib.metadata as m, json, sys\n"
        "def v(n):\n"
        "    try: return m.version(n)\n"
        "    except m.PackageNotFoundError: return None\n"
        "print(json.dumps({n: v(n) for n in sys.argv[1:]}))"
    )
    probe = subprocess.run(
        [str(python), "-c", script, *VERSION_PACKAGES], capture_output=True, text=True, check=False
    )
    try:
        versions: dict[str, str | None] = json.loads(probe.stdout)
    except ValueError:
        return {}
    return {name: version for name, version in versions.items() if version}


def server_stack_pins() -> list[str]:
    """The repo venv's uvicorn, uvloop and httptools, so every app runs on the same server layer."""
    versions = installed_versions(REPO_PYTHON)
    missing = [name for name in SERVER_STACK if name not in versions]
    if missing:
        raise BenchError(f"the repo venv lacks {', '.join(missing)} (run `make install`)")
    return [f"uvicorn[standard]=={versions['uvicorn']}"] + [f"{n}=={versions[n]}" for n in SERVER_STACK[1:]]


def ensure_venv(name: str, requirements: Sequence[str], upgrade: bool) -> Path:
    """A venv under .bench/venvs/, made on first use and remade when its requirements change."""
    venv = VENVS / name
    marker = venv / INSTALLED_MARKER
    wanted = "\n".join(requirements) + "\n"
    if marker.exists() and marker.read_text() == wanted and not upgrade:
        return venv
    if venv.exists() and not marker.exists():
        shutil.rmtree(venv)  # a half-made venv from an interrupted install
    if not venv.exists():
        progress(f"creating {venv} ...")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    progress(f"installing into {venv.relative_to(REPO)}: {' '.join(requirements)} ...")
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--upgrade",
            *requirements,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    marker.write_text(wanted)
    return venv


def app_python(app: App, pins: Sequence[str], upgrade: bool) -> Path:
    if app.venv is None:
        return REPO_PYTHON
    return ensure_venv(app.venv, [*app.requirements, *pins], upgrade) / "bin" / "python"


def stale_inputs() -> list[str]:
    """Warnings: gen_bench/ no longer what the generator makes of openapi.yaml; the 3.0 copy out of step."""
    warnings = []
    check = subprocess.run(
        [
            str(REPO_PYTHON),
            "-m",
            "specfirst",
            "check",
            str(SPEC.relative_to(REPO)),
            "--out",
            str(GEN_PACKAGE.relative_to(REPO)),
        ],
        cwd=REPO,
        env=repo_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        warnings.append(
            "gen_bench/ is not what the current generator makes of openapi.yaml (regenerate: "
            "python -m specfirst generate bench/runtime/openapi.yaml --out bench/runtime/gen_bench): "
            + (tail(check.stdout + check.stderr, 3).replace("\n", "; ") or f"exit {check.returncode}")
        )
    expected = SPEC.read_text().replace("openapi: 3.1.0", "openapi: 3.0.3", 1)
    expected = re.sub(
        r'^(\s*)type: \[string, "null"\]$', r"\1type: string\n\1nullable: true", expected, flags=re.M
    )
    copy = "".join(line for line in SPEC_30.read_text().splitlines(keepends=True) if not line.startswith("#"))
    if copy != expected:
        warnings.append(f"{SPEC_30.name} is out of step with {SPEC.name} (connexion serves the copy)")
    return warnings


def repo_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def peer_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"):
        env.pop(name, None)
    return env


# ------------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    app: App
    port: int
    proc: subprocess.Popen[bytes]
    log: IO[bytes]

    def log_tail(self) -> str:
        self.log.seek(0)
        return tail(self.log.read().decode(errors="replace"))


def pinned(cpu: str, argv: list[str], pin: bool) -> list[str]:
    return ["taskset", "-c", cpu, *argv] if pin else argv


@contextlib.contextmanager
def serve(app: App, python: Path, pin: bool) -> Iterator[Server]:
    """uvicorn serving the app on a free port until the block ends; raises BenchError if it never answers."""
    port = free_port()
    argv = pinned(
        SERVER_CPU,
        [
            str(python),
            "-m",
            "uvicorn",
            f"{app.module}:app",
            "--app-dir",
            str(HERE),
            "--host",
            HOST,
            "--port",
            str(port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        pin,
    )
    env = repo_env() if app.venv is None else peer_env()
    with tempfile.TemporaryFile() as log:
        proc = spawn(argv, env=env, stdout=log, stderr=log)
        server = Server(app, port, proc, log)
        try:
            wait_ready(server)
            yield server
        finally:
            stop(proc)


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(f"exited with {server.proc.returncode} at start-up:\n{server.log_tail()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if request(server.port, "GET", "/items/1", timeout=1.0)[0] == 200:
                return
        time.sleep(0.1)
    raise BenchError(f"not answering GET /items/1 after {STARTUP_TIMEOUT:g}s:\n{server.log_tail()}")


def request(
    port: int,
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------- checks


def expected_body(endpoint: Endpoint) -> Any:
    items = [{**row, "created_at": iso(row["created_at"])} for row in seed_items()]
    if endpoint.short == "get_item":
        return items[41]
    if endpoint.short == "list_items":
        return items[:20]
    if endpoint.short == "get_me":
        return ME
    return {**NEW_ITEM}


def endpoint_headers(endpoint: Endpoint) -> dict[str, str]:
    headers = {"Content-Type": "application/json"} if endpoint.body is not None else {}
    if endpoint.token:
        headers["Authorization"] = f"Bearer {TOKEN}"
    return headers


def check_endpoint(port: int, endpoint: Endpoint) -> tuple[str | None, int]:
    """(what is wrong with the endpoint's answer or None, the body's size in bytes)."""
    status, headers, raw = request(
        port, endpoint.method, endpoint.path, endpoint.body, endpoint_headers(endpoint)
    )
    if status != endpoint.status:
        return f"answered {status}, not {endpoint.status}: {raw[:200]!r}", len(raw)
    if headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return f"content-type {headers.get('content-type')!r}, not application/json", len(raw)
    try:
        body = json.loads(raw)
    except ValueError:
        return f"not JSON: {raw[:200]!r}", len(raw)
    expected = expected_body(endpoint)
    if endpoint.short == "create_item":
        if not isinstance(body, dict):
            return "the created item is not an object", len(raw)
        item_id, created = body.pop("id", None), body.pop("created_at", None)
        if not isinstance(item_id, int) or item_id <= ITEM_COUNT or not isinstance(created, str):
            return f"bad id or created_at: {item_id!r}, {created!r}", len(raw)
        if headers.get("location") != f"/items/{item_id}":
            return f"Location {headers.get('location')!r}, not '/items/{item_id}'", len(raw)
    if body != expected:
        return f"unexpected body: {raw[:200]!r}", len(raw)
    return None, len(raw)


ERROR_CASES: tuple[tuple[str, str, str | None, dict[str, str], int], ...] = (
    ("GET", "/items/999999", None, {}, 404),
    ("GET", "/items/0", None, {}, 422),
    ("GET", "/items?limit=0", None, {}, 422),
    (
        "POST",
        "/items",
        '{"name": "", "price_cents": -1, "currency": "XXX"}',
        {"Content-Type": "application/json"},
        422,
    ),
    ("GET", "/me", None, {}, 401),
    ("GET", "/me", None, {"Authorization": "Bearer wrong"}, 401),
)


def check_errors(port: int) -> list[str]:
    """The declared errors: status and problem+json (reported, not fatal)."""
    problems = []
    for method, path, body, headers, status in ERROR_CASES:
        got, got_headers, _ = request(port, method, path, body, headers)
        media = got_headers.get("content-type", "").split(";")[0].strip()
        if got != status or media != "application/problem+json":
            problems.append(
                f"{method} {path}: {got} {media or '(no type)'}, contract says {status} problem+json"
            )
    return problems


# ------------------------------------------------------------------------------------------- wrk


def cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat; None where there is none.

    Busy is user, nice, system and steal: interrupt time is left out, as the loopback traffic of the
    benchmark itself is mostly processed there, outside any process's own time.
    """
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = fields
    return user + nice + system + steal, sum(fields)


def process_ticks(pid: int) -> int:
    """utime + stime of a live process, in clock ticks (0 if it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return 0


def children_ticks() -> int:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round((usage.ru_utime + usage.ru_stime) * os.sysconf("SC_CLK_TCK"))


class CpuMeter:
    """CPU used by the rest of the machine while a run lasts: all busy ticks less the server's and the
    children reaped meanwhile (wrk), as a percentage of all CPUs."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.start = cpu_ticks()
        self.server = process_ticks(server_pid)
        self.children = children_ticks()

    def other_pct(self) -> float | None:
        end = cpu_ticks()
        if self.start is None or end is None or end[1] <= self.start[1]:
            return None
        ours = (process_ticks(self.server_pid) - self.server) + (children_ticks() - self.children)
        other = (end[0] - self.start[0]) - ours
        return max(0.0, 100.0 * other / (end[1] - self.start[1]))


def machine_busy_pct(seconds: float = 1.0) -> float | None:
    start = cpu_ticks()
    time.sleep(seconds)
    end = cpu_ticks()
    if start is None or end is None or end[1] <= start[1]:
        return None
    return 100.0 * (end[0] - start[0]) / (end[1] - start[1])


def wait_quiet(limit: float) -> float | None:
    """Wait (at most `limit` seconds) until other processes use under BUSY_MACHINE_PCT of the CPUs."""
    deadline = time.monotonic() + limit
    busy = machine_busy_pct()
    told = False
    while busy is not None and busy > BUSY_MACHINE_PCT and time.monotonic() < deadline:
        if not told:
            progress(
                f"  the machine is busy ({busy:.0f}% CPU used by other processes): waiting up to {limit:g}s"
            )
            told = True
        busy = machine_busy_pct()
    if told and busy is not None and busy > BUSY_MACHINE_PCT:
        progress(f"  still {busy:.0f}% busy: going on; figures from a busy machine are flagged")
    return busy


def lua_script(endpoint: Endpoint, folder: Path) -> Path:
    lines = []
    if endpoint.method != "GET":
        lines.append(f'wrk.method = "{endpoint.method}"')
    if endpoint.body is not None:
        lines.append(f"wrk.body = {json.dumps(endpoint.body)}")
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    if endpoint.token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {TOKEN}"')
    path = folder / f"{endpoint.short}.lua"
    path.write_text("\n".join(lines) + "\n" + LUA_DONE)
    return path


def run_wrk(
    wrk: str, server: Server, endpoint: Endpoint, script: Path, duration: float, args: argparse.Namespace
) -> dict[str, float]:
    port = server.port
    argv = pinned(
        LOAD_CPU,
        [
            wrk,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{duration:g}s",
            "--latency",
            "-s",
            str(script),
            f"http://{HOST}:{port}{endpoint.path}",
        ],
        args.pin,
    )
    with tempfile.TemporaryFile() as out:
        meter = CpuMeter(server.proc.pid)
        proc = spawn(argv, stdout=out, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=duration + 30)
            other_cpu = meter.other_pct()
        except subprocess.TimeoutExpired:
            raise BenchError(f"wrk did not finish within {duration + 30:g}s") from None
        finally:
            stop(proc)
        out.seek(0)
        text = out.read().decode(errors="replace")
    line = next((ln for ln in text.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise BenchError(f"wrk failed (exit {proc.returncode}):\n{tail(text)}")
    figures: dict[str, float] = json.loads(line.removeprefix("BENCH_JSON "))
    if other_cpu is not None:
        figures["other_cpu_pct"] = other_cpu
    return figures


def to_run(round_no: int, figures: dict[str, float]) -> Run:
    requests = int(figures["requests"])
    seconds = figures["duration_us"] / 1e6
    return Run(
        round=round_no,
        rps=requests / seconds if seconds else 0.0,
        p50_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        requests=requests,
        bytes_per_response=figures["bytes"] / requests if requests else 0.0,
        non_2xx=int(figures["non_2xx"]),
        socket_errors=int(
            figures["connect_errors"] + figures["read_errors"] + figures["write_errors"] + figures["timeouts"]
        ),
        other_cpu_pct=round(figures["other_cpu_pct"], 1) if "other_cpu_pct" in figures else None,
    )


# ------------------------------------------------------------------------------------------- the benchmark


@dataclass
class AppReport:
    python: str
    versions: dict[str, str]
    checks: dict[str, str] = field(default_factory=dict)  # endpoint -> problem
    response_bytes: dict[str, int] = field(default_factory=dict)  # endpoint -> body size
    error_contract: list[str] = field(default_factory=list)
    problem: str | None = None


def bench_app_round(
    app: App,
    python: Path,
    round_no: int,
    wrk: str,
    scripts: dict[str, Path],
    endpoints: Sequence[Endpoint],
    outcomes: dict[tuple[str, str], Outcome],
    report: AppReport,
    args: argparse.Namespace,
) -> None:
    try:
        if args.quiet_wait > 0:
            wait_quiet(args.quiet_wait)
        with serve(app, python, args.pin) as server:
            if round_no == 1:
                report.error_contract = check_errors(server.port)
            for endpoint in endpoints:
                outcome = outcomes[(endpoint.key, app.name)]
                problem, size = check_endpoint(server.port, endpoint)
                report.response_bytes[endpoint.key] = size
                if problem:
                    report.checks[endpoint.key] = problem
                    outcome.failures.append(f"round {round_no}: {problem}")
                    progress(f"  {app.name} {endpoint.key}: FAILED the check: {problem}")
                    continue
                outcome.runs.append(measure(wrk, server, endpoint, scripts[endpoint.short], round_no, args))
    except (BenchError, OSError, http.client.HTTPException) as exc:
        reason = f"round {round_no}: {exc}"
        progress(f"  {app.name}: FAILED: {exc}")
        for endpoint in endpoints:
            outcomes[(endpoint.key, app.name)].failures.append(reason.splitlines()[0])
        report.problem = str(exc)


def measure(
    wrk: str, server: Server, endpoint: Endpoint, script: Path, round_no: int, args: argparse.Namespace
) -> Run:
    """One run (after a warm-up), repeated up to --retries times while other processes disturb it; the
    least disturbed attempt is kept."""
    attempts: list[Run] = []
    for attempt in range(args.retries + 1):
        if args.quiet_wait > 0 and attempt:
            wait_quiet(args.quiet_wait)
        if args.warmup > 0:
            run_wrk(wrk, server, endpoint, script, args.warmup, args)
        run = to_run(round_no, run_wrk(wrk, server, endpoint, script, args.duration, args))
        run.attempts = attempt + 1
        attempts.append(run)
        flag = "" if run.clean else f"  (non-2xx {run.non_2xx}, socket errors {run.socket_errors})"
        if run.noisy:
            flag += f"  (other processes used {run.other_cpu_pct:.0f}% of the CPUs)"
        figures = f"{run.rps:>9.0f} req/s  p99 {run.p99_ms:6.2f} ms"
        progress(f"  {server.app.name:<10} {endpoint.key:<16} {figures}{flag}")
        if not run.noisy:
            break
    return min(attempts, key=lambda r: r.other_cpu_pct or 0.0)


def benchmark(args: argparse.Namespace, apps: Sequence[App], endpoints: Sequence[Endpoint]) -> int:
    wrk = require_tools(args.pin)
    args.revision = git_revision()  # at the start: others may commit while it runs
    warnings = stale_inputs()
    for warning in warnings:
        progress(f"warning: {warning}")
    pins = server_stack_pins()
    reports: dict[str, AppReport] = {}
    pythons: dict[str, Path] = {}
    for app in apps:
        try:
            python = app_python(app, pins, args.upgrade)
        except (subprocess.CalledProcessError, OSError) as exc:
            log = getattr(exc, "stderr", None) or str(exc)
            reports[app.name] = AppReport("-", {}, problem=f"install failed: {tail(str(log), 3)}")
            progress(f"{app.name}: install failed:\n{tail(str(log))}")
            continue
        pythons[app.name] = python
        reports[app.name] = AppReport(str(python.parent.parent.relative_to(REPO)), installed_versions(python))
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False).stdout.splitlines()
    print_versions(reports, wrk_version[0] if wrk_version else "wrk ?")
    per_run = args.warmup + args.duration + 1
    estimate = args.rounds * len(pythons) * (len(endpoints) * per_run + 3)
    progress(
        f"at least {estimate / 60:.0f} min (more if a busy machine makes runs repeat): "
        f"{args.rounds} round(s) x {len(pythons)} app(s) x "
        f"{len(endpoints)} endpoint(s) x ({args.warmup:g}s warm-up + {args.duration:g}s)"
    )
    outcomes = {(e.key, a.name): Outcome() for e in endpoints for a in apps}
    for app in apps:
        if app.name not in pythons:
            for endpoint in endpoints:
                outcomes[(endpoint.key, app.name)].failures.append(reports[app.name].problem or "unavailable")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-runtime-") as folder:
        scripts = {e.short: lua_script(e, Path(folder)) for e in endpoints}
        runnable = [a for a in apps if a.name in pythons]
        for round_no in range(1, args.rounds + 1):
            shift = (round_no - 1) % max(len(runnable), 1)
            for app in runnable[shift:] + runnable[:shift]:
                progress(f"[round {round_no}/{args.rounds}] {app.name}")
                bench_app_round(
                    app,
                    pythons[app.name],
                    round_no,
                    wrk,
                    scripts,
                    endpoints,
                    outcomes,
                    reports[app.name],
                    args,
                )
    progress(f"done in {(time.monotonic() - started) / 60:.1f} min")
    print()
    for endpoint in endpoints:
        print(endpoint_table(endpoint, apps, outcomes) + "\n")
    print(
        f"ratios: req/s over {BASELINE}'s (>1: faster) and p99 over {BASELINE}'s (<1: lower latency); "
        f"medians of {args.rounds} round(s) of {args.duration:g}s, wrk -t{args.threads} -c{args.connections}"
    )
    for app in apps:
        report = reports[app.name]
        for problem in report.error_contract:
            print(f"note: {app.name}: {problem}")
    write_report(args, apps, endpoints, outcomes, reports, warnings, wrk_version[0] if wrk_version else "?")
    progress(f"\nfigures: {args.json}")
    return 0


def print_versions(reports: dict[str, AppReport], wrk_version: str) -> None:
    for name, report in reports.items():
        shown = ", ".join(f"{k} {v}" for k, v in report.versions.items() if k != "py-spy")
        print(f"{name:<10} ({report.python}): {shown or report.problem}")
    print(f"{wrk_version}; python {platform.python_version()}; {os.cpu_count()} CPUs\n", flush=True)


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def endpoint_table(endpoint: Endpoint, apps: Sequence[App], outcomes: dict[tuple[str, str], Outcome]) -> str:
    base = outcomes.get((endpoint.key, BASELINE))
    base_rps, base_p99 = (base.rps, base.p99_ms) if base else (None, None)
    rows = [["app", "req/s", "p99 ms", "req/s vs fastapi", "p99 vs fastapi", "note"]]
    for app in apps:
        outcome = outcomes[(endpoint.key, app.name)]
        rps, p99 = outcome.rps, outcome.p99_ms
        dirty = [r for r in outcome.runs if not r.clean]
        notes = []
        if dirty:
            notes.append(f"{len(dirty)} run(s) with non-2xx/socket errors")
        noisy = [r for r in outcome.runs if r.noisy]
        if noisy:
            notes.append(f"{len(noisy)} run(s) on a busy machine")
        if outcome.failures:
            notes.append(f"FAILED: {outcome.failures[0][:80]}")
        rows.append(
            [
                app.name,
                fmt(rps, ".0f"),
                fmt(p99, ".2f"),
                f"{rps / base_rps:.2f}x" if rps and base_rps else "-",
                f"{p99 / base_p99:.2f}x" if p99 and base_p99 else "-",
                "; ".join(notes),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"== {endpoint.key}  ({endpoint.method} {endpoint.path})"]
    for row in rows:
        cells = [
            c.ljust(w) if i in (0, len(row) - 1) else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "codegen", "runtime", "bench/runtime"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "working tree"
    return f"{head}{' + uncommitted changes to codegen/, runtime/ or bench/runtime/' if dirty else ''}"


def write_report(
    args: argparse.Namespace,
    apps: Sequence[App],
    endpoints: Sequence[Endpoint],
    outcomes: dict[tuple[str, str], Outcome],
    reports: dict[str, AppReport],
    warnings: list[str],
    wrk_version: str,
) -> None:
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for endpoint in endpoints:
        figures[endpoint.key] = {}
        for app in apps:
            outcome = outcomes[(endpoint.key, app.name)]
            if outcome.rps is not None and outcome.p99_ms is not None:
                figures[endpoint.key][app.name] = {
                    "rps": round(outcome.rps, 1),
                    "p99_ms": round(outcome.p99_ms, 3),
                }
    document: dict[str, Any] = {
        "endpoints": figures,
        "baseline": BASELINE,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": args.revision,
        "host": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "config": {
            "rounds": args.rounds,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "wrk": f"{wrk_version}: -t{args.threads} -c{args.connections} --latency",
            "server": "uvicorn --loop uvloop --http httptools --workers 1 --no-access-log",
            "pinning": f"server on CPU {SERVER_CPU}, wrk on CPU {LOAD_CPU}" if args.pin else "none",
            "statistic": "median over rounds of requests/s and, separately, of p99",
            "busy_machine": f"a run is flagged when other processes used > {BUSY_MACHINE_PCT:g}% of all CPUs",
            "paths": {e.key: f"{e.method} {e.path}" for e in endpoints},
        },
        "warnings": warnings,
        "apps": {name: asdict(report) for name, report in reports.items()},
        "runs": {
            endpoint.key: {
                app.name: [asdict(r) for r in outcomes[(endpoint.key, app.name)].runs] for app in apps
            }
            for endpoint in endpoints
        },
        "failures": {
            endpoint.key: {
                app.name: outcomes[(endpoint.key, app.name)].failures
                for app in apps
                if outcomes[(endpoint.key, app.name)].failures
            }
            for endpoint in endpoints
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2) + "\n")


# ------------------------------------------------------------------------------------------- profile

GROUPS = (  # (group, fragments of a frame's full file name); the first match wins
    ("our runtime (specfirst_runtime)", ("/specfirst_runtime/",)),
    ("generated package + handlers", ("/bench/runtime/",)),
    ("fastapi", ("/site-packages/fastapi/", "/site-packages/fastapi_offline/")),
    ("opentelemetry (FastAPI's telemetry check)", ("/site-packages/opentelemetry/",)),
    ("starlette", ("/site-packages/starlette/",)),
    ("litestar", ("/site-packages/litestar/",)),
    ("msgspec", ("/site-packages/msgspec/", "msgspec/_core")),
    ("connexion", ("/site-packages/connexion/",)),
    ("pydantic", ("/site-packages/pydantic/", "/site-packages/pydantic_core/", "_pydantic_core")),
    ("uvicorn", ("/site-packages/uvicorn/",)),
    ("event loop (uvloop, libuv, asyncio)", ("uvloop", "libuv", "/asyncio/", "_asynciomodule")),
    ("httptools", ("httptools/parser", "llhttp")),
    ("kernel I/O (libc read/write on sockets)", ("libc.so",)),
    ("CPython interpreter", ("libpython", "/Python-3.", "include/python3.", "Include/")),
)
# Inclusive cost centres of a request: (label, frame pattern, ancestor pattern). A sample counts once if
# a frame of its stack matches the pattern below a frame matching the ancestor pattern (if any). The two
# without a pattern are differences: FastAPI.__call__ without the router, and everything outside the app.
ENDPOINT_CALL = r"^Endpoint\.__call__ "
COST_CENTRES: tuple[tuple[str, str | None, str | None], ...] = (
    ("ASGI app, all of it (uvicorn's run_asgi)", r"^RequestResponseCycle\.run_asgi ", None),
    ("  FastAPI/Starlette middleware stack (FastAPI.__call__ minus the router)", None, None),
    (
        "    of which FastAPI's native telemetry check (NativeTelemetry.enabled)",
        r"^NativeTelemetry\.enabled ",
        None,
    ),
    (
        "  Starlette routes tried before the contract's (docs, openapi.json)",
        r"^(Route|APIRoute|Mount)\.matches ",
        None,
    ),
    ("  contract routes: matching (PathRoute.matches)", r"^PathRoute\.matches ", None),
    ("  contract route: handling (PathRoute.handle)", r"^PathRoute\.handle ", None),
    ("    Endpoint.__call__ (the compiled operation)", ENDPOINT_CALL, None),
    ("      security (Authenticator.authenticate)", r"^Authenticator\.authenticate ", ENDPOINT_CALL),
    ("      parameters (Endpoint.parse_params)", r"^Endpoint\.parse_params ", ENDPOINT_CALL),
    ("      body (Endpoint.parse_body)", r"^Endpoint\.parse_body ", ENDPOINT_CALL),
    (
        "      handler instance, AsyncExitStack",
        r"^(Endpoint\._compile_handler|AsyncExitStack|_BaseExitStack)",
        ENDPOINT_CALL,
    ),
    ("      the handler itself (bench/runtime/*_app.py)", r"/bench/runtime/[a-z_]+_app\.py", ENDPOINT_CALL),
    ("      rendering (Endpoint.render: serialisation, Response)", r"^Endpoint\.render ", ENDPOINT_CALL),
    ("      request.state look-ups (State.__getattr__)", r"^State\.__getattr__ ", ENDPOINT_CALL),
    (
        "    sending the response (Response.__call__, up through every middleware)",
        r"^Response\.__call__ ",
        None,
    ),
    (
        "      of which the socket write",
        r"^(write|UVStream_write|UVStream__initiate_write) ",
        r"^Response\.__call__ ",
    ),
    ("outside the app: HTTP parsing, event loop, socket reads", None, None),
)
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def frame_file(frame: str) -> str:
    found = FRAME.match(frame)
    return found.group("file") if found else frame


def group_of(frame: str) -> str:
    """The package a frame's own time belongs to; the interpreter's and libc's C frames are `other`."""
    file = frame_file(frame)
    for name, fragments in GROUPS:
        if any(fragment in file for fragment in fragments):
            return name
    if file.startswith("<frozen") or re.search(r"/lib/python3\.\d+/(?!site-packages/)", file):
        return "python stdlib"
    return "other (interpreter, libc, kernel entry)"


def profile(args: argparse.Namespace, app: App, endpoint: Endpoint) -> int:
    """py-spy on one app under wrk load: collapsed stacks to a file, own time by function and by group."""
    wrk = require_tools(args.pin)
    pins = server_stack_pins()
    python = app_python(app, pins, args.upgrade)
    tools = ensure_venv("tools", ["py-spy"], args.upgrade)
    py_spy = tools / "bin" / "py-spy"
    out = args.json.with_name(f"bench-runtime-profile-{app.name}.txt")
    out.parent.mkdir(parents=True, exist_ok=True)
    seconds = args.profile_seconds
    with (
        tempfile.TemporaryDirectory(prefix="bench-runtime-") as folder,
        serve(app, python, args.pin) as server,
    ):
        problem, _ = check_endpoint(server.port, endpoint)
        if problem:
            raise BenchError(f"{app.name} {endpoint.key}: {problem}")
        script = lua_script(endpoint, Path(folder))
        if args.warmup > 0:
            run_wrk(wrk, server, endpoint, script, args.warmup, args)
        progress(f"profiling {app.name} on {endpoint.key} for {seconds:g}s (pid {server.proc.pid}) ...")
        load_argv = [
            wrk,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds + 4:g}s",
            "-s",
            str(script),
            f"http://{HOST}:{server.port}{endpoint.path}",
        ]
        load = spawn(
            pinned(LOAD_CPU, load_argv, args.pin), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            time.sleep(1.0)
            argv = [
                str(py_spy),
                "record",
                "--pid",
                str(server.proc.pid),
                "--duration",
                f"{seconds:g}",
                "--rate",
                str(args.profile_rate),
                "--format",
                "raw",
                "--full-filenames",
                "--output",
                str(out),
            ]
            if args.native:
                argv.append("--native")
            recorded = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=seconds + 60)
        finally:
            stop(load)
    if recorded.returncode != 0 or not out.exists():
        raise BenchError(
            f"py-spy failed (exit {recorded.returncode}):\n{tail(recorded.stderr or recorded.stdout)}"
        )
    print(summarise_profile(out.read_text(), args.top))
    progress(f"\ncollapsed stacks: {out}")
    return 0


def summarise_profile(collapsed: str, top: int) -> str:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += count
        own[function_of(frames[-1])] += count
        groups[group_of(frames[-1])] += count
        for function in {function_of(frame) for frame in frames}:
            inclusive[function] += count
    if not total:
        return "no samples"
    centres = cost_centres(collapsed)
    lines = [f"{total} samples", "", "where a request's time goes (inclusive):"]
    lines += [f"  {100 * n / total:5.1f}%  {label}" for label, n in centres if n]
    lines += ["", "own time by group:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in groups.most_common()]
    lines += ["", f"top {top} functions by own time:"]
    lines += [f"  {100 * n / total:5.1f}%  {short_frame(f)}" for f, n in own.most_common(top)]
    lines += ["", f"top {top} Python functions by inclusive time (below the frames in every sample):"]
    below = [(f, n) for f, n in inclusive.most_common() if n < 0.995 * total and f.endswith(".py)")]
    lines += [f"  {100 * n / total:5.1f}%  {short_frame(f)}" for f, n in below[:top]]
    return "\n".join(lines)


def cost_centres(collapsed: str) -> list[tuple[str, int]]:
    """Samples per cost centre (see COST_CENTRES)."""
    counts: Counter[str] = Counter()
    compiled = [
        (label, re.compile(pattern), re.compile(scope) if scope else None)
        for label, pattern, scope in COST_CENTRES
        if pattern
    ]
    fastapi_call, router = re.compile(r"^FastAPI\.__call__ "), re.compile(r"^Router\.__call__ ")
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = stack.split(";")
        count = int(count_text)
        counts["total"] += count
        for label, pattern, scope in compiled:
            start = 0
            if scope is not None:
                start = next((i + 1 for i, frame in enumerate(frames) if scope.search(frame)), len(frames))
            if any(pattern.search(frame) for frame in frames[start:]):
                counts[label] += count
        if any(fastapi_call.search(f) for f in frames) and not any(router.search(f) for f in frames):
            counts[COST_CENTRES[1][0]] += count
    counts[COST_CENTRES[-1][0]] = counts["total"] - counts[COST_CENTRES[0][0]]
    return [(label, counts[label]) for label, _, _ in COST_CENTRES]


def function_of(frame: str) -> str:
    """`fn (file.py:12)` -> `fn (file.py)`: samples of every line of a function together."""
    return re.sub(r":\d+\)$", ")", frame)


def short_frame(frame: str) -> str:
    """`fn (/long/path/site-packages/pkg/mod.py:12)` -> `fn (pkg/mod.py:12)`."""
    prefixes = [r"[^()]*?/site-packages/", r"[^()]*?/lib/python3\.\d+/", re.escape(str(REPO) + "/")]
    return re.sub(r"\((?:" + "|".join(prefixes) + ")", "(", frame)


# ------------------------------------------------------------------------------------------- main


def split_names(values: Sequence[str]) -> list[str]:
    return [name.strip() for item in values for name in item.split(",") if name.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Requests/s and p99 of five implementations of one API (generated, FastAPI, Litestar, "
        "Connexion, Starlette) under wrk; ratios against FastAPI.",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, metavar="N", help="rounds, apps alternating (default 3)"
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, metavar="SECONDS", help="per wrk run (default 10)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="wrk warm-up before each measured run, not counted (default 2; 0: none)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="APP",
        help=f"run only these apps (repeatable or comma-separated): {', '.join(APP_NAMES)}",
    )
    parser.add_argument(
        "--endpoint",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these endpoints (repeatable or comma-separated): {', '.join(ENDPOINT_NAMES)}",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help=f"before each server start, wait at most this long for other processes to use under "
        f"{BUSY_MACHINE_PCT:g}%% of the CPUs (default 30; 0: do not wait)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        metavar="N",
        help=f"repeat a run during which other processes used over {BUSY_MACHINE_PCT:g}%% of the CPUs up "
        "to N times, after waiting for quiet; the least disturbed is kept (default 2)",
    )
    parser.add_argument("--threads", type=int, default=2, metavar="N", help="wrk threads (default 2)")
    parser.add_argument(
        "--connections", type=int, default=64, metavar="N", help="wrk connections (default 64)"
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help=f"do not pin the server to CPU {SERVER_CPU} and wrk to CPU {LOAD_CPU}",
    )
    parser.add_argument(
        "--upgrade", action="store_true", help="reinstall the latest peers (and py-spy) first"
    )
    parser.add_argument(
        "--json", type=Path, default=REPORT, metavar="PATH", help=f"figures (default {REPORT})"
    )
    parser.add_argument(
        "--profile",
        choices=APP_NAMES,
        metavar="APP",
        help="instead of benchmarking, profile APP with py-spy under load on one endpoint",
    )
    parser.add_argument("--profile-seconds", type=float, default=10.0, metavar="SECONDS")
    parser.add_argument(
        "--profile-rate", type=int, default=250, metavar="HZ", help="py-spy samples per second"
    )
    parser.add_argument(
        "--native", action="store_true", help="py-spy --native: C frames (uvloop, pydantic-core)"
    )
    parser.add_argument(
        "--top", type=int, default=25, metavar="N", help="functions listed in a profile summary"
    )
    args = parser.parse_args(argv)
    args.only = split_names(args.only)
    args.endpoint = split_names(args.endpoint)
    unknown = sorted(set(args.only) - set(APP_NAMES)) + sorted(set(args.endpoint) - set(ENDPOINT_NAMES))
    if unknown:
        parser.error(f"unknown app or endpoint: {', '.join(unknown)}")
    if args.retries < 0:
        parser.error("--retries must be at least 0")
    if args.rounds < 1 or args.duration <= 0 or args.warmup < 0 or args.profile_seconds <= 0:
        parser.error("--rounds must be at least 1; --duration and --profile-seconds positive; --warmup >= 0")
    if args.pin and (os.cpu_count() or 1) < 2:
        parser.error("pinning needs 2 CPUs (server on one, wrk on the other): use --no-pin")
    if args.profile and len(args.endpoint) > 1:
        parser.error("--profile takes one --endpoint")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not REPO_PYTHON.exists():
        print(f"no {REPO_PYTHON.relative_to(REPO)}: run `make install` first", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    apps = [a for a in APPS if not args.only or a.name in args.only]
    endpoints = [e for e in ENDPOINTS if not args.endpoint or e.short in args.endpoint]
    try:
        if args.profile:
            app = next(a for a in APPS if a.name == args.profile)
            return profile(args, app, endpoints[0])
        return benchmark(args, apps, endpoints)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
