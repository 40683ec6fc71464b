"""bench/optic_compare.py: our diff against Optic's on the pairs of `specs/diff/`.

The parsing of both tools' output, the classification and the expectations file are tested here
without Optic. The comparison itself needs node and npm to install Optic once (under a minute), then
a few minutes for its 94 runs (15 min on a busy 2-core machine), so it runs only when asked: `OPTIC=1 pytest
tests/codegen/test_optic_compare.py`, or `make optic-compare`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tests.conftest import ROOT


def load_script(name: str) -> ModuleType:
    """A script of bench/ (it runs as a file, not as part of a package), imported under its own name."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return sys.modules[name]


if TYPE_CHECKING:  # mypy sees bench/ scripts as top-level modules, as they run
    import optic_compare as oc
else:
    oc = load_script("optic_compare")


def test_classify() -> None:
    assert oc.classify(True, True) is oc.Kind.BOTH
    assert oc.classify(True, False) is oc.Kind.OURS
    assert oc.classify(False, True) is oc.Kind.OPTIC
    assert oc.classify(False, False) is oc.Kind.NEITHER


def test_pairs_are_every_folder_both_ways_and_the_golden_versions() -> None:
    pairs = oc.discover_pairs()
    folders = sorted(p.name for p in oc.PAIRS.iterdir() if (p / "old.yaml").is_file())
    assert [p.name for p in pairs if not p.name.endswith(":reversed")] == sorted([*folders, "golden"])
    by_name = {p.name: p for p in pairs}
    assert len(by_name) == len(pairs) == 2 * (len(folders) + 1)
    assert by_name["golden"] == oc.Pair(
        "golden", oc.PAIRS / "golden" / "v1.yaml", oc.PAIRS / "golden" / "v2.yaml"
    )
    forward, backward = by_name["server-changed"], by_name["server-changed:reversed"]
    assert (backward.old, backward.new) == (forward.new, forward.old)


# --- what each tool says --------------------------------------------------------------------------------


def test_ours_outcome_groups_by_operation() -> None:
    changes = [
        {"severity": "breaking", "rule": "property-removed", "operation": "GET /a/{id}", "reason": "gone"},
        {"severity": "breaking", "rule": "server-changed", "operation": "-", "reason": "moved"},
        {"severity": "warning", "rule": "enum-value-added", "operation": "GET /a/{id}", "reason": "new"},
        {"severity": "compatible", "rule": "property-added", "operation": "POST /a", "reason": "added"},
    ]
    outcome = oc.ours_outcome(changes)
    assert outcome.breaking == {"GET /a/{id}": ["property-removed"], "-": ["server-changed"]}
    assert outcome.warnings == {"GET /a/{id}": ["enum-value-added"]}
    assert outcome.reasons == ["GET /a/{id}: gone", "-: moved"]


def test_ours_runs_the_command_line_on_a_pair() -> None:
    pair = oc.Pair(
        "x",
        oc.PAIRS / "response-property-removed" / "old.yaml",
        oc.PAIRS / "response-property-removed" / "new.yaml",
    )
    outcome = oc.run_ours(pair, oc.REPO / ".venv" / "bin" / "python")
    assert outcome.error is None
    assert outcome.breaking == {"GET /items": ["property-removed"]}
    backward = oc.run_ours(oc.Pair("y", pair.new, pair.old), oc.REPO / ".venv" / "bin" / "python")
    assert backward.error is None and backward.breaking == {}


def optic_result(
    where: str, name: str, *, passed: bool = False, severity: int = 2, **extra: Any
) -> dict[str, Any]:
    """One check result as Optic 1.0.9 writes it into ci-run-details.json."""
    return {
        "where": where,
        "error": None if passed else f"{name} failed",
        "passed": passed,
        "exempted": False,
        "location": {"jsonPath": "/paths/~1items/get", "spec": "before"},
        "name": name,
        "type": "removed",
        "severity": severity,
        **extra,
    }


