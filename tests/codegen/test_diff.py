"""`python -m specfirst diff OLD NEW`: one spec pair per rule, both directions, git refs, exit codes, golden.

Each folder under `specs/diff/` holds `old.yaml` and `new.yaml` differing in one way. Diffing them must
report exactly the expected (severity, rule) pairs, and diffing them the other way round the expected
reverse: what narrows a request widens it backwards, and in a response the severities flip.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from specfirst.cli import main
from specfirst.diff import Change, Severity, diff_specs, failing, major_bump, semver_major
from specfirst.diff_groups import group_changes
from specfirst.diff_load import load_source, split_git_source
from specfirst.pipeline import Options
from tests.conftest import ROOT, SHARED_SPECS

PAIRS = Path(__file__).resolve().parent / "specs" / "diff"
GOLDEN = PAIRS / "golden"
LOCATION = re.compile(r"^(?:[^:\s]+:)?[^:\s]+\.yaml:\d+$")

B, W, C = "breaking", "warning", "compatible"
Expected = set[tuple[str, str]]

# folder -> (OLD -> NEW, NEW -> OLD); documentation and version changes are left out of the comparison
CASES: dict[str, tuple[Expected, Expected]] = {
    "operation-removed": ({(B, "operation-removed")}, {(C, "operation-added")}),
    "path-removed": ({(B, "operation-removed")}, {(C, "operation-added")}),
    "path-parameter-renamed": ({(W, "parameter-renamed")}, {(W, "parameter-renamed")}),
    "operation-id-changed": ({(W, "operation-id-changed")}, {(W, "operation-id-changed")}),
    "request-property-added-required": ({(B, "property-added-required")}, {(W, "property-removed")}),
    "request-property-added-optional": ({(C, "property-added")}, {(W, "property-removed")}),
    "request-property-made-required": ({(B, "property-made-required")}, {(C, "property-required-changed")}),
    "request-property-removed-closed": ({(B, "property-removed")}, {(C, "property-added")}),
    "request-body-made-required": ({(B, "request-body-made-required")}, {(C, "request-body-made-optional")}),
    "request-type-changed": ({(B, "type-changed")}, {(B, "type-changed")}),
    "request-enum-value-removed": ({(B, "enum-value-removed")}, {(C, "enum-value-added")}),
    "request-maximums-lowered": (
        {(B, "maxLength-lowered"), (B, "maximum-lowered"), (B, "maxItems-lowered")},
        {(C, "maxLength-raised"), (C, "maximum-raised"), (C, "maxItems-raised")},
    ),
    "request-minimums-raised": (
        {(B, "minLength-raised"), (B, "minimum-raised"), (B, "minItems-raised")},
        {(C, "minLength-lowered"), (C, "minimum-lowered"), (C, "minItems-lowered")},
    ),
    "request-pattern-added": ({(B, "pattern-added")}, {(C, "pattern-removed")}),
    "request-pattern-changed": ({(B, "pattern-changed")}, {(B, "pattern-changed")}),
    "request-nullable-removed": ({(B, "null-removed")}, {(C, "null-added")}),  # OpenAPI 3.0 `nullable`
    "request-branch-removed": ({(B, "branch-removed")}, {(C, "branch-added")}),
    "request-additional-properties-closed": (
        {(B, "additional-properties-closed")},
        {(C, "additional-properties-opened")},
    ),
    "request-default-changed": ({(W, "default-changed")}, {(W, "default-changed")}),
    "request-media-type-removed": ({(B, "media-type-removed")}, {(C, "media-type-added")}),
    "parameter-added-required": ({(B, "parameter-added-required")}, {(W, "parameter-removed")}),
    "parameter-added-optional": ({(C, "parameter-added")}, {(W, "parameter-removed")}),
    "parameter-made-required": ({(B, "parameter-made-required")}, {(C, "parameter-made-optional")}),
    "parameter-moved": ({(B, "parameter-moved")}, {(B, "parameter-moved")}),
    "parameter-maximum-lowered": ({(B, "maximum-lowered")}, {(C, "maximum-raised")}),
    "response-property-removed": ({(B, "property-removed")}, {(C, "property-added")}),
    "response-property-made-optional": ({(B, "property-made-optional")}, {(C, "property-required-changed")}),
    "response-made-nullable": ({(B, "null-added")}, {(C, "null-removed")}),
    "response-type-widened": ({(B, "type-widened")}, {(C, "type-narrowed")}),
    "response-type-changed": ({(B, "type-changed")}, {(B, "type-changed")}),
    # the open-set rule (`open_set_added`): a value or variant a response may now carry is a warning
    "response-enum-value-added": ({(W, "enum-value-added")}, {(C, "enum-value-removed")}),
    "response-const-branch-added": ({(W, "enum-value-added")}, {(C, "enum-value-removed")}),
    "response-union-variant-added": ({(W, "branch-added")}, {(C, "branch-removed")}),
    "response-event-type-added": ({(W, "branch-added")}, {(C, "branch-removed")}),
    "response-max-length-raised": ({(W, "maxLength-raised")}, {(C, "maxLength-lowered")}),
    "shared-schema-fan-out": ({(B, "property-removed")}, {(C, "property-added")}),
    "response-header-removed": ({(B, "response-header-removed")}, {(C, "response-header-added")}),
    "response-media-type-removed": ({(B, "media-type-removed")}, {(C, "media-type-added")}),
    "success-status-changed": ({(B, "success-status-changed")}, {(B, "success-status-changed")}),
    "success-status-removed": ({(B, "success-status-removed")}, {(W, "success-status-added")}),
    "security-added": ({(B, "security-added")}, {(C, "security-relaxed")}),
    "security-scheme-changed": ({(B, "security-scheme-changed")}, {(B, "security-scheme-changed")}),
    "server-changed": ({(B, "server-changed")}, {(B, "server-changed")}),
    "recursive-schema": ({(B, "maxLength-lowered")}, {(C, "maxLength-raised")}),
    "refs-moved": (set(), set()),  # inline -> component, renamed component, allOf flattened: no change
    "compatible-only": (
        {(C, "operation-added"), (C, "property-added"), (C, "maxLength-raised")},
        {
            (B, "operation-removed"),
            (W, "property-removed"),
            (B, "property-removed"),
            (B, "maxLength-lowered"),
        },
    ),
}


def document(path: Path, options: Options | None = None) -> dict[str, Any]:
    return load_source(str(path), options or Options()).spec.document


def kinds(changes: list[Change]) -> Expected:
    return {(c.severity.value, c.rule) for c in changes if c.rule not in ("docs", "version")}


def test_every_pair_has_expectations() -> None:
    folders = {p.name for p in PAIRS.iterdir() if (p / "old.yaml").is_file()}
    assert folders == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_pair_reports_expected_changes_both_ways(case: str) -> None:
    old, new = document(PAIRS / case / "old.yaml"), document(PAIRS / case / "new.yaml")
    forward, backward = CASES[case]
    assert kinds(diff_specs(old, new)) == forward
    assert kinds(diff_specs(new, old)) == backward
    assert diff_specs(old, old) == []


def test_diff_specs_is_pure() -> None:
    old, new = document(GOLDEN / "v1.yaml"), document(GOLDEN / "v2.yaml")
    before = copy.deepcopy((old, new))
    first = diff_specs(old, new)
    assert (old, new) == before
    assert diff_specs(old, new) == first


def test_removals_point_into_old_and_the_rest_into_new(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = main_json(str(GOLDEN.relative_to(ROOT) / "v1.yaml"), str(GOLDEN.relative_to(ROOT) / "v2.yaml"))
    for change in result:
        assert LOCATION.match(change["location"]), change
        expected = "v1.yaml" if change["side"] == "old" else "v2.yaml"
        assert f"golden/{expected}:" in change["location"]
    removed = next(c for c in result if c["rule"] == "operation-removed")
    assert removed["operation"] == "DELETE /orders/{orderId}"
    assert removed["pointer"] == "/paths/~1orders~1{orderId}/delete"
    assert removed["location"].endswith("v1.yaml:79")


def test_a_shared_component_is_reported_where_it_changed() -> None:
    changes = diff_specs(document(GOLDEN / "v1.yaml"), document(GOLDEN / "v2.yaml"))
    enum = [c for c in changes if c.rule == "enum-value-added"]
    assert {c.pointer for c in enum} == {"/components/schemas/OrderStatus/enum"}
    # one change per operation that sees it, the response ones a warning, the query parameter compatible
    assert sorted((c.operation, c.severity.value) for c in enum) == [
        ("GET /orders", "compatible"),
        ("GET /orders", "warning"),
        ("GET /orders/{id}", "warning"),
        ("POST /orders", "warning"),
    ]


def test_read_only_property_is_not_part_of_the_request() -> None:
    def spec(read_only: bool) -> dict[str, Any]:
        item = {
            "type": "object",
            "additionalProperties": False,
            "properties": {"id": {"type": "integer", "readOnly": read_only}, "name": {"type": "string"}},
        }
        body = {"content": {"application/json": {"schema": item}}}
        ok = {"201": {"description": "ok", "content": {"application/json": {"schema": item}}}}
        return {"paths": {"/items": {"post": {"requestBody": body, "responses": ok}}}}

    changes = diff_specs(spec(False), spec(True))
    assert kinds(changes) == {(B, "property-removed")}  # clients sending `id` are refused now
    assert changes[0].reason.startswith("request body, `id`")


def test_security_scopes_added_break_and_alternatives_relax() -> None:
    def spec(security: list[dict[str, list[str]]]) -> dict[str, Any]:
        op = {"security": security, "responses": {"200": {"description": "ok"}}}
        return {"paths": {"/a": {"get": op}}}

    assert kinds(diff_specs(spec([{"oauth": ["read"]}]), spec([{"oauth": ["read", "write"]}]))) == {
        (B, "security-changed")
    }
    assert kinds(diff_specs(spec([{"oauth": ["read"]}]), spec([{"oauth": ["read"]}, {"key": []}]))) == {
        (C, "security-relaxed")
    }
    assert kinds(diff_specs(spec([{"oauth": ["read"]}]), spec([]))) == {(C, "security-relaxed")}


def test_integer_to_number_widens_and_multiple_of() -> None:
    def spec(schema: dict[str, Any]) -> dict[str, Any]:
        body = {"content": {"application/json": {"schema": schema}}}
        return {"paths": {"/a": {"post": {"requestBody": body, "responses": {"204": {"description": "ok"}}}}}}

    assert kinds(diff_specs(spec({"type": "integer"}), spec({"type": "number"}))) == {(C, "type-widened")}
    assert kinds(diff_specs(spec({"type": "number"}), spec({"type": "integer"}))) == {(B, "type-narrowed")}
    four, two = spec({"type": "integer", "multipleOf": 4}), spec({"type": "integer", "multipleOf": 2})
    assert kinds(diff_specs(four, two)) == {(C, "multipleOf-changed")}
    assert kinds(diff_specs(two, four)) == {(B, "multipleOf-changed")}


def test_exclusive_bounds_are_tighter_at_the_same_value() -> None:
    def spec(schema: dict[str, Any]) -> dict[str, Any]:
        body = {"content": {"application/json": {"schema": schema}}}
        return {"paths": {"/a": {"post": {"requestBody": body, "responses": {"204": {"description": "ok"}}}}}}

    inclusive, exclusive = (
        spec({"type": "number", "maximum": 5}),
        spec({"type": "number", "exclusiveMaximum": 5}),
    )
    assert kinds(diff_specs(inclusive, exclusive)) == {(B, "maximum-lowered")}
    assert kinds(diff_specs(exclusive, inclusive)) == {(C, "maximum-raised")}


def test_odd_documents_never_crash_the_diff() -> None:
    """Random damage to a valid document (keys dropped, values of the wrong type): the engine reads
    only what it understands and must never raise, and a document is always equal to itself."""
    rng = random.Random(4)
    base = document(GOLDEN / "v1.yaml")
    odd: list[Any] = [None, True, 0, -1.5, "x", [], {}, ["a"], {"type": "string"}, {"$ref": "#/nope"}]

    def mutated() -> dict[str, Any]:
        copied = copy.deepcopy(base)
        for _ in range(rng.randint(1, 4)):
            places = list(_places(copied))
            parent, key = rng.choice(places)
            if isinstance(parent, dict) and rng.random() < 0.4:
                del parent[key]
            else:
                parent[key] = copy.deepcopy(rng.choice(odd))
        return copied

    for _ in range(300):
        damaged = mutated()
        diff_specs(base, damaged)
        diff_specs(damaged, base)
        assert diff_specs(damaged, damaged) == []


def _places(node: Any) -> Iterator[tuple[Any, Any]]:
    """(container, key) for every value inside `node`."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield node, key
        yield from _places(value)


