"""Our `python -m specfirst diff` against Optic's `optic diff --check`, on every spec pair of the diff tests.

For each folder under ``tests/codegen/specs/diff/`` (``old.yaml`` -> ``new.yaml``, and the same pair
reversed, named ``FOLDER:reversed``) and the golden pair of real consecutive versions (``golden``:
``v1.yaml`` -> ``v2.yaml``, and reversed), both tools are asked whether the change breaks a client of OLD:

* ours: ``<repo>/.venv/bin/python -m specfirst diff OLD NEW --format json --flat`` (one entry per
  operation, as Optic reports); breaking = a change whose severity is ``breaking``;
* Optic: ``optic diff OLD NEW --check`` with its breaking-change rules, told not to skip a pair whose
  ``info.version`` changes major number (ours report those too; the gate is ``--allow-major``). Its
  ``--json`` prints only the changelog, not the checks, so it runs with ``CI=true``, which makes it
  write every check result to ``ci-run-details.json`` in its working folder (a fresh temporary one per
  run); breaking = a failed, non-exempted check of severity error (what makes ``--check`` exit 1).

Breaking findings are grouped by operation (path parameter names erased, ``-`` for the whole contract),
and each (pair, operation) is classified as both / only-ours / only-optic (``neither`` for a pair where
nobody sees anything breaking). Where the tools disagree is checked against the expectations file
(``tests/codegen/specs/diff/optic-expectations.txt``), one line per known disagreement with a verdict:
who is right, thinking as a client of OLD. A disagreement not listed there, a listed one that no longer
happens, or a pair a tool could not diff makes the exit status 1; a broken set-up (no npm, an install
that fails, an unreadable expectations file) makes it 2.

Optic (``@useoptic/optic``, pinned below) is installed with npm into ``<repo>/.bench/optic`` on first
use and reused afterwards; telemetry and the update check are switched off. A table goes to stdout, the
full comparison to ``<repo>/reports/optic-compare.json``. Standard library only; ``make optic-compare``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PAIRS = REPO / "tests" / "codegen" / "specs" / "diff"
EXPECTATIONS = PAIRS / "optic-expectations.txt"
OPTIC_DIR = REPO / ".bench" / "optic"
REPORT = REPO / "reports" / "optic-compare.json"
OPTIC_VERSION = "1.0.9"
# Optic 1.0.9's dependency ranges resolve to an ajv that breaks it: pinned, as its own lock file would
PACKAGE_JSON: dict[str, Any] = {
    "name": "optic-compare",
    "private": True,
    "description": "throw-away install of Optic for bench/optic_compare.py",
    "dependencies": {"@useoptic/optic": OPTIC_VERSION},
    "overrides": {"ajv": "8.20.0"},
}
OPTIC_ENV = {"CI": "true", "OPTIC_TELEMETRY_LEVEL": "off", "NO_UPDATE_NOTIFIER": "1"}
# Optic's breaking-change rules skip a pair whose info.version changes major number; ours report it and
# leave the semver gate to `--allow-major`. The rules are compared here, so neither tool skips.
STANDARD = "ruleset:\n  - breaking-changes:\n      skip_when_major_version_changes: false\n"
REVERSED = ":reversed"
WHOLE_CONTRACT = "-"
TIMEOUT = 120.0
_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"})
_PATH_PARAMETER = re.compile(r"\{[^}/]*\}")


class SetupError(Exception):
    """The comparison cannot run at all (exit 2)."""


class Kind(StrEnum):
    BOTH = "both"
    OURS = "only-ours"
    OPTIC = "only-optic"
    NEITHER = "neither"


def classify(ours: bool, optic: bool) -> Kind:
    """Who calls it breaking."""
    if ours and optic:
        return Kind.BOTH
    if ours:
        return Kind.OURS
    return Kind.OPTIC if optic else Kind.NEITHER


# --- the pairs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    name: str  # the folder's name, with `:reversed` for NEW -> OLD
    old: Path
    new: Path


def discover_pairs(folder: Path = PAIRS) -> list[Pair]:
    """Every `old.yaml`/`new.yaml` folder and the golden `v1.yaml`/`v2.yaml`, each both ways."""
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        for before, after in (("old.yaml", "new.yaml"), ("v1.yaml", "v2.yaml")):
            old, new = sub / before, sub / after
            if old.is_file() and new.is_file():
                found += [Pair(sub.name, old, new), Pair(sub.name + REVERSED, new, old)]
    return found


# --- what each tool says --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One tool on one pair: its breaking findings by operation, its warnings, or why it failed."""

    breaking: dict[str, list[str]] = field(default_factory=dict)  # operation -> rule names
    warnings: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)  # each breaking finding in the tool's own words


