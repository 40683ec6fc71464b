"""The command line: exit codes, located errors, an untouched output folder, drift, no-op and determinism."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import specfirst
from specfirst.cli import main
from tests.conftest import FEATURE_SPECS, ROOT, SHARED_SPECS

BROKEN = sorted((SHARED_SPECS / "broken").glob("*.yaml"))
LOCATED = re.compile(
    r"^(?P<file>[^:]+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<pointer>/\S*): (?P<message>.+)$"
)
EXPECTED = {
    "bad-status-code.yaml": "/paths/~1/get/responses/abcdef",
    "circular-body-ref.yaml": "/components/requestBodies/body/$ref",
    "invalid-uuid-defaults.yaml": "/paths/~1/post/parameters/0/schema/default",
    "missing-body-ref.yaml": "/paths/~1/post/requestBody/$ref",
    "optional-path-param.yaml": "/paths/~1{optional}/get/parameters/0",
}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specfirst", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        check=False,
    )


@pytest.mark.parametrize("spec", BROKEN, ids=lambda p: p.name)
def test_broken_spec_exits_2_with_located_errors_and_leaves_output_alone(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    good = run("generate", str(FEATURE_SPECS / "readonly.yaml"), "--out", str(out))
    assert good.returncode == 0, good.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    result = run("generate", str(spec), "--out", str(out))

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if LOCATED.match(line)]
    assert lines, result.stderr
    pointers = {LOCATED.match(line)["pointer"] for line in lines}  # type: ignore[index]
    assert EXPECTED[spec.name] in pointers
    for line in lines:
        match = LOCATED.match(line)
        assert match is not None and Path(match["file"]).name == spec.name and int(match["line"]) > 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]  # no staging folder left behind


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    spec = tmp_path / "two.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a/{id}:\n    get:\n      operationId: same\n      responses: {'200': {description: ok}}\n"
        "  /b:\n    get:\n      operationId: same\n      responses: {'200': {$ref: '#/nope'}}\n"
    )
    result = run("generate", str(spec), "--out", str(tmp_path / "pkg"))
    assert result.returncode == 2
    assert "undeclared" not in result.stderr or "{id}" in result.stderr
    messages = [line for line in result.stderr.splitlines() if LOCATED.match(line)]
    assert len(messages) == 3, result.stderr  # undeclared {id}, duplicate operationId, unresolved $ref
    assert not (tmp_path / "pkg").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("generate").returncode == 2
    assert run("generate", "nope.yaml", "--out", str(tmp_path / "pkg")).returncode == 2
    assert (
        run("generate", str(FEATURE_SPECS / "params.yaml"), "--out", str(tmp_path / "not-a-name")).returncode
        == 2
    )
    assert "--out" in run("check", "--help").stdout


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text("hand-written")
    result = run("generate", str(FEATURE_SPECS / "params.yaml"), "--out", str(app))
    assert result.returncode == 2
    assert (app / "main.py").read_text() == "hand-written"


def test_check_reports_drift_and_generate_is_a_noop_when_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    spec = str(FEATURE_SPECS / "readonly.yaml")
    assert main(["check", spec, "--out", str(out)]) == 1
    assert main(["generate", spec, "--out", str(out)]) == 0
    assert main(["check", spec, "--out", str(out)]) == 0
    second = run("generate", spec, "--out", str(out))
    assert "up to date" in second.stderr
    (out / "handlers.py").write_text("# edited by hand\n")
    result = run("check", spec, "--out", str(out))
    assert result.returncode == 1
    assert "handlers.py" in result.stderr
    assert "generated" in run("generate", spec, "--out", str(out)).stderr  # the edit is replaced
    assert main(["check", spec, "--out", str(out)]) == 0


def test_output_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    spec = str(FEATURE_SPECS / "bodies.yaml")
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}" / "pkg"
        result = run("generate", spec, "--out", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        trees.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert trees[0] == trees[1]


def test_generated_code_passes_ruff_and_mypy_strict(tmp_path: Path) -> None:
    for spec in ("readonly.yaml", "bodies.yaml", "security.yaml", "params.yaml", "openapi30.yaml"):
        assert main(["generate", str(FEATURE_SPECS / spec), "--out", str(tmp_path / spec[:-5] / "pkg")]) == 0
    bin_dir = Path(sys.executable).parent
    packages = [str(p) for p in sorted(tmp_path.glob("*/pkg"))]
    ruff = subprocess.run([bin_dir / "ruff", "check", *packages], capture_output=True, text=True, cwd=ROOT)
    assert ruff.returncode == 0, ruff.stdout
    # formatted as the generator formats (ruff, isolated from any project's settings, 100 columns)
    fmt = subprocess.run(
        [bin_dir / "ruff", "format", "--isolated", "--line-length", "100", "--check", *packages],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert fmt.returncode == 0, fmt.stdout
    for package in packages:
        mypy = subprocess.run(
            [bin_dir / "mypy", "--strict", "--no-incremental", "pkg"],
            capture_output=True,
            text=True,
            cwd=Path(package).parent,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert mypy.returncode == 0, mypy.stdout


def test_refs_leaving_the_spec_folder_and_remote_refs_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    (tmp_path / "secret.yaml").write_text("type: string\n")
    (folder / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    A: {$ref: '../secret.yaml'}\n    B: {$ref: 'https://example.com/x.yaml'}\n"
    )
    result = run("generate", str(folder / "api.yaml"), "--out", str(tmp_path / "pkg"))
    assert result.returncode == 2
    assert "leaves the spec's folder" in result.stderr
    assert "remote $ref" in result.stderr
    shutil.rmtree(folder)


def test_remote_refs_are_followed_only_when_allowed(tmp_path: Path) -> None:
    (tmp_path / "shared.yaml").write_text("Pet:\n  type: object\n  properties:\n    name: {type: string}\n")
    spec = tmp_path / "api.yaml"
    url = (tmp_path / "shared.yaml").as_uri()
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /pet:\n    get:\n"
        "      operationId: getPet\n      responses:\n        '200':\n          description: ok\n"
        f"          content:\n            application/json:\n              schema: {{$ref: '{url}#/Pet'}}\n"
    )
    refused = run("generate", str(spec), "--out", str(tmp_path / "pkg"))
    assert refused.returncode == 2 and "--allow-remote-refs" in refused.stderr
    allowed = run("generate", str(spec), "--out", str(tmp_path / "pkg"), "--allow-remote-refs")
    assert allowed.returncode == 0, allowed.stderr
    assert "class Pet(BaseModel)" in (tmp_path / "pkg" / "models.py").read_text()


def test_lenient_turns_recoverable_errors_into_located_warnings(tmp_path: Path) -> None:
    spec = str(FEATURE_SPECS / "lenient" / "slightly-invalid.yaml")
    strict = run("generate", spec, "--out", str(tmp_path / "pkg"))
    assert strict.returncode == 2
    assert strict.stderr.count(": warning: ") == 0
    lenient = run("generate", spec, "--out", str(tmp_path / "pkg"), "--lenient")
    assert lenient.returncode == 0, lenient.stderr
    warnings = [line for line in lenient.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 3  # 3.0-style exclusiveMinimum, a repeated `required`, a default out of range
    assert all(LOCATED.match(line.replace("warning: ", "")) for line in warnings)
    router = (tmp_path / "pkg" / "routers" / "default.py").read_text()
    assert "Field(gt=0)" in router  # exclusiveMinimum: true + minimum: 0 became exclusiveMinimum: 0
    assert "Field(None," in router  # the default that broke its schema was dropped, not generated


def test_an_edit_rewrites_only_the_files_whose_content_changed(tmp_path: Path) -> None:
    spec = tmp_path / "spec" / "openapi.yaml"
    spec.parent.mkdir()
    shutil.copy(FEATURE_SPECS / "security.yaml", spec)
    out = tmp_path / "generated"
    assert main(["generate", str(spec), "--out", str(out)]) == 0
    before = {p.relative_to(out).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in out.rglob("*.py")}
    text = spec.read_text()
    assert "operationId: publicThing\n" in text
    spec.write_text(
        text.replace("operationId: publicThing\n", "operationId: publicThing\n      summary: Edited\n")
    )
    assert main(["generate", str(spec), "--out", str(out)]) == 0
    after = {p.relative_to(out).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in out.rglob("*.py")}
    changed = {name for name in after if after[name][1] != before[name][1]}
    rewritten = {name for name in after if after[name][0] != before[name][0]}
    assert changed and rewritten == changed, (changed, rewritten)
    assert "handlers.py" in changed and "models.py" not in changed


def test_generated_files_name_their_command_and_get_the_umask_modes(tmp_path: Path) -> None:
    spec = tmp_path / "spec" / "openapi.yaml"
    spec.parent.mkdir()
    shutil.copy(FEATURE_SPECS / "security.yaml", spec)
    generated = subprocess.run(
        [
            "sh",
            "-c",
            f"umask 022 && {Path(sys.executable).parent / 'specfirst'} generate spec/openapi.yaml "
            "--out generated",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
        check=False,
    )
    assert generated.returncode == 0, generated.stderr
    out = tmp_path / "generated"
    for path in [out, *out.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
    for path in out.rglob("*.py"):
        head = path.read_text().splitlines()[:2]
        assert head == [
            "# Generated by specfirst from spec/openapi.yaml: do not edit.",
            "# Regenerate with `specfirst generate spec/openapi.yaml --out generated`.",
        ], path
        assert str(tmp_path) not in path.read_text()
    manifest = (out / ".specfirst.json").read_text()
    assert '"spec_digest"' in manifest and '"runtime": "specfirst-runtime' in manifest


@pytest.mark.parametrize("command", ["generate", "check", "sdk", "mock", "diff", "init"])
def test_every_command_shows_an_example_in_its_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"Example: specfirst {command} " in " ".join(capsys.readouterr().out.split())


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"specfirst {specfirst.__version__}"