# --- open sets -----------------------------------------------------------------------------------------

OPEN_SET_FORMS = {
    "response-enum-value-added": "enum-value-added",
    "response-const-branch-added": "enum-value-added",
    "response-union-variant-added": "branch-added",
    "response-event-type-added": "branch-added",
}


def test_every_open_set_form_has_one_verdict_from_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    """An enum value, a const branch, a union variant, an SSE event type: each verdict is
    `open_set_added`'s, so changing that one function changes all four, in both directions."""
    import specfirst.diff_schemas as diff_schemas

    documents = {
        case: (document(PAIRS / case / "old.yaml"), document(PAIRS / case / "new.yaml"))
        for case in OPEN_SET_FORMS
    }
    for case, rule in OPEN_SET_FORMS.items():
        assert kinds(diff_specs(*documents[case])) == {(W, rule)}, case
    monkeypatch.setattr(diff_schemas, "open_set_added", lambda direction: Severity.BREAKING)
    for case, rule in OPEN_SET_FORMS.items():
        assert kinds(diff_specs(*documents[case])) == {(B, rule)}, case


def test_open_set_forms_in_a_request_are_compatible() -> None:
    def spec(schema: dict[str, Any]) -> dict[str, Any]:
        body = {"content": {"application/json": {"schema": schema}}}
        return {"paths": {"/a": {"post": {"requestBody": body, "responses": {"204": {"description": "ok"}}}}}}

    consts = [{"const": "a"}, {"const": "b"}]
    assert kinds(diff_specs(spec({"oneOf": consts[:1]}), spec({"oneOf": consts}))) == {
        (C, "enum-value-added")
    }
    objects = [{"type": "object", "title": "A"}, {"type": "array", "title": "B"}]
    assert kinds(diff_specs(spec({"anyOf": objects[:1]}), spec({"anyOf": objects}))) == {(C, "branch-added")}