def operation_key(label: str) -> str:
    """`GET /items/{itemId}` -> `GET /items/{}`: the tools may name a path parameter differently."""
    return _PATH_PARAMETER.sub("{}", label.strip())


def ours_outcome(changes: Sequence[Mapping[str, Any]]) -> Outcome:
    """From `codegen diff --format json`: a list of changes with severity, rule and operation."""
    breaking: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    reasons = []
    for change in changes:
        severity, operation = str(change.get("severity")), str(change.get("operation", WHOLE_CONTRACT))
        into = {"breaking": breaking, "warning": warnings}.get(severity)
        if into is not None:
            into.setdefault(operation, []).append(str(change.get("rule")))
        if severity == "breaking":
            reasons.append(f"{operation}: {change.get('reason')}")
    return Outcome(breaking, warnings, reasons=reasons)


def optic_operation(where: str) -> str:
    """Optic's `where` starts with the operation (`GET /items response 200 ...`) unless the check is
    about the whole contract."""
    words = where.split()
    if len(words) >= 2 and words[0].upper() in _METHODS and words[1].startswith("/"):
        return f"{words[0].upper()} {words[1]}"
    return WHOLE_CONTRACT


def optic_outcome(details: Mapping[str, Any]) -> Outcome:
    """From Optic's `ci-run-details.json`: failed checks of severity error (2) break, warn (1) warns."""
    failed = details.get("failed") or []
    if failed:
        return Outcome(error="; ".join(str(f.get("error", f)) for f in failed if isinstance(f, Mapping)))
    breaking: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    reasons = []
    for run in details.get("completed") or []:
        for result in run.get("comparison", {}).get("results") or []:
            if result.get("passed") or result.get("exempted"):
                continue
            severity, where = result.get("severity", 2), str(result.get("where", ""))
            into = breaking if severity >= 2 else warnings if severity == 1 else None
            if into is not None:
                into.setdefault(optic_operation(where), []).append(str(result.get("name")))
            if severity >= 2:
                reasons.append(f"{where}: {result.get('error')}")
    return Outcome(breaking, warnings, reasons=reasons)


def run_ours(pair: Pair, python: Path) -> Outcome:
    command = [
        *(str(python), "-m", "specfirst", "diff", str(pair.old), str(pair.new)),
        *("--format", "json", "--flat"),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, env=env, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return Outcome(error=f"timed out after {TIMEOUT:.0f} s")
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        return Outcome(error=_tail(done.stderr) or f"exit {done.returncode}", seconds=seconds)
    try:
        outcome = ours_outcome(json.loads(done.stdout))
    except ValueError:  # a crash before the report (exit 1 from a traceback) must not stop the others
        return Outcome(error=_tail(done.stderr) or "no JSON report", seconds=seconds)
    if (done.returncode == 1) != bool(outcome.breaking):  # the exit status and the report must agree
        return Outcome(error=f"exit {done.returncode} with {len(outcome.breaking)} breaking operation(s)")
    return replace(outcome, seconds=seconds)


@dataclass(frozen=True)
class Optic:
    binary: Path
    standard: Path  # the rules `--check` runs


def run_optic(pair: Pair, optic: Optic) -> Outcome:
    command = [
        *(str(optic.binary), "diff", str(pair.old), str(pair.new)),
        *("--check", "--json", "--standard", str(optic.standard)),
    ]
    with tempfile.TemporaryDirectory(prefix="optic-compare-") as folder:
        started = time.perf_counter()
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                cwd=folder,
                env={**os.environ, **OPTIC_ENV},
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Outcome(error=f"timed out after {TIMEOUT:.0f} s")
        seconds = time.perf_counter() - started
        details = Path(folder) / "ci-run-details.json"
        if not details.is_file():
            return Outcome(error=_tail(done.stderr + done.stdout) or f"exit {done.returncode}, no results")
        outcome = optic_outcome(json.loads(details.read_text()))
    if outcome.error is None and (done.returncode != 0) != bool(outcome.breaking):
        return Outcome(error=f"exit {done.returncode} with {len(outcome.breaking)} breaking operation(s)")
    return replace(outcome, seconds=seconds)


def _version(package_json: Path) -> str | None:
    try:
        return str(json.loads(package_json.read_text()).get("version"))
    except (OSError, ValueError, AttributeError):
        return None


def _tail(text: str) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-3:])


# --- classification -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One operation of one pair, and who calls it breaking."""

    pair: str
    operation: str
    kind: Kind
    ours: tuple[str, ...]
    optic: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return self.pair, operation_key(self.operation)