def ci_details(*results: dict[str, Any]) -> dict[str, Any]:
    comparison = {"groupedDiffs": {}, "results": list(results)}
    return {
        "completed": [{"apiName": "old.yaml", "comparison": comparison}],
        "failed": [],
        "noop": [],
        "severity": 2,
    }


def test_optic_outcome_counts_failed_error_checks_as_breaking() -> None:
    details = ci_details(
        optic_result(
            "GET /items response 200 response body: application/json property name", "prevent removal"
        ),
        optic_result("GET /items/{itemId} query parameter: limit", "prevent new required query parameters"),
        optic_result("GET /items", "prevent operation removal", passed=True),
        optic_result("POST /items", "exempted rule", exempted=True),
        optic_result("POST /items request body", "a warning", severity=1),
        optic_result("POST /items request body", "information", severity=0),
        optic_result("specification servers", "a contract-wide rule"),
    )
    outcome = oc.optic_outcome(details)
    assert outcome.error is None
    assert outcome.breaking == {
        "GET /items": ["prevent removal"],
        "GET /items/{itemId}": ["prevent new required query parameters"],
        "-": ["a contract-wide rule"],
    }
    assert outcome.warnings == {"POST /items": ["a warning"]}
    assert outcome.reasons[0] == (
        "GET /items response 200 response body: application/json property name: prevent removal failed"
    )


def test_optic_outcome_reports_a_spec_it_could_not_read() -> None:
    details = {"completed": [], "failed": [{"apiName": "old.yaml", "error": "bad spec"}], "noop": []}
    assert oc.optic_outcome(details).error == "bad spec"
    assert oc.optic_outcome({"completed": [], "failed": [], "noop": [{"apiName": "a"}]}) == oc.Outcome()


@pytest.mark.parametrize(
    ("where", "operation"),
    [
        ("GET /items response 200 response body: application/json property name", "GET /items"),
        ("delete /orders/{orderId}", "DELETE /orders/{orderId}"),
        ("POST /items request body: application/json", "POST /items"),
        ("specification", "-"),
        ("GET items", "-"),  # not a path
        ("", "-"),
    ],
)
def test_optic_operation(where: str, operation: str) -> None:
    assert oc.optic_operation(where) == operation


def test_operation_key_erases_path_parameter_names() -> None:
    assert oc.operation_key("GET /orders/{orderId}/lines/{n}") == oc.operation_key(
        "GET /orders/{id}/lines/{line}"
    )
    assert oc.operation_key("GET /orders/{id}") != oc.operation_key("GET /orders")


# --- classification and expectations --------------------------------------------------------------------


def test_units_match_operations_across_parameter_names() -> None:
    ours = oc.Outcome(breaking={"GET /orders/{id}": ["null-added"], "-": ["server-changed"]})
    optic = oc.Outcome(breaking={"GET /orders/{orderId}": ["prevent removal"], "POST /orders": ["enum"]})
    found = {(u.operation, u.kind): (u.ours, u.optic) for u in oc.units("golden", ours, optic)}
    assert found == {
        ("GET /orders/{id}", oc.Kind.BOTH): (("null-added",), ("prevent removal",)),
        ("-", oc.Kind.OURS): (("server-changed",), ()),
        ("POST /orders", oc.Kind.OPTIC): ((), ("enum",)),
    }
    assert [(u.operation, u.kind) for u in oc.units("x", oc.Outcome(), oc.Outcome())] == [
        ("-", oc.Kind.NEITHER)
    ]


EXAMPLE = """\
# a comment, then a blank line

a | GET /items/{id} | only-ours | ours | narrowed
a:reversed | - | only-optic | optic | they are right | a pipe in the reason is kept
"""


