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
from .diff_groups import Group, Reach, group_changes
from .diff_load import LoadError, SourceError, exists_at, load_pair, locate, merge_base_with
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
    fail_on: Severity | None  # None: `--fail-on never`, the report only
    major_bump: bool
    allow_major: bool
    over: int  # changes at or above `fail_on`
    failing: int  # those of them that fail the check (none when the major version bump allows them)
    causes: int | None = None  # root causes at or above `fail_on`, in a grouped report

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
        if self.fail_on is None:
            return "OK: nothing fails with --fail-on never"
        causes = f" from {self.causes} root cause(s)" if self.causes is not None else ""
        if self.failing:
            level = f"{self.fail_on} (--fail-on {self.fail_on})"
            return f"FAIL: {self.failing} change(s){causes} at or above {level}"
        if self.over:
            return (
                f"OK: {self.over} change(s){causes} at or above {self.fail_on}, "
                "allowed by the major version bump"
            )
        return f"OK: no change at or above {self.fail_on}"


def judge(
    changes: Sequence[Change],
    old: tuple[str, Mapping[str, Any]],
    new: tuple[str, Mapping[str, Any]],
    fail_on: Severity | None,
    *,
    allow_major: bool,
    groups: Sequence[Group] | None = None,
) -> Verdict:
    """The verdict for `changes` between OLD and NEW (each a label and its document); `fail_on` None
    never fails. With `groups`, the verdict also counts the root causes."""
    bump = major_bump(old[1], new[1])
    over = len(failing(changes, fail_on)) if fail_on is not None else 0
    failed = len(failing(changes, fail_on, major_allowed=bump and allow_major)) if fail_on is not None else 0
    causes = None
    if groups is not None:
        causes = sum(1 for g in groups if fail_on is not None and g.severity.rank >= fail_on.rank)
    versions = info_version(old[1]), info_version(new[1])
    return Verdict(old[0], new[0], *versions, fail_on, bump, allow_major, over, failed, causes)


def counts(changes: Sequence[Change]) -> str:
    numbers = {s: sum(1 for c in changes if c.severity is s) for s in _ORDER}
    return ", ".join(f"{n} {s}" for s, n in numbers.items())


@dataclass(frozen=True)
class Tally:
    """One severity's line of the summary: root causes, the changes they stand for, operations reached."""

    severity: Severity
    causes: int
    changes: int
    operations: int


def tally(groups: Sequence[Group]) -> list[Tally]:
    found = []
    for severity in _ORDER:
        members = [g for g in groups if g.severity is severity]
        operations = {r.operation for g in members for r in g.reaches if r.operation != "-"}
        found.append(Tally(severity, len(members), sum(g.paths for g in members), len(operations)))
    return found


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


# --- flat: one entry per operation and path (`--flat`) -------------------------------------------------


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
    """A list of objects, one per change: severity, rule, operation, pointer, reason, side, location."""
    return json.dumps([_flat(c) for c in changes], indent=2) + "\n"


def _flat(change: Change) -> dict[str, Any]:
    fields = asdict(change)
    del fields["context"]  # part of `reason`; the flat listing keeps its fields
    return fields


def render_markdown(changes: Sequence[Change], verdict: Verdict) -> str:
    """A pull-request comment: what breaks first, compatible changes folded away."""
    lines = [f"### API changes: {counts(changes)}", "", _versions(verdict, lambda s: f"`{s}`"), ""]
    if verdict.gate:
        lines += [f"> {verdict.gate}", ""]
    if not changes:
        lines += ["No changes.", ""]
    for severity, group in _grouped(changes):
        if not group:
            continue
        heading = f"{_TITLES[severity]} ({len(group)})"
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


_TITLES = {Severity.BREAKING: "Breaking", Severity.WARNING: "Warnings", Severity.COMPATIBLE: "Compatible"}