def units(pair: str, ours: Outcome, optic: Outcome) -> list[Unit]:
    """Per operation either tool calls breaking; one `neither` unit for a pair nobody flags."""
    labels: dict[str, str] = {}
    for label in [*ours.breaking, *optic.breaking]:
        labels.setdefault(operation_key(label), label)
    ours_by = {operation_key(k): v for k, v in ours.breaking.items()}
    optic_by = {operation_key(k): v for k, v in optic.breaking.items()}
    found = [
        Unit(
            pair,
            label,
            classify(key in ours_by, key in optic_by),
            tuple(dict.fromkeys(ours_by.get(key, []))),
            tuple(dict.fromkeys(optic_by.get(key, []))),
        )
        for key, label in labels.items()
    ]
    return found or [Unit(pair, WHOLE_CONTRACT, Kind.NEITHER, (), ())]


# --- expectations ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """A known disagreement: `PAIR | OPERATION | KIND | RIGHT | WHY`."""

    pair: str
    operation: str
    kind: Kind
    right: str  # "ours" or "optic"
    why: str
    line: int

    @property
    def key(self) -> tuple[str, str]:
        return self.pair, operation_key(self.operation)


class ExpectationError(ValueError):
    """A malformed line of the expectations file, with its number."""


def parse_expectations(text: str) -> dict[tuple[str, str], Expectation]:
    """Lines of five `|`-separated fields; `#` starts a comment line; blank lines are skipped."""
    found: dict[tuple[str, str], Expectation] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|", 4)]
        if len(fields) != 5 or not all(fields):
            raise ExpectationError(f"line {number}: expected PAIR | OPERATION | KIND | RIGHT | WHY")
        pair, operation, kind, right, why = fields
        if kind not in (Kind.OURS, Kind.OPTIC):
            raise ExpectationError(f"line {number}: KIND must be {Kind.OURS} or {Kind.OPTIC}, not {kind!r}")
        if right not in ("ours", "optic"):
            raise ExpectationError(f"line {number}: RIGHT must be ours or optic, not {right!r}")
        expectation = Expectation(pair, operation, Kind(kind), right, why, number)
        if expectation.key in found:
            first = found[expectation.key].line
            raise ExpectationError(f"line {number}: {pair} {operation} already listed on line {first}")
        found[expectation.key] = expectation
    return found


@dataclass(frozen=True)
class Check:
    """The observed disagreements against the expected ones."""

    expected: list[tuple[Unit, Expectation]]
    unexpected: list[Unit]  # a disagreement not listed, or listed with the other kind
    stale: list[Expectation]  # listed, but the tools no longer disagree that way

    @property
    def ok(self) -> bool:
        return not self.unexpected and not self.stale


def check(observed: Iterable[Unit], expectations: Mapping[tuple[str, str], Expectation]) -> Check:
    expected, unexpected, seen = [], [], set()
    for unit in observed:
        if unit.kind not in (Kind.OURS, Kind.OPTIC):
            continue
        known = expectations.get(unit.key)
        if known is not None and known.kind is unit.kind:
            expected.append((unit, known))
            seen.add(unit.key)
        else:
            unexpected.append(unit)
    stale = [e for key, e in expectations.items() if key not in seen]
    return Check(expected, unexpected, stale)


# --- installing Optic -----------------------------------------------------------------------------------


def ensure_optic(folder: Path = OPTIC_DIR) -> Optic:
    """The pinned install of Optic in `folder`, installed with npm when missing."""
    binary = folder / "node_modules" / ".bin" / "optic"
    folder.mkdir(parents=True, exist_ok=True)
    optic = Optic(binary, folder / "standard.yml")
    optic.standard.write_text(STANDARD)
    installed = folder / "node_modules" / "@useoptic" / "optic" / "package.json"
    if binary.exists() and installed.is_file() and _version(installed) == OPTIC_VERSION:
        return optic
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SetupError("node and npm are needed to install Optic")
    (folder / "package.json").write_text(json.dumps(PACKAGE_JSON, indent=2) + "\n")
    print(f"installing @useoptic/optic {OPTIC_VERSION} into {folder} ...", file=sys.stderr, flush=True)
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not binary.exists():
        raise SetupError(f"npm install failed in {folder}: {_tail(done.stderr) or done.returncode}")
    return optic


# --- report ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairResult:
    pair: Pair
    ours: Outcome
    optic: Outcome

    @property
    def kind(self) -> Kind:
        return classify(bool(self.ours.breaking), bool(self.optic.breaking))

    @property
    def units(self) -> list[Unit]:
        return units(self.pair.name, self.ours, self.optic)


def _summary(outcome: Outcome, width: int) -> str:
    if outcome.error is not None:
        return "ERROR"
    names = list(dict.fromkeys(n for found in outcome.breaking.values() for n in found))
    text = ", ".join(names) or "-"
    return text if len(text) <= width else text[: width - 3] + "..."


