"""What `python -m specfirst diff OLD NEW` prints and how it exits.

Exit 0 when nothing is at or above `--fail-on` (or a major version bump allows it all), 1 when something
is, 2 when a side is not a valid spec (its problems printed located, as `generate` prints them). The
report goes to stdout in the chosen format; problems and warnings about the specs go to stderr.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .diff import Change, Severity, diff_specs, failing, info_version, major_bump
from .diff_load import LoadError, load_pair, locate
from .pipeline import Options

FORMATS = ("text", "json", "markdown")
EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2
_ORDER = (Severity.BREAKING, Severity.WARNING, Severity.COMPATIBLE)


@dataclass(frozen=True)
class Verdict:
    """The outcome a report states beside its changes: versions, the semver gate, what fails."""

    old: str
    new: str
    old_version: str | None
    new_version: str | None
    fail_on: Severity
    major_bump: bool
    allow_major: bool
    over: int  # changes at or above `fail_on`
    failing: int  # those of them that fail the check (none when the major version bump allows them)

    @property
    def gate(self) -> str | None:
        """One sentence on the major-version gate, when NEW bumps the major version."""
        if not self.major_bump:
            return None
        bump = f"NEW bumps the major version ({self.old_version} -> {self.new_version})"
        if self.allow_major:
            return f"{bump}: breaking changes are reported but allowed (--allow-major)."
        return f"{bump}; pass --allow-major to accept its breaking changes."

    @property
    def outcome(self) -> str:
        if self.failing:
            return f"FAIL: {self.failing} change(s) at or above {self.fail_on} (--fail-on {self.fail_on})"
        if self.over:
            return f"OK: {self.over} change(s) at or above {self.fail_on}, allowed by the major version bump"
        return f"OK: no change at or above {self.fail_on}"


def judge(
    changes: Sequence[Change],
    old: tuple[str, Mapping[str, Any]],
    new: tuple[str, Mapping[str, Any]],
    fail_on: Severity,
    *,
    allow_major: bool,
) -> Verdict:
    """The verdict for `changes` between OLD and NEW (each a label and its document)."""
    bump = major_bump(old[1], new[1])
    over = len(failing(changes, fail_on))
    failed = len(failing(changes, fail_on, major_allowed=bump and allow_major))
    versions = info_version(old[1]), info_version(new[1])
    return Verdict(old[0], new[0], *versions, fail_on, bump, allow_major, over, failed)


def counts(changes: Sequence[Change]) -> str:
    numbers = {s: sum(1 for c in changes if c.severity is s) for s in _ORDER}
    return ", ".join(f"{n} {s}" for s, n in numbers.items())


def _grouped(changes: Sequence[Change]) -> list[tuple[Severity, list[Change]]]:
    return [(s, [c for c in changes if c.severity is s]) for s in _ORDER]


def _versions(verdict: Verdict, wrap: Callable[[str], str]) -> str:
    def side(label: str, version: str | None) -> str:
        return wrap(one_line(label)) + (f" ({one_line(version)})" if version is not None else "")

    return f"{side(verdict.old, verdict.old_version)} -> {side(verdict.new, verdict.new_version)}"


# names from the spec (properties, operationIds, paths) may hold control characters: a newline in one
# would split a report line or a markdown table row, so they are shown escaped, as in a string literal
_CONTROLS = {c: repr(chr(c))[1:-1] for c in (*range(0x20), 0x7F)}


def one_line(text: str) -> str:
    """`text` with its control characters escaped as in a string literal: one line whatever the spec holds."""
    return text.translate(_CONTROLS)


def render_text(changes: Sequence[Change], verdict: Verdict) -> str:
    """Grouped by severity, each change with its place on a second line."""
    lines = [f"{_versions(verdict, str)}: {counts(changes)}"]
    for severity, group in _grouped(changes):
        if not group:
            continue
        lines += ["", f"{severity} ({len(group)}):"]
        for change in group:
            lines.append(one_line(f"  {change.operation}: {change.reason}"))
            lines.append(one_line(f"      {change.location or '-'}  {change.pointer or '/'}"))
    if verdict.gate:
        lines += ["", verdict.gate]
    lines += ["", verdict.outcome]
    return "\n".join(lines) + "\n"


def render_json(changes: Sequence[Change]) -> str:
    """A list of objects, one per change, every field of `Change`."""
    return json.dumps([asdict(c) for c in changes], indent=2) + "\n"


def render_markdown(changes: Sequence[Change], verdict: Verdict) -> str:
    """A pull-request comment: what breaks first, compatible changes folded away."""
    lines = [f"### API changes: {counts(changes)}", "", _versions(verdict, lambda s: f"`{s}`"), ""]
    if verdict.gate:
        lines += [f"> {verdict.gate}", ""]
    if not changes:
        lines += ["No changes.", ""]
    titles = {Severity.BREAKING: "Breaking", Severity.WARNING: "Warnings", Severity.COMPATIBLE: "Compatible"}
    for severity, group in _grouped(changes):
        if not group:
            continue
        heading = f"{titles[severity]} ({len(group)})"
        folded = severity is Severity.COMPATIBLE
        lines += [f"<details><summary>{heading}</summary>", ""] if folded else [f"#### {heading}", ""]
        lines += ["| Operation | Change | Where |", "| --- | --- | --- |"]
        lines += [
            f"| {_cell(f'`{c.operation}`')} | {_cell(c.reason)} | {_cell(f'`{c.location or c.pointer}`')} |"
            for c in group
        ]
        lines += ["", "</details>", ""] if folded else [""]
    lines.append(f"**{verdict.outcome}**")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace("|", "\\|")


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Two large documents are millions of long-lived objects without cycles: the cyclic collector would
    walk them all again and again while they are built (and the YAML node trees for locating), finding
    nothing. On a 1.5 MB spec that is most of the run time; reference counting frees them as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(
    old: str,
    new: str,
    *,
    output_format: str = "text",
    fail_on: Severity = Severity.BREAKING,
    allow_major: bool = False,
    options: Options | None = None,
    strict: bool = False,
) -> int:
    """The `diff` command: load both sides, diff, print the report; returns the exit status."""
    try:
        with _collector_paused():
            before, after = load_pair(old, new, options or Options(), strict=strict)
            changes = locate(diff_specs(before.spec.document, after.spec.document), before, after)
    except LoadError as exc:
        for failure in exc.failures:
            for line in failure.lines():
                print(line, file=sys.stderr)
        return EXIT_INVALID
    for source in (before, after):
        for warning in source.warnings:
            print(warning.render(), file=sys.stderr)
    verdict = judge(
        changes, (old, before.spec.document), (new, after.spec.document), fail_on, allow_major=allow_major
    )
    if output_format == "json":
        sys.stdout.write(render_json(changes))
        for note in (verdict.gate, verdict.outcome):  # a list stays a list: the verdict goes aside
            if note:
                print(note, file=sys.stderr)
    elif output_format == "markdown":
        sys.stdout.write(render_markdown(changes, verdict))
    else:
        sys.stdout.write(render_text(changes, verdict))
    return EXIT_FAIL if verdict.failing else EXIT_OK