def test_a_plain_response_turned_into_a_union_is_not_an_open_set() -> None:
    """OLD promised one shape (a string); NEW may answer an object too: that breaks, as a type change
    would. Only a union OLD already had, or values OLD already listed (`const`, `enum`), are an open set."""

    def spec(schema: dict[str, Any]) -> dict[str, Any]:
        ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
        return {"paths": {"/a": {"get": {"responses": {"200": ok}}}}}

    plain, union = {"type": "string"}, {"anyOf": [{"type": "string"}, {"type": "object", "title": "Error"}]}
    assert kinds(diff_specs(spec(plain), spec(union))) == {(B, "branch-added")}
    nullable = {"anyOf": [{"type": "string"}, {"type": "null"}]}  # a nullable string, not a set of variants
    grown = {"anyOf": [{"type": "string"}, {"type": "object", "title": "Error"}, {"type": "null"}]}
    assert kinds(diff_specs(spec(nullable), spec(grown))) == {(B, "branch-added")}
    enum = {"type": "string", "enum": ["a", "b"]}
    consts = {"oneOf": [{"const": "a"}, {"const": "b"}, {"const": "c"}]}
    assert kinds(diff_specs(spec({"const": "a"}), spec(consts))) == {(W, "enum-value-added")}
    assert kinds(diff_specs(spec(enum), spec({**enum, "enum": ["a", "b", "c"]}))) == {(W, "enum-value-added")}


