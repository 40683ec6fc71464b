"""One version number for the two distributions, and the generator pinned to its runtime."""

from __future__ import annotations

import tomllib

import specfirst_runtime

import specfirst
from specfirst.runtime_requirement import version_range
from tests.conftest import ROOT


def test_generator_runtime_and_pin_carry_one_version() -> None:
    generator = tomllib.loads((ROOT / "codegen" / "pyproject.toml").read_text())["project"]
    pins = [d for d in generator["dependencies"] if d.startswith("specfirst-runtime")]
    assert pins == [f"specfirst-runtime[email,forms]=={specfirst.__version__}"]
    assert specfirst_runtime.__version__ == specfirst.__version__


def test_the_recorded_range_admits_the_runtime_it_was_made_with_and_not_the_next_minor() -> None:
    assert version_range("0.2.0") == ("0.2.0", "0.3")
    assert version_range("0.2.7") == ("0.2.0", "0.3")
    assert version_range("1.4.2") == ("1.4.0", "2")
    specfirst_runtime.require(*version_range(), package="p", generated_by="x", regenerate="y")


def test_the_runtime_declares_nothing_of_the_generator() -> None:
    runtime = tomllib.loads((ROOT / "runtime" / "pyproject.toml").read_text())["project"]
    declared = [
        *runtime["dependencies"],
        *(d for ds in runtime["optional-dependencies"].values() for d in ds),
    ]
    names = {d.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower() for d in declared}
    assert names == {
        "fastapi",
        "starlette",
        "pydantic",
        "fastapi-offline",
        "email-validator",
        "python-multipart",
    }
