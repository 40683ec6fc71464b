"""Contract patterns the Rust regex engine refuses (look-around, back-references) still work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from specfirst.cli import main
from specfirst.patterns import engine, python_patterns
from tests.conftest import Generate

LOOKAHEAD = "^(?=.*[0-9])[a-z0-9]+$"  # at least one digit
NEGATIVE = "^(?!admin$).+$"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^\d+$", "rust"),
        (r"\p{L}+", "rust"),  # Unicode classes: Rust only, and Rust is tried first
        (LOOKAHEAD, "python"),
        (r"(a)\1", "python"),
        ("(unclosed", None),
    ],
)
def test_each_pattern_goes_to_an_engine_that_compiles_it(pattern: str, expected: str | None) -> None:
    assert engine(pattern) == expected


def test_only_patterns_rust_refuses_are_rewritten_and_offsets_survive_non_ascii() -> None:
    source = (
        "from __future__ import annotations\n\n"
        f"a: Annotated[str, Field(description='ü→', pattern={json.dumps(LOOKAHEAD)})]\n"
        "b: Annotated[str, Field(pattern='^x$')]\n"
    )
    rewritten = python_patterns(source)
    assert f"pattern=re.compile({json.dumps(LOOKAHEAD)})" in rewritten
    assert "pattern='^x$'" in rewritten
    assert "\nimport re\n" in rewritten
    compile(rewritten, "m.py", "exec")
    assert python_patterns("b: Annotated[str, Field(pattern='^x$')]\n").count("re.compile") == 0


def test_look_around_patterns_in_models_and_parameters_validate(
    generate_package: Generate, tmp_path_factory: pytest.TempPathFactory
) -> None:
    spec = tmp_path_factory.mktemp("lookaround") / "openapi.json"
    user = {"type": "object", "properties": {"code": {"type": "string", "pattern": LOOKAHEAD}}}
    operation = {
        "operationId": "put_user",
        "parameters": [{"name": "name", "in": "query", "schema": {"type": "string", "pattern": NEGATIVE}}],
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
        "responses": {"200": {"description": "ok"}},
    }
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/users": {"put": operation}},
        "components": {"schemas": {"User": user}},
    }
    spec.write_text(json.dumps(document))
    pkg = generate_package(spec, "gen_lookaround")

    class Users:
        def put_user(self, **kwargs: Any) -> None:
            return None

    client = TestClient(pkg.create_app(default=Users))
    assert client.put("/users?name=ann", json={"code": "ab1"}).status_code == 200
    assert client.put("/users?name=admin", json={"code": "ab1"}).status_code == 422
    assert client.put("/users?name=ann", json={"code": "abc"}).status_code == 422


def test_a_pattern_no_engine_compiles_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.1.0\n"
        "info: {title: t, version: '1'}\n"
        "paths: {}\n"
        "components:\n"
        "  schemas:\n"
        "    Code: {type: string, pattern: '(unclosed'}\n"
    )
    out = tmp_path / "pkg"
    assert main(["generate", str(spec), "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"{spec}:6:" in err and "/components/schemas/Code/pattern" in err
    assert main(["generate", str(spec), "--out", str(out), "--lenient"]) == 0
    assert "warning" in capsys.readouterr().err