def test_size_bounds_loosened_in_a_response_warn_and_numeric_ones_break() -> None:
    """A client of OLD parses a longer string or list as before; only one validating OLD's bounds
    fails (a warning). A number beyond OLD's maximum may mean something OLD's client cannot handle."""

    def spec(schema: dict[str, Any]) -> dict[str, Any]:
        ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
        return {"paths": {"/a": {"get": {"responses": {"200": ok}}}}}

    def verdicts(before: dict[str, Any], after: dict[str, Any]) -> Expected:
        return kinds(diff_specs(spec(before), spec(after)))

    assert verdicts({"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 9}) == {
        (W, "maxLength-raised")
    }
    assert verdicts({"type": "string", "maxLength": 5}, {"type": "string"}) == {(W, "maxLength-removed")}
    assert verdicts({"type": "array", "minItems": 2}, {"type": "array", "minItems": 0}) == {
        (W, "minItems-lowered")
    }
    assert verdicts({"type": "integer", "maximum": 5}, {"type": "integer", "maximum": 9}) == {
        (B, "maximum-raised")
    }


# --- grouping by root cause -----------------------------------------------------------------------------


def test_one_schema_reached_by_many_operations_is_one_group() -> None:
    """`Item` loses a property; four operations reach it, two of them by two paths each."""
    case = PAIRS / "shared-schema-fan-out"
    changes = diff_specs(document(case / "old.yaml"), document(case / "new.yaml"))
    assert len(changes) == 6
    [group] = group_changes(changes)
    assert (group.severity, group.rule, group.message) == (
        Severity.BREAKING,
        "property-removed",
        "property removed",
    )
    assert (group.pointers, group.side) == (("/components/schemas/Item/properties/colour",), "old")
    assert [(r.operation, r.paths) for r in group.reaches] == [
        ("GET /items", ("response 200, `data[].colour`", "response 200, `latest.colour`")),
        ("POST /items", ("response 201, `colour`",)),
        ("GET /items/{id}", ("response 200, `colour`",)),
        ("PUT /items/{id}", ("response 200, `item.colour`", "response 200, `previous.colour`")),
    ]
    assert group.changes == tuple(changes)


def test_grouped_reports_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = pair("shared-schema-fan-out")
    report = main_grouped(old, new)
    assert report["summary"]["breaking"] == {"root_causes": 1, "changes": 6, "operations": 4}
    assert report["verdict"]["failing"] == 6
    [group] = report["groups"]
    assert group["location"].endswith("shared-schema-fan-out/old.yaml:61")
    assert [o["operation"] for o in group["operations"]] == [
        "GET /items",
        "POST /items",
        "GET /items/{id}",
        "PUT /items/{id}",
    ]
    assert group["operations"][0]["paths"] == [
        "response 200, `data[].colour`",
        "response 200, `latest.colour`",
    ]
    assert main(["diff", old, new]) == 1
    text = capsys.readouterr().out.splitlines()
    assert text[0].endswith(
        "1 breaking, 0 warning, 0 compatible root cause(s) (6 change(s), 4 operation(s) reached)"
    )
    assert "  [property-removed] property removed" in text
    assert "      reaches 4 operation(s) by 6 path(s):" in text
    assert "        PUT /items/{id}: response 200, `item.colour` (+1 more)" in text
    assert main(["diff", old, new, "--format", "markdown"]) == 1
    markdown = capsys.readouterr().out
    assert "| Breaking | 1 | 6 | 4 |" in markdown
    assert "<details><summary>reaches 4 operation(s) by 6 path(s)</summary>" in markdown


def _fan_out(branches: int, operations: int) -> dict[str, Any]:
    """The shape of issue 17's case: `Kind` (`oneOf` of const branches) reached by every operation
    twice (`kind` and `parts[].kind`)."""
    kind = {"oneOf": [{"const": f"k{i}"} for i in range(branches)]}
    thing = {
        "type": "object",
        "properties": {
            "kind": {"$ref": "#/components/schemas/Kind"},
            "parts": {
                "type": "array",
                "items": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/Kind"}}},
            },
        },
    }
    ok = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
    }
    paths = {
        f"/things{i}": {"get": {"operationId": f"get{i}", "responses": {"200": ok}}}
        for i in range(operations)
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "fan-out", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": {"Kind": kind, "Thing": thing}},
    }


