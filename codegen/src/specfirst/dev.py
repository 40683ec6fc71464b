"""`specfirst dev`: serve an app with reload while the contract and the code are edited.

uvicorn's reloader serves the app and restarts it when a `.py` file under the watched folders (the app's
and the generated package's) changes. This process watches the spec's folder beside it: an edit of the
spec regenerates the package in place, which the reloader then picks up. A spec that does not generate
prints its located errors and leaves the package as it was, so the last good app keeps serving.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .diagnostics import Diagnostic, SpecError
from .pipeline import Options, generate
from .write import WriteError

POLL_SECONDS = 0.2
SPEC_SUFFIXES = (".yaml", ".yml", ".json")


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.render(), file=sys.stderr, flush=True)


def regenerate(spec: Path, out: Path, options: Options) -> bool:
    """Generate once, saying what happened; False when the spec has errors (nothing is written)."""
    started = time.perf_counter()
    try:
        changed, diagnostics = generate(spec, out, options)
    except SpecError as exc:
        _report(exc.diagnostics)
        errors = sum(1 for d in exc.diagnostics if d.severity == "error")
        print(
            f"{spec}: {errors} error(s); {out} unchanged, the last good app keeps serving",
            file=sys.stderr,
            flush=True,
        )
        return False
    except WriteError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return False
    _report(diagnostics)
    state = "generated" if changed else "up to date"
    print(f"{out}: {state} ({time.perf_counter() - started:.2f}s)", file=sys.stderr, flush=True)
    return True


def spec_state(spec: Path) -> dict[Path, tuple[int, int]]:
    """(mtime, size) of every YAML or JSON file in the spec's folder and below: a change to any is an edit
    (a multi-file contract refers to its neighbours)."""
    state = {}
    for path in sorted(spec.resolve().parent.rglob("*")):
        if path.suffix in SPEC_SUFFIXES and path.is_file():
            stat = path.stat()
            state[path] = (stat.st_mtime_ns, stat.st_size)
    return state


def serve(
    spec: Path,
    out: Path,
    options: Options,
    *,
    app: str,
    factory: bool,
    watch: Sequence[Path],
    host: str,
    port: int,
) -> int:
    """Generate, start uvicorn with reload, then regenerate on every spec edit until uvicorn exits."""
    regenerate(spec, out, options)
    command = [sys.executable, "-m", "uvicorn", app, "--host", host, "--port", str(port), "--reload"]
    command += ["--factory"] * factory
    log_config = _log_config()
    command += ["--log-config", str(log_config)]
    for folder in (*watch, out):
        command += ["--reload-dir", str(folder)]
    print(f"serving {app} on http://{host}:{port}; watching {spec.parent}/ and {', '.join(map(str, watch))}")
    server = subprocess.Popen(command)
    # a SIGTERM (from a supervisor, or a test) stops uvicorn too, as Ctrl-C does
    signal.signal(signal.SIGTERM, _interrupt)
    seen = spec_state(spec)
    try:
        while server.poll() is None:
            time.sleep(POLL_SECONDS)
            now = spec_state(spec)
            if now != seen:
                seen = now
                print(f"{spec}: changed, regenerating", file=sys.stderr, flush=True)
                regenerate(spec, out, options)
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log_config.unlink(missing_ok=True)
    return 0


def _log_config() -> Path:
    """uvicorn's own logging, plus the runtime's `contract` logger at INFO: its start-up line lists the
    operations answering 501 (an app that configures logging itself still does so in its factory)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["contract"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    path = Path(tempfile.gettempdir()) / f"specfirst-dev-logging-{os.getpid()}.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
