"""Schema comparison for `diff`: is every value OLD allowed still allowed, is every NEW value expected?

Each difference is classified once as narrowing (fewer valid values) or widening (more); the direction
turns that into a severity. A client's request may only get wider (the server must still accept what
OLD allowed), a response only narrower (the client must still understand what NEW may answer).
Refs are followed on both sides, `allOf` is merged and `readOnly`/`writeOnly` properties are left out of
the direction that never sees them, so moving or renaming a schema with the same content is no change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal
from urllib.parse import unquote

from .diagnostics import join_pointer, split_pointer

Side = Literal["old", "new"]
Direction = Literal["request", "response"]
Document = Mapping[str, Any]
DOC_KEYS = ("summary", "description", "title", "example", "examples", "externalDocs")


class Severity(StrEnum):
    BREAKING = "breaking"
    WARNING = "warning"
    COMPATIBLE = "compatible"

    @property
    def rank(self) -> int:
        return {"breaking": 2, "warning": 1, "compatible": 0}[self.value]


# --- findings and views -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A schema difference; `subject` is the property path below the schema compared (`tags[].name`)."""

    severity: Severity
    rule: str
    side: Side
    pointer: str
    message: str
    subject: str = ""

    def under(self, step: str) -> Finding:
        if not self.subject:
            subject = step
        elif self.subject.startswith("["):
            subject = step + self.subject
        else:
            subject = f"{step}.{self.subject}"
        return replace(self, subject=subject)


def _narrowed(direction: Direction) -> Severity:
    """Fewer values are valid now: a request a client sends may be refused; a response is fine."""
    return Severity.BREAKING if direction == "request" else Severity.COMPATIBLE


def _widened(direction: Direction) -> Severity:
    """More values are valid now: a response may carry what the client never expected."""
    return Severity.COMPATIBLE if direction == "request" else Severity.BREAKING


def open_set_added(direction: Direction) -> Severity:
    """The one verdict for a value or variant NEW adds to a set OLD already listed: an enum value, a
    `const` branch, a variant of an existing oneOf/anyOf (an SSE stream's new event type is one).

    In a request the server accepts more: compatible. In a response a client of OLD may now read
    something it never knew: a warning, not a break. A tolerant reader (an SDK that keeps an unknown
    enum value as a string, a stream consumer that skips an unknown event type) goes on; a client that
    matches the set exhaustively fails, and `--fail-on warning` catches it. A set is an open one by
    intent: an API that lists the event types or models it has today will list more tomorrow."""
    return Severity.COMPATIBLE if direction == "request" else Severity.WARNING


def _size_widened(direction: Direction) -> Severity:
    """A length or size bound loosened (maxLength, maxItems, maxProperties raised or removed; a minimum of
    them lowered). A response's longer string or longer list still parses as the same type: a client of
    OLD fails only if it validates responses against OLD's bounds (or stores them in fixed-size places),
    so a warning; specfirst's own SDK parses responses leniently and is not one of them. Numeric bounds
    stay breaking: a number outside OLD's range changes what the value means to the client."""
    return Severity.COMPATIBLE if direction == "request" else Severity.WARNING


def _either(direction: Direction, narrows: bool, widens: bool) -> Severity:
    if narrows and _narrowed(direction) is Severity.BREAKING:
        return Severity.BREAKING
    if widens and _widened(direction) is Severity.BREAKING:
        return Severity.BREAKING
    return Severity.COMPATIBLE


@dataclass
class _View:
    """A schema ready to compare: `$ref`s followed, `allOf` merged, and the properties a direction sees.

    `where` records the pointer of the schema object each keyword was read from, so a finding points at
    the component that actually changed, in whichever file it lives.
    """

    node: Any  # the schema object itself, refs followed (allOf not merged)
    pointer: str
    keywords: dict[str, Any]
    where: dict[str, str]
    properties: dict[str, tuple[Any, str]]
    required: set[str]

    def at(self, keyword: str) -> str:
        return join_pointer(self.where.get(keyword, self.pointer), keyword)

    @property
    def union(self) -> str | None:
        return "oneOf" if "oneOf" in self.keywords else "anyOf" if "anyOf" in self.keywords else None

    def branches(self) -> list[tuple[Any, str]]:
        kind = self.union
        if kind is None:
            return []
        items = self.keywords[kind]
        return [
            (b, join_pointer(self.at(kind), i))
            for i, b in enumerate(items if isinstance(items, list) else [])
        ]

    @property
    def closed(self) -> bool:
        return (
            self.keywords.get("additionalProperties") is False
            or self.keywords.get("unevaluatedProperties") is False
        )