def test_73_const_branches_reaching_141_operations_are_73_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`oneOf: []` turned into 73 const branches, reached by 141 operations by two paths each: 20,586
    flat entries, 73 root causes each naming its 141 operations; the markdown fits a GitHub comment."""
    old, new = _fan_out(0, 141), _fan_out(73, 141)
    changes = diff_specs(old, new)
    assert len(changes) == 73 * 141 * 2
    groups = group_changes(changes)
    assert len(groups) == 73
    assert all(g.rule == "enum-value-added" and g.severity is Severity.WARNING for g in groups)
    assert all(len(g.reaches) == 141 and g.paths == 282 for g in groups)
    assert groups[5].pointer == "/components/schemas/Kind/oneOf/5"
    assert groups[5].message == 'value "k5" added (oneOf const branch)'
    for name, spec in (("old.json", old), ("new.json", new)):
        (tmp_path / name).write_text(json.dumps(spec))
    files = str(tmp_path / "old.json"), str(tmp_path / "new.json")
    assert main(["diff", *files, "--format", "markdown", "--fail-on", "warning"]) == 1
    markdown = capsys.readouterr().out
    assert len(markdown) < 65536, len(markdown)  # GitHub's limit for a comment
    assert markdown.count("(`enum-value-added`)") == 73
    assert markdown.count("the same 141 operations as above") == 72
    assert main(["diff", *files]) == 0  # warnings only
    text = capsys.readouterr().out
    assert "warning (73 root cause(s)):" in text
    assert "and 131 more operation(s) (--format json lists every one)" in text


def test_the_same_edit_in_every_operation_is_one_group() -> None:
    """ "Add 429 Too Many Requests response to all endpoints": one cause with a place per operation."""

    def spec(codes: list[str]) -> dict[str, Any]:
        responses = {code: {"description": code} for code in codes}
        return {"paths": {f"/p{i}": {"get": {"responses": responses}} for i in range(5)}}

    [group] = group_changes(diff_specs(spec(["200"]), spec(["200", "429"])))
    assert (group.rule, group.message, len(group.reaches)) == ("response-added", "response 429 added", 5)
    assert group.pointers == tuple(f"/paths/~1p{i}/get/responses/429" for i in range(5))


def test_fail_on_never_reports_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", *pair("response-property-removed"), "--fail-on", "never"]) == 0
    out = capsys.readouterr().out
    assert "[property-removed]" in out
    assert out.rstrip().endswith("OK: nothing fails with --fail-on never")


# --- the semver gate ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "major"),
    [
        ("1.4.2", 1),
        ("v2.0.0", 2),
        ("10.0.0-rc.1+build.5", 10),
        ("1.0", None),
        ("2024-05-01", None),
        ("", None),
    ],
)
def test_semver_major(version: str, major: int | None) -> None:
    assert semver_major(version) == major


def test_major_bump_allows_breaking_changes_only_when_asked() -> None:
    v1, v2 = {"info": {"version": "1.9.0"}}, {"info": {"version": "2.0.0"}}
    breaking = [Change(Severity.BREAKING, "operation-removed", "GET /a", "/paths/~1a/get", "gone", "old")]
    assert major_bump(v1, v2)
    assert not major_bump(v2, v1)
    assert not major_bump({"info": {"version": "one"}}, v2)  # not semver: no bump
    assert failing(breaking, Severity.BREAKING) == breaking
    assert failing(breaking, Severity.BREAKING, major_allowed=True) == []


# --- the command line -----------------------------------------------------------------------------------


def pair(case: str) -> tuple[str, str]:
    return str(PAIRS / case / "old.yaml"), str(PAIRS / case / "new.yaml")


def main_json(old: str, new: str, *flags: str) -> list[dict[str, Any]]:
    """The flat JSON listing (`--flat`): one object per change."""
    result: list[dict[str, Any]] = json.loads(_main_stdout(old, new, "--format", "json", "--flat", *flags))
    return result


def main_grouped(old: str, new: str, *flags: str) -> dict[str, Any]:
    """The grouped JSON report (the default)."""
    result: dict[str, Any] = json.loads(_main_stdout(old, new, "--format", "json", *flags))
    return result


def _main_stdout(old: str, new: str, *flags: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["diff", old, new, *flags])
    return out.getvalue()


def test_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", *pair("compatible-only")]) == 0
    assert main(["diff", *pair("response-property-removed")]) == 1
    assert main(["diff", *pair("operation-id-changed")]) == 0  # a warning only
    assert main(["diff", *pair("operation-id-changed"), "--fail-on", "warning"]) == 1
    assert main(["diff", *pair("refs-moved"), "--fail-on", "warning"]) == 0
    capsys.readouterr()


def test_flat_text_report_groups_by_severity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(GOLDEN / "v1.yaml"), str(GOLDEN / "v2.yaml"), "--flat"]) == 1
    out = capsys.readouterr().out
    assert "14 breaking, 5 warning, 8 compatible" in out.splitlines()[0]
    headings = [
        line for line in out.splitlines() if re.match(r"^(breaking|warning|compatible) \(\d+\):$", line)
    ]
    assert headings == ["breaking (14):", "warning (5):", "compatible (8):"]
    assert "pass --allow-major" in out
    assert out.rstrip().endswith("FAIL: 14 change(s) at or above breaking (--fail-on breaking)")


def test_allow_major_reports_but_does_not_fail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(GOLDEN / "v1.yaml"), str(GOLDEN / "v2.yaml"), "--allow-major", "--flat"]) == 0
    out = capsys.readouterr().out
    assert "breaking (14):" in out
    assert "reported but allowed (--allow-major)" in out
    # without a major bump the flag changes nothing
    assert main(["diff", *pair("response-property-removed"), "--allow-major"]) == 1
    capsys.readouterr()


def test_json_is_a_list_of_changes() -> None:
    result = main_json(*pair("request-maximums-lowered"))
    assert isinstance(result, list) and len(result) == 3
    assert set(result[0]) == {"severity", "rule", "operation", "pointer", "reason", "side", "location"}
    assert {c["severity"] for c in result} == {"breaking"}
    assert all(c["operation"] == "POST /items" for c in result)


def test_names_with_control_characters_stay_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A property name or operationId holding a newline must not split a report line or a table row."""

    def spec(operation_id: str, required: list[str]) -> str:
        schema = {"type": "object", "required": required, "properties": {"line\none|two": {"type": "string"}}}
        ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
        operation = {"operationId": operation_id, "responses": {"200": ok}}
        info = {"title": "t", "version": "1.0.0"}
        return json.dumps({"openapi": "3.1.0", "info": info, "paths": {"/a": {"get": operation}}})

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(spec("get\nA", ["line\none|two"]))
    new.write_text(spec("get\tB", []))
    assert main(["diff", str(old), str(new), "--flat"]) == 1
    text = capsys.readouterr().out.splitlines()
    assert "  GET /a: response 200, `line\\none|two`: property made optional: may be absent" in text
    assert "  GET /a: operationId changed from get\\nA to get\\tB: SDK method renamed" in text
    assert main(["diff", str(old), str(new), "--format", "markdown", "--flat"]) == 1
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| `GET /a`")]
    assert len(rows) == 2
    assert all(row.endswith("|") and row.count(" | ") == 2 for row in rows), rows
    assert "`line\\\\none\\|two`" in rows[0]


