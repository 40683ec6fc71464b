"""Benchmark: wall time and peak memory of OpenAPI code generators on the real specs.

What it measures, per (generator, spec) pair:

* wall time: ``time.perf_counter()`` around one cold subprocess, from just before it is spawned to
  just after it is reaped; nothing is kept between runs, each writes into a fresh temporary folder;
* peak memory: ``ru_maxrss`` of the rusage that ``os.wait4(pid, 0)`` returns for that child alone
  (not the benchmark's own, not the other runs'). On Linux the kernel folds in the peak of every
  descendant the child itself waited for, as a *maximum*, not a sum: a tool that forks helpers
  (ours validates in a forked process; openapi-python-client runs ``ruff`` as post-hooks) is
  reported at the peak of its largest single process; concurrent helpers are not added up and a
  helper the tool never reaps is not counted;
* what it wrote: number of files and KiB under its output path (a tool that exits 0 having
  written nothing is counted as failed).

The generators: ``ours`` (``<repo>/.venv/bin/python -m specfirst generate``) and three peers from
PyPI, each installed at its latest version into its own virtualenv under ``<repo>/.bench/venvs/``
on first use and reused afterwards (``--upgrade`` reinstalls the latest). A run that exits non-zero
or exceeds ``--timeout`` is reported as FAILED with a short reason, never as a number. With
``--rounds N`` every pair runs N times (interleaved) and the medians are reported.

Output: a table per spec on stdout, then the peers' time and peak ratios against ``ours``;
progress goes to stderr; the raw figures go to ``<repo>/reports/bench-generator.json``.
Standard library only, so any python3 (3.11+) runs it: ``python3 bench/generator.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPECS = REPO.parent / "shared" / "specs"
VENVS = REPO / ".bench" / "venvs"
REPORT = REPO / "reports" / "bench-generator.json"
MULTI_FILE_SPEC = Path("redocly-cafe") / "openapi.yaml"
LARGE_SPECS = (Path("large") / "openai.yaml",)  # 3 MB, 3.1, faults of its own (--lenient)
INSTALLED_MARKER = ".bench-installed"
SPEC_SUFFIXES = {".yaml", ".yml", ".json"}
OURS = "ours"
REASON_WIDTH = 90
LOG_TAIL_LINES = 12  # of a failed run's stderr, kept in the JSON report


@dataclass(frozen=True)
class Spec:
    """One OpenAPI document to feed every generator."""

    name: str
    entry: Path
    size: int
    files: int


@dataclass(frozen=True)
class Invocation:
    """One command line and the path it writes its output to."""

    argv: list[str]
    output: Path


InvocationBuilder = Callable[[Path, Path], list[Invocation]]


@dataclass(frozen=True)
class Tool:
    """A generator ready to run on any spec, or the reason it cannot run at all."""

    name: str
    version: str
    env: dict[str, str]
    build: InvocationBuilder
    retry_marker: str | None = None
    retry_note: str = ""
    problem: str | None = None


@dataclass(frozen=True)
class Peer:
    """A generator from PyPI, run from the console script of its own virtualenv."""

    package: str
    executable: str
    build: Callable[[Path, Path, Path], list[Invocation]]
    retry_marker: str | None = None
    retry_note: str = ""


@dataclass
class Measurement:
    """The figures of one subprocess run."""

    wall_s: float
    peak_mib: float
    exit_code: int | None
    timed_out: bool
    reason: str = ""
    files: int = 0
    out_kib: float = 0.0
    note: str = ""
    log_tail: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclass
class Result:
    """The outcome of one generator on one spec over all rounds."""

    spec: str
    spec_bytes: int
    generator: str
    ok: bool
    reason: str
    wall_s: float | None
    peak_mib: float | None
    files: int | None
    out_kib: float | None
    note: str
    rounds: list[Measurement] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- specs


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of the YAML/JSON files in a multi-file spec's folder."""
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.suffix in SPEC_SUFFIXES]
    return sum(sizes), len(sizes)


