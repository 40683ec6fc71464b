"""The generated SDK folder: layout, metadata, determinism, lint and `mypy --strict` (with a typed user)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from specfirst.render.sdk_python import distribution_name, package_version, toml_string
from specfirst.sdk import generate_python_sdk, render_python_sdk
from specfirst.write import WriteError
from tests.codegen.test_shared_specs import LENIENT as SHARED_LENIENT
from tests.codegen.test_shared_specs import SPECS as SHARED

from .conftest import PACKAGE, SPEC

DRIVER = Path(__file__).with_name("drive_service.py")


def test_layout_and_metadata(sdk_dir: Path) -> None:
    src = sdk_dir / "src" / PACKAGE
    for name in (
        "__init__.py",
        "_base.py",
        "_errors.py",
        "_retry.py",
        "_client.py",
        "errors.py",
        "models.py",
    ):
        assert (src / name).is_file(), name
    assert (src / "py.typed").exists()
    assert {p.stem for p in (src / "resources").glob("*.py")} >= {"items", "users", "auth", "files"}
    project = tomllib.loads((sdk_dir / "pyproject.toml").read_text())
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert project["project"]["name"] == "item-store-api"
    assert project["project"]["version"] == "1.0.0"
    deps = project["project"]["dependencies"]
    assert [d.split(">")[0].split("[")[0] for d in deps] == ["httpx2", "pydantic"]


def test_runtime_is_copied_verbatim_up_to_formatting(sdk_dir: Path) -> None:
    text = (sdk_dir / "src" / PACKAGE / "_retry.py").read_text()
    assert (
        "MAX_RETRY_AFTER = 60.0" in text and "from specfirst" not in text and "specfirst_runtime" not in text
    )


def test_name_and_version_are_overridable_and_sanitised(tmp_path: Path) -> None:
    files, _ = render_python_sdk(SPEC, name="Acme Store!", version="2.1.0rc1")
    project = tomllib.loads(files["pyproject.toml"])
    assert project["project"]["name"] == "acme-store"
    assert project["project"]["version"] == "2.1.0rc1"
    assert "src/acme_store/_client.py" in files
    assert distribution_name("Über API v2") == "uber-api-v2"
    assert package_version("not a version") == "0.0.0"
    assert tomllib.loads("x = " + toml_string('a"b\\c\n\x7f\u2028'))["x"] == 'a"b\\c\n\x7f\u2028'


def test_rendering_is_deterministic() -> None:
    first, _ = render_python_sdk(SPEC)
    second, _ = render_python_sdk(SPEC)
    assert first == second


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(WriteError):
        generate_python_sdk(SPEC, out)
    assert (out / "keep.txt").read_text() == "mine"
    assert not list(tmp_path.glob(".mine.staging-*"))


def test_ruff_clean(sdk_dir: Path) -> None:
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run(
        [ruff, "check", "--isolated", "--select", "E9,F", "--line-length", "100", str(sdk_dir)], check=True
    )


def test_mypy_strict_on_the_sdk_and_a_typed_caller(sdk_dir: Path, tmp_path: Path) -> None:
    mypy = Path(sys.executable).parent / "mypy"
    env = {**os.environ, "MYPYPATH": str(sdk_dir / "src")}
    result = subprocess.run(
        [
            mypy,
            "--strict",
            "--python-version",
            "3.11",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--no-incremental",
            str(sdk_dir / "src" / PACKAGE),
            str(DRIVER),
            str(DRIVER.with_name("drive_newer.py")),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.mark.parametrize("spec", SHARED, ids=lambda p: p.name if p.stem != "openapi" else p.parent.name)
def test_the_sdk_of_every_shared_spec_passes_mypy_strict(spec: Path, tmp_path: Path) -> None:
    """Real contracts (odd names, recursive schemas, 197 operations): the SDK still type-checks."""
    from specfirst.cli import main

    out = tmp_path / "sdk"
    flags = ["--lenient"] if spec.name in SHARED_LENIENT else []
    assert main(["sdk", str(spec), "--out", str(out), *flags]) == 0
    (package,) = (p for p in (out / "src").iterdir() if p.is_dir())
    mypy = [str(Path(sys.executable).parent / "mypy"), "--strict", "--python-version", "3.11"]
    result = subprocess.run(
        [*mypy, "--no-incremental", "--cache-dir", str(tmp_path / "mypy-cache"), str(package)],
        env={**os.environ, "MYPYPATH": str(out / "src")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