def test_invalid_spec_exits_2_with_located_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = SHARED_SPECS / "broken" / "missing-body-ref.yaml"
    assert main(["diff", str(GOLDEN / "v1.yaml"), str(broken)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"missing-body-ref\.yaml:\d+:\d+: /paths/~1/post/requestBody/\$ref: ", err), err
    assert main(["diff", str(GOLDEN / "v1.yaml"), str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["diff"], ["diff", "a.yaml"], ["diff", "a.yaml", "b.yaml", "--format", "html"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
    capsys.readouterr()


def test_help_describes_the_command() -> None:
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "specfirst", "diff", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0
    for flag in ("--format", "--fail-on", "--allow-major", "--strict", "GIT_REF:path"):
        assert flag in result.stdout


def test_strict_runs_the_full_validation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", *pair("response-property-removed"), "--strict"]) == 1
    capsys.readouterr()


# --- git refs -------------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


ROOT_SPEC = """openapi: 3.1.0
info: {title: Two files, version: 1.0.0}
paths:
  /items:
    post:
      operationId: createItem
      requestBody:
        content:
          application/json:
            schema: {$ref: "schemas/item.yaml"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "schemas/item.yaml"}
"""
ITEM = """type: object
required: [name]
properties:
  name: {type: string, maxLength: %d}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose last two commits hold a two-file spec; the second lowers a maxLength."""
    repo = tmp_path / "repo"
    (repo / "spec" / "schemas").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "spec" / "openapi.yaml").write_text(ROOT_SPEC)
    (repo / "README").write_text("not part of the spec\n")
    for length in (100, 50):
        (repo / "spec" / "schemas" / "item.yaml").write_text(ITEM % length)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"maxLength {length}")
    monkeypatch.chdir(repo)
    return repo


def test_git_refs_on_both_sides(repo: Path) -> None:
    result = main_json("HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml")
    assert [(c["severity"], c["rule"]) for c in result] == [
        ("breaking", "maxLength-lowered"),  # the request: clients may send 100 characters
        ("compatible", "maxLength-lowered"),  # the response
    ]
    assert result[0]["location"] == "HEAD:spec/schemas/item.yaml:4"
    assert result[0]["pointer"] == "/components/schemas/item/properties/name/maxLength"


def test_git_ref_against_the_working_tree(repo: Path) -> None:
    (repo / "spec" / "schemas" / "item.yaml").write_text(ITEM % 50 + "  note: {type: string}\n")
    result = main_json("HEAD:spec/openapi.yaml", "spec/openapi.yaml")
    assert {(c["severity"], c["rule"]) for c in result} == {("compatible", "property-added")}
    assert all(c["location"].startswith("spec/schemas/item.yaml:") for c in result)
    (repo / "spec" / "sub").mkdir()
    os.chdir(repo / "spec" / "sub")  # `./` is relative to the current folder, as in `git show`
    from_below = main_json("HEAD:./../openapi.yaml", "../openapi.yaml")
    assert [c["rule"] for c in from_below] == [c["rule"] for c in result]
    assert all(c["location"].startswith("../schemas/item.yaml:") for c in from_below)


def test_git_errors_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "nosuchref:spec/openapi.yaml", "spec/openapi.yaml"]) == 2
    assert "git cannot read revision 'nosuchref'" in capsys.readouterr().err
    assert main(["diff", "HEAD:spec/nope.yaml", "spec/openapi.yaml"]) == 2
    assert "HEAD:spec/nope.yaml: no such file at that revision" in capsys.readouterr().err


