"""`diff` on real history: every neighbouring pair of the last 21 versions of openai.yaml.

Each pair is one real commit. Its grouped report is asserted against what the commit message says was
done: the table below holds, per pair, the message as its authors wrote it, the root causes expected
((severity, rule) -> number of groups) and a note where the report says more or less than the message.
Each version is loaded once for the whole module (about 3 s each for a 3 MB document) and shared.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from specfirst.diff import diff_specs
from specfirst.diff_groups import Group, group_changes
from specfirst.diff_load import load_source
from specfirst.pipeline import Options
from tests.conftest import SHARED_SPECS

HISTORY = SHARED_SPECS / "large" / "openai-history"
VERSIONS = sorted(HISTORY.glob("*.yaml"))
B, W, C = "breaking", "warning", "compatible"


@dataclass(frozen=True)
class Expected:
    claim: str  # the commit message
    causes: dict[tuple[str, str], int]  # (severity, rule) -> root causes
    operations: set[str] | None = None  # operations every group of the claim reaches, when few
    note: str = ""  # where the report and the message differ, and who is right


# NEW file -> what its commit did
EXPECTED: dict[str, Expected] = {
    "02-c6d5628.yaml": Expected(
        "Add external_web_access flag to control live web search access",
        {(C, "property-added"): 2},  # WebSearchTool and its Beta twin
    ),
    "03-7348a53.yaml": Expected(
        "Add detailed token usage fields and structured error schemas",
        {(B, "branch-added"): 2, (C, "property-added"): 3},
        note="`error` was `anyOf: [string, null]`, a nullable string: an object error is a new shape for a "
        "client of OLD (breaking), not a new variant of a set",
    ),
    "04-a2726e0.yaml": Expected(
        "Allow null annotations and update example annotation type",
        {(B, "null-added"): 2, (B, "branch-added"): 8, (C, "branch-removed"): 2, (C, "docs"): 2},
        {"POST /responses", "POST /responses?beta=true"},
        note="null-added is the claim. The 8 branch-added are a false positive: OLD's `annotation` was any "
        "object, NEW's a oneOf of 4 object shapes, which narrows; branches are not compared to a plain OLD",
    ),
    "05-061d7d0.yaml": Expected(
        "Clarify handling of reasoning item content in streaming responses", {(C, "docs"): 2}
    ),
    "06-aa58881.yaml": Expected(
        "Add ResponseWsError event for WebSocket error reporting",
        {},
        note="the new schema is used by no operation (WebSockets are not in `paths`): nothing a client sees",
    ),
    "07-ca34204.yaml": Expected(
        "Add 429 Too Many Requests response to all endpoints",
        {(C, "response-added"): 1},  # one cause, a place in each of the 161 operations
    ),
    "08-23e6f5b.yaml": Expected(
        "Add shutdown_date field to model object",
        {(C, "property-added"): 1},
        {"GET /models", "GET /models/{model}"},
    ),
    "09-c094647.yaml": Expected(
        "Remove deprecated string error type from tool call responses",
        {(B, "branch-removed"): 2, (C, "docs"): 2},
        note="breaking because the same schemas are request input too (`input[].error`): clients sending a "
        "string error are refused; in the responses it is compatible",
    ),
    "10-b6c1bec.yaml": Expected("Add metadata field to chat completion response", {(C, "property-added"): 1}),
    "11-2329a66.yaml": Expected(
        "Add image metadata fields to partial image data responses",
        {(C, "property-added"): 8},  # 4 fields, Beta twin
        {"POST /responses", "POST /responses?beta=true"},
    ),
    "12-9b457ac.yaml": Expected(
        "Add new streaming events for shell command execution and output",
        {(W, "branch-added"): 10},  # 5 event types, Beta twin: the open-set rule
        {"POST /responses", "POST /responses?beta=true"},
    ),
    "13-2186421.yaml": Expected(
        "Add new event type for ads account onboarding redemption",
        {(W, "enum-value-added"): 1},
        {"GET /organization/audit_logs"},
    ),
    "14-06a9404.yaml": Expected(
        "Increase max length for encrypted_content in compaction summaries",
        {(W, "maxLength-raised"): 2},  # a warning where responses carry it, compatible in requests
    ),
    "15-5fd39db.yaml": Expected(
        "Add obfuscation field to chat completion chunk responses",
        {(C, "property-added"): 1},
        {"POST /chat/completions"},
    ),
    "16-b8d775d.yaml": Expected(
        "Add gpt-image-2 models to image generation and editing APIs",
        {(W, "enum-value-added"): 2, (C, "enum-value-added"): 3, (C, "docs"): 4},
    ),
    "17-e68e9be.yaml": Expected(
        "Add chatgpt-image-latest as a new image generation model option",
        {(C, "docs"): 2},
        note="the commit only edits the descriptions listing the models; no enum gains the value",
    ),
    "18-b0da4ea.yaml": Expected(
        "Clarify variable length of output audio deltas in translation event",
        {},
        note="a description of a schema no operation uses",
    ),
    "19-010421d.yaml": Expected(
        "Clarify transparent background support for GPT image models", {(C, "docs"): 4}
    ),
    "20-13c6a94.yaml": Expected(
        "Add quantity_unit field to organization costs results", {(C, "property-added"): 1}
    ),
    "21-f85dbe2.yaml": Expected(
        "Add 'residency' field for project data residency configuration",
        {(C, "property-added"): 2, (W, "property-removed"): 2},
        note="the commit also removes `geography` from the create and update requests (a warning: servers "
        "ignore a property clients still send); the message does not say so",
    ),
}


@pytest.fixture(scope="module")
def versions() -> Iterator[dict[str, Any]]:
    """Every version's document, loaded once (the cyclic collector paused, as `diff` does)."""
    if len(VERSIONS) != 21:
        pytest.skip(f"{HISTORY} does not hold the 21 versions")
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield {path.name: load_source(str(path), Options(lenient=True)).spec.document for path in VERSIONS}
    finally:
        if enabled:
            gc.enable()


def test_every_pair_has_an_expectation() -> None:
    assert set(EXPECTED) == {p.name for p in VERSIONS[1:]}


def _causes(groups: list[Group]) -> dict[tuple[str, str], int]:
    return dict(Counter((g.severity.value, g.rule) for g in groups))


@pytest.mark.parametrize("new", sorted(EXPECTED))
def test_a_real_commit_reports_what_its_message_says(new: str, versions: dict[str, Any]) -> None:
    old = VERSIONS[[p.name for p in VERSIONS].index(new) - 1].name
    changes = diff_specs(versions[old], versions[new])
    groups = group_changes(changes)
    expected = EXPECTED[new]
    assert _causes(groups) == expected.causes, expected.claim
    assert sum(g.paths for g in groups) == len(changes)
    for group in groups:
        assert group.reaches and all(r.operation.split(" ")[0].isupper() for r in group.reaches), group
        if expected.operations is not None:
            assert set(group.operations) <= expected.operations, (expected.claim, group.operations)


def test_the_429_commit_is_one_group_in_every_operation(versions: dict[str, Any]) -> None:
    [group] = group_changes(diff_specs(versions["06-aa58881.yaml"], versions["07-ca34204.yaml"]))
    assert (group.rule, group.message) == ("response-added", "response 429 added")
    assert len(group.reaches) == len(group.pointers) == 161