def table(results: Sequence[PairResult], result: Check) -> str:
    notes: dict[tuple[str, str], str] = {}
    for unit, _ in result.expected:
        notes[unit.key] = "known"
    for unit in result.unexpected:
        notes[unit.key] = "NEW"
    rows = [["pair", "ours: breaking", "optic: failed checks", "class", "disagreement"]]
    for r in results:
        flags = sorted({notes[u.key] for u in r.units if u.key in notes})
        error = r.ours.error is not None or r.optic.error is not None
        rows.append(
            [
                r.pair.name,
                _summary(r.ours, 40),
                _summary(r.optic, 48),
                r.kind.value,
                "ERROR" if error else ",".join(flags),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def write_report(path: Path, results: Sequence[PairResult], result: Check, optic: Optic) -> None:
    def outcome(o: Outcome) -> dict[str, Any]:
        return asdict(o) | {"seconds": round(o.seconds, 3)}

    counts = {k.value: sum(1 for r in results if r.kind is k) for k in Kind}
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "optic": {
            "version": OPTIC_VERSION,
            "command": "optic diff OLD NEW --check --standard STANDARD",
            "standard": STANDARD,
        },
        "ours": {"command": "python -m specfirst diff OLD NEW --format json --flat"},
        "pairs": counts,
        "ok": result.ok,
        "unexpected": [asdict(u) for u in result.unexpected],
        "stale": [asdict(e) for e in result.stale],
        "results": [
            {
                "pair": r.pair.name,
                "old": str(r.pair.old.relative_to(REPO))
                if r.pair.old.is_relative_to(REPO)
                else str(r.pair.old),
                "new": str(r.pair.new.relative_to(REPO))
                if r.pair.new.is_relative_to(REPO)
                else str(r.pair.new),
                "kind": r.kind.value,
                "ours": outcome(r.ours),
                "optic": outcome(r.optic),
                "units": [asdict(u) for u in r.units],
            }
            for r in results
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


# --- main -----------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="`python -m specfirst diff` against Optic's `optic diff --check` on the diff test pairs."
    )
    parser.add_argument("--pairs", type=Path, default=PAIRS, metavar="DIR", help=f"default: {PAIRS}")
    parser.add_argument(
        "--expectations", type=Path, default=EXPECTATIONS, metavar="FILE", help=f"default: {EXPECTATIONS}"
    )
    parser.add_argument(
        "--optic-dir", type=Path, default=OPTIC_DIR, metavar="DIR", help=f"default: {OPTIC_DIR}"
    )
    parser.add_argument("--json", type=Path, default=REPORT, metavar="PATH", help=f"default: {REPORT}")
    parser.add_argument("--only", default="", metavar="TEXT", help="only pairs whose name contains TEXT")
    parser.add_argument("--jobs", type=int, default=2, metavar="N", help="runs at once (default 2)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        expectations = parse_expectations(args.expectations.read_text())
        optic = ensure_optic(args.optic_dir)
    except (OSError, ExpectationError, SetupError) as exc:
        print(f"optic-compare: {exc}", file=sys.stderr)
        return 2
    python = REPO / ".venv" / "bin" / "python"
    pairs = [p for p in discover_pairs(args.pairs) if args.only in p.name]
    if args.only:
        expectations = {k: e for k, e in expectations.items() if args.only in e.pair}
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        ours = list(
            pool.map(lambda p: run_ours(p, python if python.exists() else Path(sys.executable)), pairs)
        )
        theirs = list(pool.map(lambda p: run_optic(p, optic), pairs))
    results = [PairResult(p, a, b) for p, a, b in zip(pairs, ours, theirs, strict=True)]
    result = check((u for r in results for u in r.units), expectations)
    print(table(results, result))
    counts = ", ".join(f"{sum(1 for r in results if r.kind is k)} {k.value}" for k in Kind)
    print(f"\n{len(results)} pairs: {counts}; {len(result.expected)} known disagreement(s)")
    errors = [
        (r.pair.name, tool, outcome.error)
        for r in results
        for tool, outcome in (("ours", r.ours), ("optic", r.optic))
        if outcome.error is not None
    ]
    for name, tool, error in errors:
        print(f"ERROR {name}: {tool} could not diff it: {error}")
    for unit in result.unexpected:
        said = f"ours: {', '.join(unit.ours) or '-'}; optic: {', '.join(unit.optic) or '-'}"
        print(f"NEW DISAGREEMENT: {unit.pair} | {unit.operation} | {unit.kind} | ? | {said}")
    for stale in result.stale:
        where = f"{args.expectations.name}:{stale.line}"
        print(f"STALE {where}: {stale.pair} | {stale.operation} is no longer {stale.kind}")
    write_report(args.json, results, result, optic)
    print(f"\nfull comparison: {args.json}", file=sys.stderr)
    return 0 if result.ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
