"""Mock mode: for every real spec, the generated app with no handlers answers within its contract.

schemathesis (in-process, positive data, a few examples per operation) checks what a front-end team
relies on: no server error, a declared status, the declared media type, a body valid for its schema.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.errors import SerializationNotPossible
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from specfirst.cli import main
from tests.codegen.test_shared_specs import LENIENT, SPECS, package_name
from tests.conftest import ROOT, SHARED_SPECS

# `make mock-test` (MOCK_EXAMPLES set) adds the 3 MB openai.yaml (--lenient: it has faults of its own);
# `make test` leaves it out for time
LARGE = [SHARED_SPECS / "large" / "openai.yaml"] if os.environ.get("MOCK_EXAMPLES") else []
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)

# The only operations whose mock may break its response schema: a fixed, reviewed list of schemas no
# value satisfies, each with its reason. The generator must report exactly these (no more, no fewer).
UNSATISFIABLE = {
    ("opc-baseline-3.1.yaml", "POST /types/unions/duplicate-types"): (
        "a oneOf of two identical branches: every value matches both, so none matches exactly one"
    ),
}


def _mock_app(spec: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Any, set[str]]:
    """The mock app of `spec`, and the operations the generator said it found no valid body for."""
    import importlib
    import sys

    name = package_name(spec) + "_mock"
    flags = ["--lenient"] if spec.name in LENIENT or spec in LARGE else []
    assert main(["generate", str(spec), "--out", str(folder / name), *flags]) == 0
    reported = set(re.findall(r"warning: mock of (\S+ \S+): no body", capsys.readouterr().err))
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name).create_app(mock=True), reported
    finally:
        sys.path.remove(str(folder))


@pytest.mark.parametrize(
    "spec",
    [*SPECS, ROOT / "spec" / "openapi.yaml", *LARGE],
    ids=lambda p: p.name if p.stem != "openapi" else p.parent.name,
)
def test_mock_answers_every_operation_within_its_contract(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_path(str(spec))
    schema.app, reported = _mock_app(spec, tmp_path, capsys)
    impossible = {op for (name, op) in UNSATISFIABLE if name == spec.name}
    assert reported == impossible, "the generator found no valid mock body for other operations than these"
    # The app serves `paths` as written; a server URL's base path is where a deployment mounts it.
    schema.config.update(base_url="http://localhost")
    # a handful of examples per operation: the big twilio spec gets fewer, to keep `make test` quick;
    # `make mock-test` sets MOCK_EXAMPLES for a longer run
    examples = int(os.environ.get("MOCK_EXAMPLES", 0)) or (2 if spec.stat().st_size > 500_000 else 4)
    failures: list[str] = []
    # every operation runs, and every failure is reported together rather than the first one only
    for operation in schema.get_all_operations():
        op: Any = operation.ok()  # type: ignore[union-attr]
        if f"{op.method.upper()} {op.path}" in impossible:
            continue
        try:
            _run_one(op, examples)
        except SerializationNotPossible:
            continue  # a request media type schemathesis cannot write (opc's `openapi/python/client`)
        except Exception as exc:
            first_line = re.sub(r"\s+", " ", str(exc))[:300]
            failures.append(f"{op.method.upper()} {op.path}: {first_line}")
    assert not failures, "\n".join(failures)


def _run_one(operation: Any, examples: int) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    run()
