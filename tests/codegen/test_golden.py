"""Golden files: one small spec per feature, with the whole generated package checked in beside it.

A template change shows up as a reviewed diff: `make golden` rewrites them (UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from specfirst.cli import main
from tests.conftest import FEATURE_SPECS, ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
SPECS = sorted([*FEATURE_SPECS.glob("*.yaml"), FEATURE_SPECS / "multifile" / "openapi.yaml"])


def golden_name(spec: Path) -> str:
    return spec.parent.name if spec.name == "openapi.yaml" else spec.stem


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("spec", SPECS, ids=golden_name)
def test_generated_package_matches_golden(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the header names the spec by the path given, relative to the repository
    name = golden_name(spec)
    out = tmp_path / name
    assert main(["generate", str(spec.relative_to(ROOT)), "--out", str(out)]) == 0
    expected_dir = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir, ignore=shutil.ignore_patterns("__pycache__", ".specfirst.json"))
    actual = {k: v for k, v in tree(out).items() if k != ".specfirst.json"}
    assert actual == tree(expected_dir), f"generated output for {name} changed; review and run `make golden`"
