"""`specfirst init` as a new user meets it: the CLI installed from its wheel, no access to this checkout.

The CLI is installed with `uv tool install` from the built wheel (the runtime wheel beside it, since
neither is on the index here), in a folder outside the repository, without PYTHONPATH. `init` writes a
project into an empty folder, and that project's own `make test` (ruff, mypy --strict, drift check,
its in-process contract test) and `make contract-test` (schemathesis against uvicorn, every check, the
stateful phase) pass against the installed wheels.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from specfirst import __version__
from tests.toolkit.conftest import UV, clean_env


@pytest.fixture(scope="module")
def cli(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tools = tmp_path_factory.mktemp("tools")
    env = clean_env(UV_TOOL_DIR=str(tools / "lib"), UV_TOOL_BIN_DIR=str(tools / "bin"))
    subprocess.run(
        [str(UV), "tool", "install", "--quiet", "--find-links", str(dist), f"specfirst=={__version__}"],
        check=True,
        cwd=tools,
        env=env,
    )
    return tools / "bin" / "specfirst"


def test_the_installed_cli_runs_without_this_checkout(cli: Path, tmp_path: Path) -> None:
    version = subprocess.run(
        [str(cli), "--version"], capture_output=True, text=True, cwd=tmp_path, env=clean_env()
    )
    assert version.returncode == 0 and version.stdout.strip() == f"specfirst {__version__}"
    where = subprocess.run(
        [
            str(cli.parent.parent / "lib" / "specfirst" / "bin" / "python"),
            "-c",
            "import specfirst; print(specfirst.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert where.returncode == 0 and "site-packages" in where.stdout, where.stdout + where.stderr


def test_init_refuses_a_folder_that_is_not_empty(cli: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = subprocess.run(
        [str(cli), "init", str(tmp_path)], capture_output=True, text=True, env=clean_env()
    )
    assert result.returncode == 2 and "is not empty" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_a_broken_spec_and_writes_nothing(cli: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200':\n          description: ok\n          content:\n            application/json:\n"
        "              schema: {$ref: '#/components/schemas/Nope'}\n"
    )
    result = subprocess.run(
        [str(cli), "init", str(tmp_path / "svc"), "--spec", str(broken)],
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert result.returncode == 2, result.stderr
    assert re.search(
        r"broken\.yaml:11:\d+: /paths/~1a/get/responses/200/content/application~1json/schema", result.stderr
    ), result.stderr
    assert not (tmp_path / "svc").exists()


def test_an_init_project_passes_its_own_lint_tests_and_contract_test(
    cli: Path, dist: Path, tmp_path: Path
) -> None:
    started = time.monotonic()
    env = clean_env(UV_FIND_LINKS=str(dist), MAX_EXAMPLES="30")
    made = subprocess.run(
        [str(cli), "init", "my-service"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert made.returncode == 0, made.stderr
    project = tmp_path / "my-service"
    for name in (
        "spec/openapi.yaml",
        "generated/__init__.py",
        "app/main.py",
        "app/handlers/books.py",
        "app/handlers/system.py",
        "tests/test_contract.py",
        "Makefile",
        "pyproject.toml",
        ".gitignore",
        "README.md",
    ):
        assert (project / name).is_file(), name
    pyproject = (project / "pyproject.toml").read_text()
    assert '"specfirst-runtime>=0.2.0,<0.3"' in pyproject and f'"specfirst=={__version__}"' in pyproject
    assert "STUB" in (project / "app" / "handlers" / "books.py").read_text()
    for target in ("test", "contract-test"):
        result = subprocess.run(["make", target], cwd=project, capture_output=True, text=True, env=env)
        assert result.returncode == 0, f"make {target}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    installed = subprocess.run(
        [str(UV), "pip", "show", "--python", str(project / ".venv" / "bin" / "python"), "specfirst-runtime"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert f"Version: {__version__}" in installed.stdout and "site-packages" in installed.stdout
    print(f"init to a passing contract test: {time.monotonic() - started:.1f} s")
