"""The changes of a diff grouped by root cause: one group per changed place and rule.

A schema shared by a hundred operations, when it changes, gives one `Change` per operation and per path
by which each operation reaches it (a response, a property of a property, an array's items...). A
reviewer needs the one change, and what it reaches: a `Group` is the (pointer, rule) where the change
is, its message, and every operation and path under it.

The other way round, one edit repeated in every operation ("add a 429 response to all endpoints") is
one change per operation at a pointer of its own under `/paths`: such groups, with the same rule and
message, merge into one group with several places. Pure: changes in, groups out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .diff import Change
from .diff_schemas import Severity, Side

__all__ = ["Group", "Reach", "group_changes"]

_ORDER = (Severity.BREAKING, Severity.WARNING, Severity.COMPATIBLE)


@dataclass(frozen=True)
class Reach:
    """One operation reaching a group's change, by these paths (empty: the operation's own change)."""

    operation: str
    paths: tuple[str, ...]
    severity: Severity  # the highest of this operation's paths (a request may see it milder)


@dataclass(frozen=True)
class Group:
    """One root cause: a rule at a pointer (in NEW, or in OLD when `side` is "old")."""

    severity: Severity  # the highest over every operation it reaches
    rule: str
    pointers: tuple[str, ...]  # where the change is: one place, or the same edit in each operation
    side: Side
    message: str
    locations: tuple[str | None, ...]
    reaches: tuple[Reach, ...]
    changes: tuple[Change, ...]  # the flat listing this group stands for

    @property
    def pointer(self) -> str:
        return self.pointers[0]

    @property
    def location(self) -> str | None:
        return self.locations[0]

    @property
    def operations(self) -> list[str]:
        return [r.operation for r in self.reaches]

    @property
    def paths(self) -> int:
        return len(self.changes)


def group_changes(changes: Iterable[Change]) -> list[Group]:
    """Groups by (side, pointer, rule), then the same edit made in each operation merged; most severe
    first, then in the order the changes came."""
    found: dict[tuple[str, str, str], list[Change]] = {}
    for change in changes:
        found.setdefault((change.side, change.pointer, change.rule), []).append(change)
    merged: dict[tuple[str, ...], list[list[Change]]] = {}
    for key, members in found.items():
        severity = _highest(c.severity for c in members)
        if key[1].startswith("/paths/"):  # a place of one path item: the same edit elsewhere is one cause
            repeat: tuple[str, ...] = ("repeat", key[0], key[2], members[0].message, severity)
        else:
            repeat = key
        merged.setdefault(repeat, []).append(members)
    groups = [_group(places) for places in merged.values()]
    return sorted(groups, key=lambda g: _ORDER.index(g.severity))


def _group(places: Sequence[Sequence[Change]]) -> Group:
    members = [c for place in places for c in place]
    first = members[0]
    by_operation: dict[str, list[Change]] = {}
    for change in members:
        by_operation.setdefault(change.operation, []).append(change)
    reaches = tuple(
        Reach(
            operation,
            tuple(dict.fromkeys(c.context for c in seen if c.context)),
            _highest(c.severity for c in seen),
        )
        for operation, seen in by_operation.items()
    )
    severity = _highest(r.severity for r in reaches)
    pointers = tuple(place[0].pointer for place in places)
    locations = tuple(place[0].location for place in places)
    return Group(
        severity, first.rule, pointers, first.side, first.message, locations, reaches, tuple(members)
    )


def _highest(severities: Iterable[Severity]) -> Severity:
    return max(severities, key=lambda s: s.rank)