_ANNOTATIONS = frozenset(
    {*DOC_KEYS, "discriminator", "deprecated", "readOnly", "writeOnly", "default", "$comment"}
)
_UPPER = ("maxLength", "maxItems", "maxProperties")
_LOWER = ("minLength", "minItems", "minProperties")
_WIDER_FORMATS = {("int32", "int64"), ("float", "double")}  # (narrower, wider)


_Branch = tuple[Any, str]  # a oneOf/anyOf branch and where it is
_Key = tuple[str, str, Direction]  # where the OLD and NEW schemas are, and which way values flow


class SchemaDiff:
    """Compares schemas pairwise, following refs on both sides; results are memoised per pair of schema
    locations and direction, so a component shared by a hundred operations is compared once."""

    def __init__(self, old: Document, new: Document) -> None:
        self.docs: dict[Side, Document] = {"old": old, "new": new}
        self.memo: dict[_Key, tuple[Finding, ...]] = {}
        self.active: set[_Key] = set()
        self.assumed: list[set[_Key]] = []  # per comparison under way: the pairs it assumed equal

    def compare(self, old: Any, old_ptr: str, new: Any, new_ptr: str, direction: Direction) -> list[Finding]:
        old, old_ptr = resolve(self.docs["old"], old, old_ptr)
        new, new_ptr = resolve(self.docs["new"], new, new_ptr)
        key = (old_ptr, new_ptr, direction)
        if key in self.memo:
            return list(self.memo[key])
        if key in self.active:  # a recursive schema: assume equal here, the outer comparison decides
            self.assumed[-1].add(key)
            return []
        self.active.add(key)
        self.assumed.append(set())
        try:
            findings = self._compare(
                self.view("old", old, old_ptr, direction),
                self.view("new", new, new_ptr, direction),
                direction,
            )
        finally:
            self.active.discard(key)
            assumed = self.assumed.pop() - {key}
        if self.assumed:
            self.assumed[-1] |= assumed
        if not assumed:  # a result that rests on an enclosing comparison's assumption is not kept
            self.memo[key] = tuple(findings)
        return findings

    def view(self, side: Side, node: Any, pointer: str, direction: Direction, depth: int = 0) -> _View:
        document = self.docs[side]
        node, pointer = resolve(document, node, pointer)
        if not isinstance(node, Mapping):
            return _View(node, pointer, {}, {}, {}, set())
        view = _own_view(node, pointer)
        parts = node.get("allOf") if depth < 16 else None
        for index, part in enumerate(parts if isinstance(parts, list) else []):
            _merge(view, self.view(side, part, join_pointer(pointer, "allOf", index), direction, depth + 1))
        hidden = "readOnly" if direction == "request" else "writeOnly"
        for name, (schema, _) in list(view.properties.items()):
            resolved, _ = resolve(document, schema, "")
            if isinstance(resolved, Mapping) and resolved.get(hidden) is True:
                del view.properties[name]
                view.required.discard(name)
        return view

    def _compare(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        found: list[Finding] = []
        found += self._docs(old, new)
        if (old.union is None) != (new.union is None) and _is_pure_union(old if old.union else new):
            found += self._union(old, new, direction)
            return found
        if old.union is not None and new.union is not None:
            found += self._union(old, new, direction)
        found += self._types(old, new, direction)
        found += self._enum(old, new, direction)
        found += self._bounds(old, new, direction)
        found += self._text(old, new, direction)
        found += self._objects(old, new, direction)
        found += self._arrays(old, new, direction)
        found += self._misc(old, new, direction)
        return found

    # single keywords

    def _docs(self, old: _View, new: _View) -> list[Finding]:
        return [
            Finding(Severity.COMPATIBLE, "docs", "new", new.at(k), k)
            for k in ("description", "title", "example", "examples")
            if old.keywords.get(k) != new.keywords.get(k)
        ]

    def _types(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        before, after = _types(old), _types(new)
        if before == after:
            return []
        pointer = new.at("type") if "type" in new.keywords else new.pointer
        before_real = None if before is None else before - {"null"}
        after_real = None if after is None else after - {"null"}
        found = []
        if before_real != after_real:
            narrows = not _covers(after_real, before_real)
            widens = not _covers(before_real, after_real)
            if narrows and widens:
                message, rule = (
                    f"type changed from {_show_types(before_real)} to {_show_types(after_real)}",
                    "type-changed",
                )
            elif narrows:
                message, rule = (
                    f"type narrowed from {_show_types(before_real)} to {_show_types(after_real)}",
                    "type-narrowed",
                )
            else:
                message, rule = (
                    f"type widened from {_show_types(before_real)} to {_show_types(after_real)}",
                    "type-widened",
                )
            found.append(Finding(_either(direction, narrows, widens), rule, "new", pointer, message))
        null_before = before is None or "null" in before
        null_after = after is None or "null" in after
        if null_before and not null_after and before is not None:
            found.append(Finding(_narrowed(direction), "null-removed", "new", pointer, "no longer nullable"))
        elif null_after and not null_before and after is not None:
            found.append(Finding(_widened(direction), "null-added", "new", pointer, "made nullable"))
        return found

    def _enum(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        before, after = _enum(old), _enum(new)
        if before == after:
            return []
        wider = open_set_added(direction)
        pointer = new.at("enum") if "enum" in new.keywords else new.at("const")
        if after is None:
            where = old.at("enum") if "enum" in old.keywords else old.at("const")
            return [Finding(wider, "enum-removed", "old", where, "no longer restricted to listed values")]
        if before is None:
            message = f"values now restricted to {_show_values(after)}"
            return [Finding(_narrowed(direction), "enum-added", "new", pointer, message)]
        found = []
        removed = [v for v in before if v not in after]
        added = [v for v in after if v not in before]
        if removed:
            message = f"enum value{'s' if len(removed) > 1 else ''} {_show_values(removed)} removed"
            found.append(Finding(_narrowed(direction), "enum-value-removed", "new", pointer, message))
        if added:
            message = f"enum value{'s' if len(added) > 1 else ''} {_show_values(added)} added"
            found.append(Finding(wider, "enum-value-added", "new", pointer, message))
        return found

    def _bounds(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        found = []
        for key in (*_UPPER, *_LOWER):
            before, after = _bound_value(old.keywords.get(key)), _bound_value(new.keywords.get(key))
            found += self._bound(old, new, direction, key, (before, after), upper=key in _UPPER)
        for key in ("maximum", "minimum"):
            bounds = _numeric(old, key), _numeric(new, key)
            found += self._bound(old, new, direction, key, bounds, upper=key == "maximum")
        found += self._multiple_of(old, new, direction)
        return found

    def _bound(
        self,
        old: _View,
        new: _View,
        direction: Direction,
        key: str,
        bounds: tuple[_Bound | None, _Bound | None],
        *,
        upper: bool,
    ) -> list[Finding]:
        """A maximum lowered or a minimum raised (or added) narrows; the reverse widens."""
        before, after = bounds
        if before == after:
            return []
        widened = _size_widened(direction) if key in (*_UPPER, *_LOWER) else _widened(direction)
        exclusive = "exclusiveMaximum" if upper else "exclusiveMinimum"
        if after is None:
            where = old.at(key) if key in old.keywords else old.at(exclusive)
            message = f"{key} {_show_bound(before)} removed"
            return [Finding(widened, f"{key}-removed", "old", where, message)]
        pointer = new.at(key) if key in new.keywords else new.at(exclusive)
        if before is None:
            message = f"{key} {_show_bound(after)} added"
            return [Finding(_narrowed(direction), f"{key}-added", "new", pointer, message)]
        tighter = _tightness(after, upper) > _tightness(before, upper)
        verb = "lowered" if tighter == upper else "raised"
        severity = _narrowed(direction) if tighter else widened
        message = f"{key} {verb} from {_show_bound(before)} to {_show_bound(after)}"
        return [Finding(severity, f"{key}-{verb}", "new", pointer, message)]

    def _multiple_of(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        before, after = _number(old.keywords.get("multipleOf")), _number(new.keywords.get("multipleOf"))
        if before == after:
            return []
        if after is None:
            where = old.at("multipleOf")
            return [Finding(_widened(direction), "multipleOf-removed", "old", where, "multipleOf removed")]
        pointer, message = new.at("multipleOf"), f"multipleOf {after} added"
        if before is None:
            return [Finding(_narrowed(direction), "multipleOf-added", "new", pointer, message)]
        # every multiple of OLD's step stays valid when NEW's step divides it, and conversely
        narrows = (Fraction(str(before)) / Fraction(str(after))).denominator != 1
        widens = (Fraction(str(after)) / Fraction(str(before))).denominator != 1
        message = f"multipleOf changed from {before} to {after}"
        return [Finding(_either(direction, narrows, widens), "multipleOf-changed", "new", pointer, message)]

    def _text(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        """pattern and format: added narrows, removed widens, changed does both (no subset check)."""
        found = []
        for key in ("pattern", "format"):
            before, after = _text(old.keywords.get(key)), _text(new.keywords.get(key))
            if before == after:
                continue
            if after is None:
                message = f"{key} {before!r} removed"
                found.append(Finding(_widened(direction), f"{key}-removed", "old", old.at(key), message))
            elif before is None:
                message = f"{key} {after!r} added"
                found.append(Finding(_narrowed(direction), f"{key}-added", "new", new.at(key), message))
            else:
                wider = (before, after) in _WIDER_FORMATS
                narrower = (after, before) in _WIDER_FORMATS
                severity = _either(direction, narrows=not wider, widens=not narrower)
                message = f"{key} changed from {before!r} to {after!r}"
                found.append(Finding(severity, f"{key}-changed", "new", new.at(key), message))
        return found

    def _misc(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        """uniqueItems, the discriminator, a request default, deprecation."""
        found = []
        was_unique, is_unique = (
            old.keywords.get("uniqueItems") is True,
            new.keywords.get("uniqueItems") is True,
        )
        if was_unique != is_unique:
            severity = _narrowed(direction) if is_unique else _widened(direction)
            message = "items must now be unique" if is_unique else "items no longer need to be unique"
            found.append(Finding(severity, "uniqueItems-changed", "new", new.at("uniqueItems"), message))
        before = as_mapping(old.keywords.get("discriminator")).get("propertyName")
        after = as_mapping(new.keywords.get("discriminator")).get("propertyName")
        if before != after:
            message = f"discriminator changed from {before} to {after}"
            where = new.at("discriminator")
            found.append(Finding(Severity.BREAKING, "discriminator-changed", "new", where, message))
        before, after = old.keywords.get("default"), new.keywords.get("default")
        if direction == "request" and before is not None and after is not None and before != after:
            message = f"default changed from {before!r} to {after!r}: clients that omit it get another value"
            found.append(Finding(Severity.WARNING, "default-changed", "new", new.at("default"), message))
        if new.keywords.get("deprecated") is True and old.keywords.get("deprecated") is not True:
            where = new.at("deprecated")
            found.append(Finding(Severity.COMPATIBLE, "deprecated", "new", where, "deprecated"))
        return found

    # structure

    def _objects(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        found = []
        names = [*new.properties, *(n for n in old.properties if n not in new.properties)]
        names += [n for n in sorted(old.required | new.required) if n not in names]
        for name in names:
            found += self._property(old, new, name, direction)
        found += self._additional(old, new, direction)
        return found

    def _property(self, old: _View, new: _View, name: str, direction: Direction) -> list[Finding]:
        """A property appearing, disappearing or changing whether it is required; then its schema."""
        found: list[Finding] = []

        def note(severity: Severity, rule: str, message: str, side: Side = "new") -> None:
            view = old if side == "old" else new
            where = view.properties[name][1] if name in view.properties else view.at("required")
            found.append(Finding(severity, rule, side, where, f"property {message}"))

        was_required, is_required = name in old.required, name in new.required
        in_old, in_new = name in old.properties or was_required, name in new.properties or is_required
        if in_old and in_new:
            if direction == "request" and is_required and not was_required:
                note(Severity.BREAKING, "property-made-required", "made required")
            elif direction == "response" and was_required and not is_required:
                note(Severity.BREAKING, "property-made-optional", "made optional: may be absent")
            elif was_required != is_required:
                note(Severity.COMPATIBLE, "property-required-changed", f"made {_required(is_required)}")
            if name in old.properties and name in new.properties:
                (a, a_at), (b, b_at) = old.properties[name], new.properties[name]
                found += self.compare(a, a_at, b, b_at, direction)
        elif in_new and direction == "request" and is_required:
            note(Severity.BREAKING, "property-added-required", "added as required")
        elif in_new and direction == "response" and old.closed:
            note(Severity.WARNING, "property-added", "added to a closed object: strict clients refuse it")
        elif in_new:
            note(Severity.COMPATIBLE, "property-added", "added")
        elif direction == "response":
            note(Severity.BREAKING, "property-removed", "removed", "old")
        elif new.closed:
            message = "removed, and unknown properties are refused: clients still sending it fail"
            note(Severity.BREAKING, "property-removed", message, "old")
        else:
            note(Severity.WARNING, "property-removed", "removed: servers ignore it if clients send it", "old")
        return [f.under(name) for f in found]

    def _additional(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        """additionalProperties: open (absent, true, {}), closed (false) or a schema for the others."""
        before, after = _additional(old), _additional(new)
        if before == after:
            return []
        if isinstance(before, Mapping) and isinstance(after, Mapping):
            where = old.at("additionalProperties"), new.at("additionalProperties")
            return [f.under("*") for f in self.compare(before, where[0], after, where[1], direction)]
        pointer = new.at("additionalProperties") if "additionalProperties" in new.keywords else new.pointer
        if after is False or (before is True and isinstance(after, Mapping)):
            message = "unknown properties refused" if after is False else "other properties restricted"
            message = f"additionalProperties closed: {message}"
            return [Finding(_narrowed(direction), "additional-properties-closed", "new", pointer, message)]
        # opened: more shapes in a response is a warning, like a new enum value; strict clients refuse them
        severity = Severity.COMPATIBLE if direction == "request" else Severity.WARNING
        message = "additionalProperties opened"
        return [Finding(severity, "additional-properties-opened", "new", pointer, message)]

    def _arrays(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        found = []
        if "items" in old.keywords or "items" in new.keywords:
            findings = self.compare(
                old.keywords.get("items", {}),
                old.at("items"),
                new.keywords.get("items", {}),
                new.at("items"),
                direction,
            )
            found += [f.under("[]") for f in findings]
        before, after = old.keywords.get("prefixItems"), new.keywords.get("prefixItems")
        if isinstance(before, list) or isinstance(after, list):
            before = before if isinstance(before, list) else []
            after = after if isinstance(after, list) else []
            for i in range(max(len(before), len(after))):
                findings = self.compare(
                    before[i] if i < len(before) else {},
                    join_pointer(old.at("prefixItems"), i),
                    after[i] if i < len(after) else {},
                    join_pointer(new.at("prefixItems"), i),
                    direction,
                )
                found += [f.under(f"[{i}]") for f in findings]
        return found

    # unions

    def _union(self, old: _View, new: _View, direction: Direction) -> list[Finding]:
        """oneOf/anyOf branches, matched to each other; a plain schema is a union of one branch, so
        `X` -> `anyOf: [X, null]` is "made nullable" and `X` -> `oneOf: [X, Y]` "branch added"."""
        before = old.branches() if old.union else [(old.node, old.pointer)]
        after = new.branches() if new.union else [(new.node, new.pointer)]
        found: list[Finding] = []
        if old.union and new.union and old.union != new.union:
            message = f"{old.union} changed to {new.union}"
            found.append(Finding(Severity.WARNING, "union-kind-changed", "new", new.at(new.union), message))
        pairs, removed, added = self._match_branches(before, after, direction)
        for (a, a_at), (b, b_at) in pairs:
            found += self.compare(a, a_at, b, b_at, direction)
        for branch, where in removed:
            value = _const(self.docs["old"], branch)
            if _is_null(self.docs["old"], branch):
                rule, message = "null-removed", "no longer nullable"
            elif value is not None:
                rule, message = (
                    "enum-value-removed",
                    f"value {value} removed ({old.union or 'schema'} const branch)",
                )
            else:
                rule, message = (
                    "branch-removed",
                    f"{old.union or 'schema'} branch {_branch_name(branch)} removed",
                )
            found.append(Finding(_narrowed(direction), rule, "old", where, message))
        for branch, where in added:
            severity = _widened(direction)
            value = _const(self.docs["new"], branch)
            if _is_null(self.docs["new"], branch):
                rule, message = "null-added", "made nullable"
            elif value is not None:  # `oneOf: [{const: a}, ...]` is an enum written another way
                rule, message = (
                    "enum-value-added",
                    f"value {value} added ({new.union or 'schema'} const branch)",
                )
                severity = open_set_added(direction) if old.union or _enum(old) is not None else severity
            else:
                rule, message = "branch-added", f"{new.union or 'schema'} branch {_branch_name(branch)} added"
                # a variant added to a union OLD already had: the open-set rule; a plain schema turned
                # into a union is a new shape where OLD promised one
                severity = open_set_added(direction) if self._variants(old) else severity
            found.append(Finding(severity, rule, "new", where, message))
        return found

    def _variants(self, view: _View) -> bool:
        """OLD is a union of variants, so a client of OLD already picks one of several: a union with one
        branch besides `null` (`anyOf: [X, null]`) is a nullable X, not a set of variants."""
        real = [b for b, _ in view.branches() if not _is_null(self.docs["old"], b)]
        return view.union is not None and len(real) != 1

    def _match_branches(
        self, before: list[_Branch], after: list[_Branch], direction: Direction
    ) -> tuple[list[tuple[_Branch, _Branch]], list[_Branch], list[_Branch]]:
        """(pairs, removed, added): branches paired by component name, then by equal content, then the
        one non-null branch left on each side, if that is all that is left."""
        left, right = list(before), list(after)
        pairs: list[tuple[_Branch, _Branch]] = []

        def pair_by(same: Callable[[_Branch, _Branch], bool]) -> None:
            for branch in list(left):
                match = next((b for b in right if same(branch, b)), None)
                if match is not None:
                    pairs.append((branch, match))
                    left.remove(branch)
                    right.remove(match)

        pair_by(lambda a, b: _ref_name(a[0]) is not None and _ref_name(a[0]) == _ref_name(b[0]))
        pair_by(lambda a, b: self._equal(a, b, direction))
        real_left = [b for b in left if not _is_null(self.docs["old"], b[0])]
        real_right = [b for b in right if not _is_null(self.docs["new"], b[0])]
        if len(real_left) == 1 and len(real_right) == 1:
            pair_by(lambda a, b: a is real_left[0] and b is real_right[0])
        return pairs, left, right

    def _equal(self, old: _Branch, new: _Branch, direction: Direction) -> bool:
        return all(f.rule == "docs" for f in self.compare(old[0], old[1], new[0], new[1], direction))


def _additional(view: _View) -> Any:
    value = view.keywords.get("additionalProperties", True)
    return True if value == {} else value


def _own_view(node: Mapping[str, Any], pointer: str) -> _View:
    """A schema object's own keywords, before its `allOf` parts are merged in."""
    keywords = {k: v for k, v in node.items() if k != "allOf"}
    properties = {
        str(name): (schema, join_pointer(pointer, "properties", name))
        for name, schema in as_mapping(node.get("properties")).items()
    }
    required = node.get("required")
    names = {str(r) for r in required} if isinstance(required, list) else set()
    return _View(node, pointer, keywords, dict.fromkeys(keywords, pointer), properties, names)


def _merge(into: _View, part: _View) -> None:
    """allOf: properties and required add up; for other keywords the schema's own (then the earlier
    part) win: both constrain the value, and a diff only needs one consistent choice on both sides."""
    for key, value in part.keywords.items():
        if key not in into.keywords:
            into.keywords[key] = value
            into.where[key] = part.where.get(key, part.pointer)
    for name, entry in part.properties.items():
        into.properties.setdefault(name, entry)
    into.required |= part.required


def _required(required: bool) -> str:
    return "required" if required else "optional"


def _is_pure_union(view: _View) -> bool:
    """oneOf/anyOf with nothing beside it but annotations: the schema is just its branches."""
    return all(k in ("oneOf", "anyOf") or k in _ANNOTATIONS for k in view.keywords)


_INFERRED = (
    ("properties", "object"),
    ("additionalProperties", "object"),
    ("required", "object"),
    ("items", "array"),
)


def _types(view: _View) -> frozenset[str] | None:
    """The JSON types a schema allows, None for any; `type: object` is implied by `properties`."""
    kind = view.keywords.get("type")
    if isinstance(kind, str):
        return frozenset({kind})
    if isinstance(kind, list):
        return frozenset(map(str, kind))
    inferred = {t for key, t in _INFERRED if key in view.keywords}
    return frozenset(inferred) if len(inferred) == 1 else None


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    """Every value of a type in `narrow` is allowed by `wide` (integers are numbers)."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _show_types(types: frozenset[str] | None) -> str:
    return "any" if types is None else " | ".join(sorted(types)) or "null"


def _enum(view: _View) -> list[str] | None:
    """Allowed values as canonical JSON (null left out: nullability is reported from the type)."""
    if "const" in view.keywords:
        values = [view.keywords["const"]]
    elif isinstance(view.keywords.get("enum"), list):
        values = view.keywords["enum"]
    else:
        return None
    return [json.dumps(v, sort_keys=True) for v in values if v is not None]


def _show_values(values: list[str]) -> str:
    shown = ", ".join(values[:5])
    return shown + (f" and {len(values) - 5} more" if len(values) > 5 else "")


_Bound = tuple[float, bool]  # a limit and whether it is exclusive


def _numeric(view: _View, key: str) -> _Bound | None:
    """The tighter of `minimum` and `exclusiveMinimum` (or of the maxima)."""
    exclusive_key = "exclusiveMinimum" if key == "minimum" else "exclusiveMaximum"
    candidates = [
        bound
        for bound in (
            _bound_value(view.keywords.get(key)),
            _bound_value(view.keywords.get(exclusive_key), True),
        )
        if bound is not None
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda bound: _tightness(bound, key == "maximum"))


def _tightness(bound: _Bound, upper: bool) -> tuple[float, bool]:
    """Orders bounds from loosest to tightest: a lower maximum, a higher minimum, exclusive at a tie."""
    value, exclusive = bound
    return (-value if upper else value, exclusive)


def _bound_value(value: Any, exclusive: bool = False) -> _Bound | None:
    number = _number(value)
    return None if number is None else (number, exclusive)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _show_bound(bound: _Bound | None) -> str:
    if bound is None:
        return "none"
    value, exclusive = bound
    return f"{value} (exclusive)" if exclusive else f"{value}"


def _is_null(document: Document, branch: Any) -> bool:
    resolved, _ = resolve(document, branch, "")
    return isinstance(resolved, Mapping) and (
        resolved.get("type") == "null" or resolved.get("type") == ["null"]
    )


def _const(document: Document, branch: Any) -> str | None:
    """The one value a branch allows (`const`, or an enum of one), as JSON; None for anything else."""
    resolved, _ = resolve(document, branch, "")
    if not isinstance(resolved, Mapping):
        return None
    if "const" in resolved:
        return json.dumps(resolved["const"], sort_keys=True)
    values = resolved.get("enum")
    if isinstance(values, list) and len(values) == 1:
        return json.dumps(values[0], sort_keys=True)
    return None


def _ref_name(branch: Any) -> str | None:
    if isinstance(branch, Mapping) and isinstance(branch.get("$ref"), str):
        return str(branch["$ref"]).rsplit("/", 1)[-1]
    return None


def _branch_name(branch: Any) -> str:
    name = _ref_name(branch)
    if name is not None:
        return name
    if isinstance(branch, Mapping):
        for key in ("title", "type"):
            if key in branch:
                return str(branch[key])
    return "(inline)"


# --- plumbing -------------------------------------------------------------------------------------------


def resolve(document: Document, node: Any, pointer: str, limit: int = 32) -> tuple[Any, str]:
    """Follow local `$ref`s to the object they name, tracking where it is (for locating changes)."""
    for _ in range(limit):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            return node, pointer
        ref = str(node["$ref"])
        if not ref.startswith("#"):
            return {}, pointer
        target: Any = document
        for token in split_pointer(unquote(ref[1:])):
            if isinstance(target, Mapping) and token in target:
                target = target[token]
            elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
                target = target[int(token)]
            else:
                return {}, pointer
        node, pointer = target, unquote(ref[1:])
    return {}, pointer


def as_mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