def discover_specs(specs_dir: Path, min_size: int) -> list[Spec]:
    """Every ``*.yaml`` directly in the folder, the multi-file spec and the large ones, bigger than
    ``min_size``."""
    entries = sorted(specs_dir.glob("*.yaml"))
    multi = specs_dir / MULTI_FILE_SPEC
    if multi.is_file():
        entries.append(multi)
    entries += [specs_dir / large for large in LARGE_SPECS if (specs_dir / large).is_file()]
    specs = []
    for entry in entries:
        size, files = folder_size(entry.parent) if entry == multi else (entry.stat().st_size, 1)
        if size > min_size:
            specs.append(Spec(str(entry.relative_to(specs_dir)), entry, size, files))
    return specs


# ------------------------------------------------------------------------------------------- running


def last_meaningful_line(text: str) -> str:
    """The last line with a letter or digit, stripped of rich's box-drawing frame."""
    for line in reversed(text.splitlines()):
        cleaned = line.strip().strip("│╭╮╰╯─ ").strip()
        if any(ch.isalnum() for ch in cleaned):
            return cleaned
    return ""


def shorten(text: str, width: int = REASON_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def kill_group(pgid: int) -> None:
    """SIGKILL a process group (the child and any helpers it started); it may already be gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def read_all(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", errors="replace")


def maxrss_mib(maxrss: int) -> float:
    """``ru_maxrss`` is in KiB on Linux and in bytes on macOS."""
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def output_footprint(output: Path) -> tuple[int, float]:
    """Files written and their total size in KiB under an output path (a file or a folder)."""
    if output.is_file():
        return 1, output.stat().st_size / 1024
    if not output.is_dir():
        return 0, 0.0
    sizes = [p.stat().st_size for p in output.rglob("*") if p.is_file()]
    return len(sizes), sum(sizes) / 1024


def run_measured(invocation: Invocation, cwd: Path, env: dict[str, str], timeout: float) -> Measurement:
    """Run one command in its own session; wall time around it and its ``wait4`` peak RSS."""
    timed_out = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            invocation.argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )

        def on_timeout() -> None:
            timed_out.set()
            kill_group(proc.pid)

        timer = threading.Timer(timeout, on_timeout)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting
        kill_group(proc.pid)  # helpers the tool left running, if any
        stderr, stdout = read_all(err), read_all(out)
    files, out_kib = output_footprint(invocation.output)
    measurement = Measurement(
        wall_s=wall,
        peak_mib=maxrss_mib(usage.ru_maxrss),
        exit_code=None if timed_out.is_set() else proc.returncode,
        timed_out=timed_out.is_set(),
        files=files,
        out_kib=out_kib,
    )
    measurement.reason = failure_reason(measurement, stderr or stdout, timeout)
    if measurement.reason:
        measurement.log_tail = (stderr or stdout).strip().splitlines()[-LOG_TAIL_LINES:]
    return measurement


def failure_reason(measurement: Measurement, log: str, timeout: float) -> str:
    """Empty for a good run, else a one-line reason."""
    if measurement.timed_out:
        return f"timeout after {timeout:g}s"
    if measurement.exit_code != 0:
        detail = last_meaningful_line(log) or "(no output)"
        return f"exit {measurement.exit_code}: {detail}"
    if measurement.files == 0:
        return "exit 0 but wrote nothing"
    return ""


def run_once(tool: Tool, spec: Spec, timeout: float) -> Measurement:
    """One cold run in a fresh temporary folder, falling back to the next invocation if told to."""
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{tool.name}-"))
    try:
        invocations = tool.build(spec.entry, workdir)
        measurement = run_measured(invocations[0], workdir, tool.env, timeout)
        for fallback in invocations[1:]:
            if measurement.ok or not tool.retry_marker or tool.retry_marker not in measurement.reason:
                break
            measurement = run_measured(fallback, workdir, tool.env, timeout)
            measurement.note = tool.retry_note
        return measurement
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def summarize(tool: Tool, spec: Spec, rounds: list[Measurement]) -> Result:
    """Medians over the rounds, or the first failure."""
    failed = [m for m in rounds if not m.ok]
    if failed:
        flaky = f"in {len(failed)}/{len(rounds)} rounds, " if len(failed) < len(rounds) else ""
        return failed_result(tool, spec, flaky + failed[0].reason, rounds)
    return Result(
        spec=spec.name,
        spec_bytes=spec.size,
        generator=tool.name,
        ok=True,
        reason="",
        wall_s=statistics.median(m.wall_s for m in rounds),
        peak_mib=statistics.median(m.peak_mib for m in rounds),
        files=rounds[-1].files,
        out_kib=rounds[-1].out_kib,
        note=next((m.note for m in rounds if m.note), ""),
        rounds=rounds,
    )


def failed_result(tool: Tool, spec: Spec, reason: str, rounds: list[Measurement]) -> Result:
    return Result(spec.name, spec.size, tool.name, False, reason, None, None, None, None, "", rounds)


def unavailable(tool: Tool, spec: Spec) -> Result:
    return failed_result(tool, spec, tool.problem or "unavailable", [])


# ------------------------------------------------------------------------------------------- tools


def tool_env(bin_dir: Path, pythonpath: Path | None = None) -> dict[str, str]:
    """The inherited environment with the tool's own ``bin`` first on PATH (post-hooks find ruff)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    env["COLUMNS"] = "200"  # rich error panels: one long line rather than a wrapped frame
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONHOME", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return env


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "codegen"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "working tree"
    return f"working tree @ {head}{' + uncommitted codegen changes' if dirty else ''}"


def prepare_ours() -> Tool:
    """``python -m specfirst generate`` from the repo's venv, with ``--no-cache`` if it has one."""
    python = REPO / ".venv" / "bin" / "python"
    env = tool_env(python.parent, pythonpath=REPO)
    # --lenient: the peers accept slightly invalid real documents (opc-baseline) without a word; ours
    # refuses them by default, which is right for a user's own contract but not a speed comparison.
    # --force: a cold run every time, never the no-op of an unchanged spec.
    extra: list[str] = ["--lenient", "--force"]

    def build(spec: Path, workdir: Path) -> list[Invocation]:
        out = workdir / "generated"
        return [
            Invocation(
                [str(python), "-m", "specfirst", "generate", str(spec), "--out", str(out), *extra], out
            )
        ]

    if not python.exists():
        return Tool(OURS, "-", env, build, problem=f"no {python.relative_to(REPO)} (run `make install`)")
    version = git_revision()
    probe = subprocess.run(
        [str(python), "-m", "specfirst", "generate", "--help"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        reason = last_meaningful_line(probe.stderr or probe.stdout) or f"exit {probe.returncode}"
        return Tool(OURS, version, env, build, problem=shorten(f"`generate --help` failed: {reason}"))
    if "--no-cache" in probe.stdout:
        extra.append("--no-cache")
    return Tool(OURS, version, env, build)


def ensure_venv(package: str, upgrade: bool) -> Path:
    """The peer's virtualenv, created and filled on first use (or refreshed with ``upgrade``)."""
    venv = VENVS / package
    marker = venv / INSTALLED_MARKER
    if marker.exists() and not upgrade:
        return venv
    if not marker.exists() and venv.exists():
        shutil.rmtree(venv)  # a half-made venv from an interrupted install
    if not venv.exists():
        print(f"creating {venv} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    print(f"installing the latest {package} ...", file=sys.stderr, flush=True)
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--upgrade",
            package,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    marker.write_text(package + "\n")
    return venv


def installed_version(venv: Path, package: str) -> str:
    probe = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            f"import importlib.metadata as m; print(m.version({package!r}))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() or "?"


def prepare_peer(peer: Peer, upgrade: bool) -> Tool:
    """Install (or reuse) the peer's venv; a failed install makes it unavailable, not fatal."""
    venv = VENVS / peer.package
    exe = venv / "bin" / peer.executable
    env = tool_env(exe.parent)

    def build(spec: Path, workdir: Path) -> list[Invocation]:
        return peer.build(exe, spec, workdir)

    try:
        ensure_venv(peer.package, upgrade)
    except (subprocess.CalledProcessError, OSError) as exc:
        log = getattr(exc, "stderr", None) or ""
        log = log if isinstance(log, str) else log.decode(errors="replace")
        reason = f"install failed: {last_meaningful_line(log) or exc}"
        return Tool(peer.package, "-", env, build, problem=shorten(reason))
    if not exe.exists():
        return Tool(peer.package, "-", env, build, problem=f"no {peer.executable} in {venv}")
    return Tool(
        peer.package, installed_version(venv, peer.package), env, build, peer.retry_marker, peer.retry_note
    )


def fastapi_codegen(exe: Path, spec: Path, workdir: Path) -> list[Invocation]:
    out = workdir / "out"
    return [Invocation([str(exe), "--input", str(spec), "--output", str(out)], out)]


def openapi_python_client(exe: Path, spec: Path, workdir: Path) -> list[Invocation]:
    # --meta none: the bare package, no pyproject, closest to what ours writes
    out = workdir / "out"
    argv = [
        str(exe),
        "generate",
        "--path",
        str(spec),
        "--output-path",
        str(out),
        "--overwrite",
        "--meta",
        "none",
    ]
    return [Invocation(argv, out)]


def datamodel_codegen(exe: Path, spec: Path, workdir: Path) -> list[Invocation]:
    """One ``models.py``; specs whose schemas form several modules need a folder instead."""
    common = [str(exe), "--input", str(spec), "--input-file-type", "openapi"]
    model_type = ["--output-model-type", "pydantic_v2.BaseModel"]
    single, package = workdir / "models.py", workdir / "models"
    return [
        Invocation([*common, "--output", str(single), *model_type], single),
        Invocation([*common, "--output", str(package), *model_type], package),
    ]


PEERS = [
    Peer("fastapi-code-generator", "fastapi-codegen", fastapi_codegen),
    Peer("openapi-python-client", "openapi-python-client", openapi_python_client),
    Peer(
        "datamodel-code-generator",
        "datamodel-codegen",
        datamodel_codegen,
        retry_marker="require an output directory",
        retry_note="modular output: timed the rerun with an output folder",
    ),
]
GENERATOR_NAMES = [OURS, *(peer.package for peer in PEERS)]


def prepare_tools(names: Sequence[str], upgrade: bool) -> list[Tool]:
    tools = []
    for name in names:
        if name == OURS:
            tools.append(prepare_ours())
        else:
            tools.append(prepare_peer(next(p for p in PEERS if p.package == name), upgrade))
    return tools


# ------------------------------------------------------------------------------------------- reporting


def human_size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / (1024 * 1024):.1f} MiB"


def result_row(result: Result) -> list[str]:
    if not result.ok:
        return [result.generator, "-", "-", "-", "-", f"FAILED: {shorten(result.reason)}"]
    assert result.wall_s is not None and result.peak_mib is not None and result.out_kib is not None
    status = "ok" + (f" ({result.note})" if result.note else "")
    return [
        result.generator,
        f"{result.wall_s:.2f}",
        f"{result.peak_mib:.1f}",
        str(result.files),
        f"{result.out_kib:.0f}",
        status,
    ]


def format_table(rows: list[list[str]]) -> str:
    """Plain text columns: the first and last left-aligned, the figures right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(width) if i in (0, len(row) - 1) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def spec_table(spec: Spec, results: list[Result]) -> str:
    files = f", {spec.files} files" if spec.files > 1 else ""
    header = ["generator", "wall s", "peak MiB", "files", "out KiB", "status"]
    title = f"== {spec.name}  ({human_size(spec.size)}{files})"
    return title + "\n" + format_table([header, *(result_row(r) for r in results)])


def ratio_lines(results: list[Result], peers: Sequence[str]) -> list[str]:
    """Each peer's wall time and peak memory over ours, on the specs where both completed."""
    ours = {r.spec: r for r in results if r.generator == OURS and r.ok}
    lines = []
    for peer in peers:
        rows = []
        for result in results:
            mine = ours.get(result.spec)
            if result.generator != peer or not result.ok or mine is None:
                continue
            assert result.wall_s and result.peak_mib and mine.wall_s and mine.peak_mib
            rows.append(
                [
                    f"  {result.spec}",
                    f"{result.wall_s / mine.wall_s:.2f}x",
                    f"{result.peak_mib / mine.peak_mib:.2f}x",
                ]
            )
        if not rows:
            lines.append(f"{peer}: no spec where both it and ours completed")
            continue
        lines.append(f"{peer} vs ours (>1 means the peer is slower / bigger):")
        lines.append(format_table([["  spec", "time", "peak"], *rows]))
    return lines


def write_report(path: Path, args: argparse.Namespace, tools: list[Tool], results: list[Result]) -> None:
    report: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "specs_dir": str(args.specs),
        "rounds": args.rounds,
        "timeout_s": args.timeout,
        "peak_memory": "ru_maxrss from os.wait4 of each child: its own peak or its largest reaped helper's",
        "tools": {t.name: {"version": t.version, "problem": t.problem} for t in tools},
        "results": [asdict(r) for r in results],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


# ------------------------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Wall time and peak RSS of OpenAPI code generators (ours and peers) on real specs.",
    )
    parser.add_argument(
        "--specs",
        type=Path,
        default=DEFAULT_SPECS,
        metavar="DIR",
        help=f"folder of specs (default: {DEFAULT_SPECS})",
    )
    parser.add_argument(
        "--min-size",
        type=int,
        default=0,
        metavar="BYTES",
        help="only specs bigger than this (the multi-file spec counts all its files)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only this generator (repeatable or comma-separated): {', '.join(GENERATOR_NAMES)}",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, metavar="N", help="runs per pair; the median is reported"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="a run taking longer is killed and reported as failed (default: 300)",
    )
    parser.add_argument(
        "--upgrade", action="store_true", help="reinstall the latest version of each peer first"
    )
    parser.add_argument(
        "--json", type=Path, default=REPORT, metavar="PATH", help=f"raw figures (default: {REPORT})"
    )
    args = parser.parse_args(argv)
    args.only = [name.strip() for item in args.only for name in item.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(GENERATOR_NAMES))
    if unknown:
        parser.error(f"unknown generator(s) {', '.join(unknown)}; choose from {', '.join(GENERATOR_NAMES)}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not args.specs.is_dir():
        parser.error(f"--specs {args.specs}: not a folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n for n in GENERATOR_NAMES if not args.only or n in args.only]
    specs = discover_specs(args.specs, args.min_size)
    if not specs:
        print(f"no spec in {args.specs} is bigger than {args.min_size} bytes", file=sys.stderr)
        return 2
    tools = prepare_tools(names, args.upgrade)
    print("\n".join(f"{t.name}: {t.version}" for t in tools) + "\n", flush=True)
    results: list[Result] = []
    for spec in specs:
        rounds: dict[str, list[Measurement]] = {t.name: [] for t in tools}
        for round_no in range(1, args.rounds + 1):
            for tool in tools:
                if tool.problem:
                    continue
                print(
                    f"[{spec.name}] {tool.name} round {round_no}/{args.rounds}", file=sys.stderr, flush=True
                )
                rounds[tool.name].append(run_once(tool, spec, args.timeout))
        spec_results = [
            unavailable(t, spec) if t.problem else summarize(t, spec, rounds[t.name]) for t in tools
        ]
        results.extend(spec_results)
        print(spec_table(spec, spec_results) + "\n", flush=True)
    print("\n".join(ratio_lines(results, [n for n in names if n != OURS])))
    write_report(args.json, args, tools, results)
    print(f"\nraw figures: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
