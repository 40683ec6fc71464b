"""Shared fixtures: generate a package from a spec into a temporary folder and import it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from specfirst.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHARED_SPECS = ROOT.parent / "shared" / "specs"
FEATURE_SPECS = Path(__file__).resolve().parent / "codegen" / "specs"

Generate = Callable[..., ModuleType]


@pytest.fixture(scope="session")
def generate_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generate]:
    """`generate_package(spec, name, *flags)` -> the imported generated package (cached per name)."""
    made: dict[str, ModuleType] = {}
    added: list[str] = []

    def make(spec: Path, name: str, *flags: str) -> ModuleType:
        if name not in made:
            out = tmp_path_factory.mktemp(name) / name
            code = main(["generate", str(spec), "--out", str(out), *flags])
            assert code == 0, f"generation of {spec} failed with exit {code}"
            sys.path.insert(0, str(out.parent))
            added.append(str(out.parent))
            made[name] = importlib.import_module(name)
        return made[name]

    yield make
    for entry in added:
        sys.path.remove(entry)