def test_parse_expectations() -> None:
    found = oc.parse_expectations(EXAMPLE)
    assert list(found) == [("a", "GET /items/{}"), ("a:reversed", "-")]
    first, second = found.values()
    assert first == oc.Expectation("a", "GET /items/{id}", oc.Kind.OURS, "ours", "narrowed", 3)
    assert second.kind is oc.Kind.OPTIC and second.why == "they are right | a pipe in the reason is kept"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("a | GET /items | only-ours | ours", "expected PAIR | OPERATION | KIND | RIGHT | WHY"),
        ("a | GET /items | only-ours | ours |  ", "expected PAIR"),
        ("a | GET /items | both | ours | agree", "KIND must be only-ours or only-optic, not 'both'"),
        ("a | GET /items | only-ours | nobody | hm", "RIGHT must be ours or optic, not 'nobody'"),
        (
            "a | GET /items/{itemId} | only-optic | optic | twice",
            "line 5: a GET /items/{itemId} already listed on line 3",
        ),
    ],
)
def test_malformed_expectations_are_refused_with_their_line(line: str, message: str) -> None:
    with pytest.raises(oc.ExpectationError, match=r"^line \d+: ") as raised:
        oc.parse_expectations(EXAMPLE + line + "\n")
    assert message in str(raised.value)


def test_check_sorts_disagreements_into_expected_unexpected_and_stale() -> None:
    expectations = oc.parse_expectations(EXAMPLE + "b | POST /x | only-ours | ours | gone now\n")
    observed = [
        *oc.units("a", oc.Outcome(breaking={"GET /items/{itemId}": ["maxLength-lowered"]}), oc.Outcome()),
        *oc.units(
            "a:reversed", oc.Outcome(breaking={"-": ["server-changed"]}), oc.Outcome()
        ),  # listed as only-optic
        *oc.units("c", oc.Outcome(), oc.Outcome(breaking={"GET /c": ["enum"]})),  # not listed
        *oc.units(
            "d", oc.Outcome(breaking={"GET /d": ["r"]}), oc.Outcome(breaking={"GET /d": ["s"]})
        ),  # agree
    ]
    result = oc.check(observed, expectations)
    assert [(u.pair, e.line) for u, e in result.expected] == [("a", 3)]
    assert [(u.pair, u.kind) for u in result.unexpected] == [
        ("a:reversed", oc.Kind.OURS),
        ("c", oc.Kind.OPTIC),
    ]
    assert [e.pair for e in result.stale] == ["a:reversed", "b"]
    assert not result.ok
    assert oc.check(observed[:1], oc.parse_expectations(EXAMPLE.splitlines()[2])).ok


def test_the_checked_in_expectations_name_real_pairs_and_operations() -> None:
    """Each line of optic-expectations.txt names a pair of this folder and an operation of its specs."""
    expectations = oc.parse_expectations(oc.EXPECTATIONS.read_text())
    pairs = {p.name: p for p in oc.discover_pairs()}
    assert expectations
    for expectation in expectations.values():
        assert expectation.pair in pairs, expectation
        if expectation.operation == "-":
            continue
        method, path = expectation.operation.split(" ", 1)
        pair = pairs[expectation.pair]
        found = set()
        for spec in (pair.old, pair.new):
            document = yaml.safe_load(spec.read_text())
            found |= {
                oc.operation_key(f"{m.upper()} {p}") for p, item in document["paths"].items() for m in item
            }
        assert oc.operation_key(f"{method} {path}") in found, expectation


def test_missing_npm_is_a_setup_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(oc.SetupError, match="node and npm are needed"):
        oc.ensure_optic(tmp_path / "optic")
    assert (tmp_path / "optic" / "standard.yml").read_text().startswith("ruleset:")


# --- the comparison itself ------------------------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("OPTIC"), reason="installs and runs Optic: set OPTIC=1")
def test_optic_disagrees_only_where_expected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "optic-compare.json"
    assert oc.main(["--json", str(report)]) == 0, capsys.readouterr().out
    data = json.loads(report.read_text())
    assert data["ok"] is True
    assert len(data["results"]) == len(oc.discover_pairs())
    assert all(r["ours"]["error"] is None and r["optic"]["error"] is None for r in data["results"])
    kinds = {r["pair"]: r["kind"] for r in data["results"]}
    # a sample both tools agree on, each way
    assert kinds["response-property-removed"] == "both"
    assert kinds["response-property-removed:reversed"] == "neither"