def test_invalid_spec_at_a_ref_is_located_in_that_commit(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "spec" / "schemas" / "item.yaml").write_text(
        "type: object\nproperties:\n  name: {$ref: '#/nope'}\n"
    )
    git(repo, "commit", "-q", "-am", "broken")
    assert main(["diff", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"^HEAD:spec/schemas/item\.yaml:3:\d+: .*does not resolve", err, re.M), err


def test_split_git_source(tmp_path: Path) -> None:
    assert split_git_source("origin/main:spec/openapi.yaml") == ("origin/main", "spec/openapi.yaml")
    assert split_git_source("spec/openapi.yaml") is None
    assert split_git_source(":spec/openapi.yaml") is None
    odd = tmp_path / "a:b.yaml"
    odd.write_text("")
    assert split_git_source(str(odd)) is None  # an existing file wins


# --- real specs and the golden report -------------------------------------------------------------------

REAL = sorted([*SHARED_SPECS.glob("*.yaml"), SHARED_SPECS / "redocly-cafe" / "openapi.yaml"])
LENIENT = {"opc-baseline-3.1.yaml"}  # as in test_shared_specs: 3.0-isms in a 3.1 document


@pytest.mark.parametrize("spec", REAL, ids=lambda p: p.parent.name + "/" + p.name)
def test_a_real_spec_has_no_changes_against_itself(spec: Path) -> None:
    options = Options(lenient=spec.name in LENIENT)
    assert diff_specs(document(spec, options), document(spec, options)) == []


def test_golden_markdown_report(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)  # the report names the files as given, relative to the repository
    old, new = (str((GOLDEN / name).relative_to(ROOT)) for name in ("v1.yaml", "v2.yaml"))
    assert main(["diff", old, new, "--format", "markdown"]) == 1
    report = capsys.readouterr().out
    expected = GOLDEN / "expected.md"
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text(report)
    assert report == expected.read_text(), "the diff report changed; review it and rerun with UPDATE_GOLDEN=1"


# --- CI and pre-commit ------------------------------------------------------------------------------------


@pytest.fixture
def feature_branch(repo: Path) -> Path:
    """`repo` with `main` at the first commit (maxLength 100) and HEAD on a branch that lowered it."""
    git(repo, "branch", "-f", "main", "HEAD~1")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    return repo


def test_pre_commit_hook_diffs_against_the_merge_base(feature_branch: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    [hook] = hooks
    assert hook["id"] == "specfirst-diff" and hook["pass_filenames"] is True
    assert re.search(hook["files"], "spec/openapi.yaml") and not re.search(
        hook["files"], "spec/schemas/item.yaml"
    )
    command = [str(ROOT / ".venv" / "bin" / hook["entry"].split()[0]), *hook["entry"].split()[1:]]
    run = subprocess.run([*command, "spec/openapi.yaml"], capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    assert "[maxLength-lowered] maxLength lowered from 100 to 50" in run.stdout
    assert (
        subprocess.run([*command, "--fail-on", "never", "spec/openapi.yaml"], capture_output=True).returncode
        == 0
    )
    (feature_branch / "spec" / "other").mkdir()
    (feature_branch / "spec" / "other" / "openapi.yaml").write_text(ROOT_SPEC)
    fresh = subprocess.run([*command, "spec/other/openapi.yaml"], capture_output=True, text=True, check=False)
    assert fresh.returncode == 0 and "new, nothing to compare" in fresh.stdout
    bad = subprocess.run([*command, "--base", "nope", "spec/openapi.yaml"], capture_output=True, text=True)
    assert bad.returncode == 2 and "merge base" in bad.stderr


def test_the_readme_actions_command_runs_locally(feature_branch: Path) -> None:
    """The `specfirst diff` line of the README's GitHub Actions example, with the base branch main."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- actions-example -->", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    [line] = [line.strip() for line in block.splitlines() if line.strip().startswith("specfirst diff ")]
    script = "\n".join(
        [
            "set +e",
            line.replace("${{ github.base_ref }}", "main"),
            'echo "status=$?" > status.txt',
        ]
    )
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", script], cwd=feature_branch, env=env, check=True)
    assert (feature_branch / "status.txt").read_text().strip() == "status=1"
    comment = (feature_branch / "api-changes.md").read_text()
    # one root cause: the schema is the request body (breaking) and the response (compatible) alike
    assert comment.startswith(
        "### API changes: 1 breaking, 0 warning, 0 compatible root cause(s) (2 change(s)"
    )
    assert "| Breaking | 1 | 2 | 1 |" in comment
    assert "**FAIL: 1 change(s) from 1 root cause(s) at or above breaking (--fail-on breaking)**" in comment