def _cell(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace("|", "\\|")


# --- grouped by root cause (the default) -----------------------------------------------------------------

LISTED = 10  # operations listed under a group in text and markdown; JSON lists them all


def _summary_line(groups: Sequence[Group]) -> str:
    parts = ", ".join(f"{t.causes} {t.severity}" for t in tally(groups))
    changes = sum(g.paths for g in groups)
    operations = len({r.operation for g in groups for r in g.reaches if r.operation != "-"})
    return f"{parts} root cause(s) ({changes} change(s), {operations} operation(s) reached)"


def _same_reach(group: Group, previous: Group | None) -> bool:
    return previous is not None and len(group.reaches) > 1 and previous.operations == group.operations


def _reach_line(reach: Reach) -> str:
    if not reach.paths:
        return reach.operation
    more = f" (+{len(reach.paths) - 1} more)" if len(reach.paths) > 1 else ""
    return f"{reach.operation}: {reach.paths[0]}{more}"


def render_grouped_text(groups: Sequence[Group], verdict: Verdict) -> str:
    """One entry per root cause: the change, where it is, then the operations (and paths) it reaches."""
    lines = [f"{_versions(verdict, str)}: {_summary_line(groups)}"]
    for severity in _ORDER:
        members = [g for g in groups if g.severity is severity]
        if not members:
            continue
        lines += ["", f"{severity} ({len(members)} root cause(s)):"]
        previous: Group | None = None
        for group in members:
            lines.append(one_line(f"  [{group.rule}] {group.message}"))
            lines.append(
                one_line(f"      {group.location or '-'}  {group.pointer or '/'}{_elsewhere(group)}")
            )
            if _same_reach(group, previous):
                lines.append(f"      reaches the same {len(group.reaches)} operations as the one above")
            elif group.reaches != (Reach("-", (), group.severity),):
                lines.append(f"      reaches {_reach_count(group)}:")
                lines += [one_line(f"        {_reach_line(r)}") for r in group.reaches[:LISTED]]
                if len(group.reaches) > LISTED:
                    rest = len(group.reaches) - LISTED
                    lines.append(f"        and {rest} more operation(s) (--format json lists every one)")
            previous = group
    if verdict.gate:
        lines += ["", verdict.gate]
    lines += ["", verdict.outcome]
    return "\n".join(lines) + "\n"


def _elsewhere(group: Group) -> str:
    more = len(group.pointers) - 1
    return f" and {more} more place(s), one per operation" if more else ""


def _reach_count(group: Group) -> str:
    operations = f"{len(group.reaches)} operation(s)"
    return operations if group.paths == len(group.reaches) else f"{operations} by {group.paths} path(s)"


def render_grouped_json(groups: Sequence[Group], verdict: Verdict) -> str:
    """An object: both sides, the summary per severity, the verdict, and every group with every
    operation and path it reaches."""
    report = {
        "old": {"label": verdict.old, "version": verdict.old_version},
        "new": {"label": verdict.new, "version": verdict.new_version},
        "summary": {
            t.severity.value: {"root_causes": t.causes, "changes": t.changes, "operations": t.operations}
            for t in tally(groups)
        },
        "verdict": {
            "fail_on": verdict.fail_on.value if verdict.fail_on is not None else "never",
            "failing": verdict.failing,
            "gate": verdict.gate,
            "outcome": verdict.outcome,
        },
        "groups": [
            {
                "severity": g.severity.value,
                "rule": g.rule,
                "pointer": g.pointer,
                "side": g.side,
                "location": g.location,
                "places": [
                    {"pointer": p, "location": loc} for p, loc in zip(g.pointers, g.locations, strict=True)
                ],
                "message": g.message,
                "changes": g.paths,
                "operations": [
                    {"operation": r.operation, "severity": r.severity.value, "paths": list(r.paths)}
                    for r in g.reaches
                ],
            }
            for g in groups
        ],
    }
    return json.dumps(report, indent=2) + "\n"


def render_grouped_markdown(groups: Sequence[Group], verdict: Verdict) -> str:
    """A pull-request comment: a summary table, then each root cause with the operations it reaches
    (folded when there are more than a few); compatible root causes folded away as a whole."""
    lines = [f"### API changes: {_summary_line(groups)}", "", _versions(verdict, lambda s: f"`{s}`"), ""]
    if verdict.gate:
        lines += [f"> {verdict.gate}", ""]
    lines += ["| | root causes | changes | operations reached |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {_TITLES[t.severity]} | {t.causes} | {t.changes} | {t.operations} |" for t in tally(groups)]
    lines.append("")
    if not groups:
        lines += ["No changes.", ""]
    for severity in _ORDER:
        members = [g for g in groups if g.severity is severity]
        if not members:
            continue
        heading = f"{_TITLES[severity]} ({len(members)})"
        folded = severity is Severity.COMPATIBLE
        lines += [f"<details><summary>{heading}</summary>", ""] if folded else [f"#### {heading}", ""]
        previous: Group | None = None
        for group in members:
            lines += _markdown_group(group, previous)
            previous = group
        lines += ["", "</details>", ""] if folded else [""]
    lines.append(f"**{verdict.outcome}**")
    return "\n".join(lines) + "\n"


def _markdown_group(group: Group, previous: Group | None) -> list[str]:
    where = _code(group.location or group.pointer or "/")
    head = f"- **{_text(group.message)}** ({_code(group.rule)}) at {where}"
    if group.location:
        head += f", {_code(group.pointer or '/')}"
    head += _elsewhere(group)
    if group.reaches == (Reach("-", (), group.severity),):
        return [head]
    if _same_reach(group, previous):
        return [f"{head}: the same {len(group.reaches)} operations as above"]
    if len(group.reaches) <= 3 and group.paths <= 3:
        return [f"{head}: " + "; ".join(_text(_reach_line(r)) for r in group.reaches)]
    rows = [f"  - {_text(_reach_line(r))}" for r in group.reaches[:LISTED]]
    if len(group.reaches) > LISTED:
        rows.append(f"  - and {len(group.reaches) - LISTED} more (`--format json` lists every one)")
    summary = f"reaches {_reach_count(group)}"
    return [head, f"  <details><summary>{summary}</summary>", "", *rows, "", "  </details>", ""]


def _code(text: str) -> str:
    return f"`{one_line(text).replace('`', chr(0x2032))}`"


def _text(text: str) -> str:
    return one_line(text).replace("<", "&lt;").replace(">", "&gt;")


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
    fail_on: Severity | None = Severity.BREAKING,
    allow_major: bool = False,
    options: Options | None = None,
    strict: bool = False,
    flat: bool = False,
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
    groups = None if flat else group_changes(changes)
    sides = (old, before.spec.document), (new, after.spec.document)
    verdict = judge(changes, *sides, fail_on, allow_major=allow_major, groups=groups)
    if groups is not None:
        render = {"json": render_grouped_json, "markdown": render_grouped_markdown}
        sys.stdout.write(render.get(output_format, render_grouped_text)(groups, verdict))
    elif output_format == "json":
        sys.stdout.write(render_json(changes))
    elif output_format == "markdown":
        sys.stdout.write(render_markdown(changes, verdict))
    else:
        sys.stdout.write(render_text(changes, verdict))
    if output_format == "json":  # the report on stdout stays pure JSON: the verdict goes aside too
        for note in (verdict.gate, verdict.outcome):
            if note:
                print(note, file=sys.stderr)
    return EXIT_FAIL if verdict.failing else EXIT_OK


def run_against_base(specs: Sequence[str], base: str, **settings: Any) -> int:
    """`diff MERGE_BASE:SPEC SPEC` for each SPEC (a path from the repository's top), MERGE_BASE being
    `git merge-base HEAD base`: what the pre-commit hook runs. The highest exit status wins."""
    try:
        merge_base = merge_base_with(base)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    status = EXIT_OK
    for spec in specs:
        if not exists_at(merge_base, spec):
            print(f"{spec}: not at the merge base with {base} ({merge_base[:12]}): new, nothing to compare")
            continue
        status = max(status, run(f"{merge_base}:{spec}", spec, **settings))
    return status
