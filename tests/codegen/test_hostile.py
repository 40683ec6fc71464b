"""A spec is untrusted input: no string in it may run as code, escape --out, or exhaust the generator.

1. Injection: hostile strings in every position of a spec generate a package that compiles, imports, builds
   its app and answers every route without running anything; the strings round-trip exactly.
2. Paths: names that read as file paths never put a file outside --out.
3. Bombs: alias bombs, deep nesting, huge enums and ref cycles end in exit 0 or 2, in bounded time and memory.
4. Refs: remote refs are refused unless allowed, and refs that leave the spec's folder always are.

Tests marked xfail(strict=True) expose generator bugs; each reason names the bug.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import importlib
import inspect
import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from fastapi.testclient import TestClient

from specfirst.cli import main
from tests.conftest import ROOT

HOSTILE = Path(__file__).resolve().parent / "specs" / "hostile"
MARKER = "PWNED"  # what every code-running payload below tries to create in the current folder
LOCATED = re.compile(
    r"^(?P<file>[^:]+\.(?:yaml|json)):(?P<line>\d+):(?P<col>\d+): (?P<pointer>/\S*): (?P<message>.+)$"
)
# modules generated code may import; anything else came from the spec
ALLOWED_IMPORTS = frozenset(
    {
        "__future__",
        "annotated_types",
        "builtins",
        "specfirst_runtime",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fastapi",
        "functools",
        "ipaddress",
        "json",
        "pathlib",
        "pydantic",
        "pydantic_core",
        "re",
        "typing",
        "typing_extensions",
        "uuid",
    }
)


@dataclasses.dataclass(frozen=True)
class CliResult:
    code: int
    stderr: str


def run_cli(*args: str, cwd: Path) -> CliResult:
    """`python -m specfirst ARGS` in-process (fast: the models library stays imported), from folder `cwd`."""
    stderr = io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stderr(stderr):
        code = main(list(args))
    return CliResult(code, stderr.getvalue())


def assert_clean_exit(result: CliResult, *, allowed: Sequence[int] = (0, 2)) -> None:
    """Exit 0, or 2 with every problem located; never a traceback, never exit 3 (a bug in codegen)."""
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.code in allowed, f"exit {result.code}: {result.stderr[-3000:]}"
    if result.code == 2:
        errors = [line for line in result.stderr.split("\n") if ": warning: " not in line]
        assert any(LOCATED.match(line) for line in errors), result.stderr[-3000:]


def markers_in(*folders: Path) -> list[Path]:
    """PWNED files in these folders (recursively) and in the temporary folder and the repository."""
    found = [p for folder in folders for p in folder.rglob(MARKER)]
    found += [p for p in (Path(tempfile.gettempdir()) / MARKER, ROOT / MARKER) if p.exists()]
    return found


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def imported(package: Path) -> Iterator[ModuleType]:
    """The generated package at `package`, imported; forgotten again on exit."""
    sys.path.insert(0, str(package.parent))
    try:
        yield importlib.import_module(package.name)
    finally:
        sys.path.remove(str(package.parent))
        for name in [m for m in sys.modules if m == package.name or m.startswith(package.name + ".")]:
            del sys.modules[name]


def python_files(package: Path) -> list[Path]:
    return sorted(package.rglob("*.py"))


def imported_modules(package: Path) -> Iterator[str]:
    """Every absolute import of the package's files (each file compiled, so a syntax error fails here)."""
    for source in python_files(package):
        tree = compile(source.read_text(encoding="utf-8"), str(source), "exec", ast.PyCF_ONLY_AST)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                yield node.module or ""


def assert_compiles_and_imports_nothing_foreign(package: Path) -> None:
    foreign = set(imported_modules(package)) - ALLOWED_IMPORTS
    assert not foreign, f"generated code imports {foreign}"


def operations_of(package: ModuleType) -> list[Any]:
    """Every `rt.Operation` the generated routers declare."""
    routers = package.routers
    return [op for name in routers.__all__ for op in getattr(routers, name).OPERATIONS]


def url_of(path: str) -> str:
    """The request path for a path template: each segment percent-encoded, parameters filled with 1."""
    return "/".join(quote(re.sub(r"^\{[^{}]+\}$", "1", part), safe="") for part in path.split("/"))


def call_every_route(client: TestClient, package: ModuleType) -> dict[str, int]:
    statuses = {}
    for op in operations_of(package):
        response = client.request(op.method, url_of(op.path), json={})
        statuses[op.operation_id] = response.status_code
    for page in ("/openapi.json", "/docs", "/redoc"):
        statuses[page] = client.get(page).status_code
    return statuses


# == 1. Injection ========================================================================================

PAYLOADS: dict[str, str] = {
    "triple-double-quotes": '"""',
    "triple-single-quotes": "'''",
    "backslash": "\\",
    "trailing-backslash": "a\\",
    "bare-cr": "a\rimport os; os.system('touch PWNED')",
    "lf": "a\nimport os; os.system('touch PWNED')",
    "crlf": "a\r\nimport os; os.system('touch PWNED')",
    "line-separator": "a\u2028import os; os.system('touch PWNED')",
    "paragraph-separator": "a\u2029import os",
    "control-characters": "a\x01\x07\x08\t\x0b\x0c\x1b\x1c\x1d\x1e\x1f\x7f\x85b",
    "hash": "# comment",
    "single-quote-break": "'; import os; os.system('touch PWNED') #",
    "double-quote-break": "\"); __import__('os').system('touch PWNED')#",
    "jinja-expression": "{{ 7*7 }}",
    "jinja-raw": "{% raw %}",
    "jinja-endraw": "{% endraw %}{{ 7*7 }}",
    "jinja-comment": "{# not closed",
    "dollar-brace": "${__import__('os').system('touch PWNED')}",
    "format-field": "{0.__class__}{__import__}",
    "percent-format": "%(x)s%s",
    "script-end": "</script><script>alert('PWNED')</script>",
    "very-long": "x" * 10_000,
    "unicode": "ünïcode",
    "cjk": "名前",
    "keyword-class": "class",
    "keyword-from": "from",
    "builtin-list": "list",
    "builtin-id": "id",
    "builtin-type": "type",
    "digit-first": "1st",
    "collides-dash": "item-id",
    "collides-underscore": "item_id",
    "collides-upper": "Item",
    "collides-lower": "item",
}
ALL = "".join(PAYLOADS.values())  # free-text positions get every payload at once
# valid HTTP header names (RFC 9110 tokens) that are hostile to Python: header positions use these
HEADER_NAMES = ("X-'#$%&*+.^_`|~!", "class", "from", "X-Item-Id", "1st", "__init__", "X-" + "h" * 1000)
ECHO_HEADERS = tuple(name for name in HEADER_NAMES if name not in PAYLOADS.values())  # see test_same_name_*
REQUEST_MEDIA = 'application/vnd.hostile+json; q="\'\'\'\\"\\"\\"#{{ 7*7 }}"'
RESPONSE_MEDIA = "application/json; q=\"'''{% raw %}\""
PAYLOAD_IDS = list(PAYLOADS)


def pattern_for(text: str) -> str:
    """A regular expression matching exactly `text` (valid for ECMA-262, Python and Rust alike)."""
    return "^" + "".join("\\" + c if c in "\\.^$|?*+()[]{}" else c for c in text) + "$"


def path_for(index: int, text: str) -> str:
    return f"/p{index}/" + text.replace("{", "(").replace("}", ")")  # braces would make it a template


def payload_spec() -> dict[str, Any]:
    """One operation per payload (payload as operationId, tag, parameter, path...), and echo operations."""
    thing = {
        "type": "object",
        "description": ALL,
        "properties": {
            text: {
                "type": "string",
                "description": text,
                "title": text,
                "pattern": pattern_for(text),
                "examples": [text],
            }
            for text in PAYLOADS.values()
        },
    }
    paths: dict[str, Any] = {}
    for index, (key, text) in enumerate(PAYLOADS.items()):
        paths[path_for(index, text)] = {
            "post": {
                "operationId": text,
                "tags": [text if key != "very-long" else "long"],  # a long tag: see test_long_tag_name
                "summary": text,
                "description": ALL,
                "parameters": [
                    {
                        "name": text,
                        "in": "query",
                        "description": text,
                        "schema": {
                            "type": "string",
                            "default": text,
                            "pattern": pattern_for(text),
                            "examples": [text],
                        },
                    }
                ],
                "requestBody": {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                },
                "responses": {
                    "200": {
                        "description": text,
                        "headers": {
                            f"X-Payload-{index}": {"description": text, "schema": {"type": "string"}}
                        },
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"},
                                "example": {text: text},
                            }
                        },
                    },
                    "4XX": {
                        "description": text,
                        "content": {
                            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                },
                "security": [{"oauth": [text]}],
            }
        }
    echo = {"$ref": "#/components/schemas/Echo"}
    paths["/echo"] = {
        "post": {
            "operationId": "echo",
            "tags": ["echo"],
            "parameters": [
                *({"name": text, "in": "query", "schema": {"type": "string"}} for text in PAYLOADS.values()),
                *({"name": name, "in": "header", "schema": {"type": "string"}} for name in ECHO_HEADERS),
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
            },
            "responses": {"200": {"description": ALL, "content": {"application/json": {"schema": echo}}}},
        }
    }
    paths["/defaults"] = {
        "get": {
            "operationId": "defaults",
            "tags": ["echo"],
            "parameters": [
                {"name": text, "in": "query", "schema": {"type": "string", "default": text}}
                for text in PAYLOADS.values()
            ],
            "responses": {"200": {"description": ALL, "content": {"application/json": {"schema": echo}}}},
        }
    }
    paths["/headers"] = {
        "get": {
            "operationId": "headers",
            "tags": ["echo"],
            "responses": {
                "200": {
                    "description": ALL,
                    "headers": {
                        name: {"required": True, "description": ALL, "schema": {"type": "string"}}
                        for name in HEADER_NAMES
                    },
                    "content": {"application/json": {"schema": echo}},
                }
            },
        }
    }
    paths["/media"] = {
        "post": {
            "operationId": "media",
            "tags": ["echo"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
                    REQUEST_MEDIA: {"schema": {"$ref": "#/components/schemas/Thing"}},
                },
            },
            "responses": {"200": {"description": ALL, "content": {RESPONSE_MEDIA: {"schema": echo}}}},
        }
    }
    paths["/same-name"] = {
        "get": {
            "operationId": "same_name",
            "tags": ["echo"],
            "parameters": [
                {"name": "class", "in": location, "schema": {"type": "string"}}
                for location in ("query", "header", "cookie")
            ],
            "responses": {"200": {"description": ALL, "content": {"application/json": {"schema": echo}}}},
        }
    }
    paths["/secured"] = {
        "get": {
            "operationId": "secured",
            "tags": ["echo"],
            "security": [{"api-key": []}],
            "responses": {"200": {"description": ALL, "content": {"application/json": {"schema": echo}}}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": ALL,
            "summary": ALL,
            "version": ALL,
            "description": ALL,
            "contact": {"name": ALL},
            "license": {"name": ALL, "identifier": "MIT"},
        },
        "servers": [
            {"url": "https://example.com/'''\"\"\"\\</script>", "description": ALL},
            {"url": "https://{host}/v1", "variables": {"host": {"default": ALL, "description": ALL}}},
        ],
        "tags": [{"name": text, "description": ALL} for text in PAYLOADS.values()],
        "paths": paths,
        "components": {
            "schemas": {
                "Thing": thing,
                "Defaults": {
                    "type": "object",
                    "properties": {text: {"type": "string", "default": text} for text in PAYLOADS.values()},
                },
                "Choice": {"type": "string", "description": ALL, "enum": list(PAYLOADS.values())},
                "Echo": {"type": "object", "additionalProperties": True},
                "Problem": {
                    "type": "object",
                    "properties": {"title": {"type": "string"}, "status": {"type": "integer"}},
                },
            },
            "securitySchemes": {
                "api-key": {"type": "apiKey", "in": "header", "name": HEADER_NAMES[0], "description": ALL},
                "oauth": {
                    "type": "oauth2",
                    "description": ALL,
                    "flows": {
                        "password": {
                            "tokenUrl": "https://example.com/token",
                            "scopes": {text: text for text in PAYLOADS.values()},
                        }
                    },
                },
            },
        },
    }


@dataclasses.dataclass(frozen=True)
class Generated:
    """A generated, imported package and what its generation looked like."""

    package: ModuleType
    folder: Path  # the package folder (--out)
    result: CliResult  # of the generation
    gen_cwd: Path  # the current folder while generating
    run_cwd: Path  # the current folder while importing and calling routes


def generated(spec: Path, folder: Path, name: str) -> Iterator[Generated]:
    """Generate `spec` into folder/out/NAME and import it (building both apps), each from an empty folder."""
    gen_cwd, run_cwd = folder / "gen-cwd", folder / "run-cwd"
    gen_cwd.mkdir()
    run_cwd.mkdir()
    out = folder / "out" / name
    result = run_cli("generate", str(spec), "--out", str(out), cwd=gen_cwd)
    assert_clean_exit(result, allowed=(0,))
    with imported(out) as package:
        with contextlib.chdir(run_cwd):
            package.create_app()
            package.create_app(mock=True)
        yield Generated(package, out, result, gen_cwd, run_cwd)


@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    folder = tmp_path_factory.mktemp("hostile-payloads")
    spec = write(folder / "openapi.json", json.dumps(payload_spec(), ensure_ascii=False))
    yield from generated(spec, folder, "hostile_payloads")


def test_generating_runs_nothing(payloads: Generated) -> None:
    assert not markers_in(payloads.gen_cwd, payloads.folder)


def test_every_generated_file_compiles_and_imports_only_known_modules(payloads: Generated) -> None:
    assert_compiles_and_imports_nothing_foreign(payloads.folder)


def test_importing_and_building_the_app_runs_nothing(payloads: Generated) -> None:
    assert not markers_in(payloads.run_cwd, payloads.folder)


def test_calling_every_route_runs_nothing(payloads: Generated) -> None:
    with contextlib.chdir(payloads.run_cwd):
        plain = call_every_route(TestClient(payloads.package.create_app()), payloads.package)
        mock = call_every_route(TestClient(payloads.package.create_app(mock=True)), payloads.package)
    operations = {op.operation_id for op in operations_of(payloads.package)}
    assert {plain[op] for op in operations} == {501}  # nothing is implemented
    assert all(status < 500 for status in mock.values()), mock
    assert not markers_in(payloads.run_cwd, payloads.folder)


def test_calling_every_handler_interface_method_runs_nothing(payloads: Generated) -> None:
    """Docstrings run on call, not on import: call each Protocol method (their bodies are `...`)."""
    handlers = payloads.package.handlers
    called = 0
    with contextlib.chdir(payloads.run_cwd):
        for op in operations_of(payloads.package):
            for interface in vars(handlers).values():
                method = getattr(interface, op.handler, None) if isinstance(interface, type) else None
                if method is not None and interface.__module__ == handlers.__name__:
                    assert method(None, **dict.fromkeys(_argument_names(method))) is None
                    called += 1
    assert called >= len(PAYLOADS)
    assert not markers_in(payloads.run_cwd)


def _argument_names(method: Callable[..., Any]) -> list[str]:
    code = method.__code__
    return list(code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount])


def test_openapi_json_is_the_document_unchanged(payloads: Generated) -> None:
    client = TestClient(payloads.package.create_app())
    assert client.get("/openapi.json").json() == payload_spec()


def test_title_and_version_round_trip(payloads: Generated) -> None:
    assert (payloads.package.app.TITLE, payloads.package.app.VERSION) == (ALL, ALL)
    assert payloads.package.create_app().version == ALL


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_escape_the_title(payloads: Generated, page: str) -> None:
    html = TestClient(payloads.package.create_app()).get(page).text
    assert PAYLOADS["script-end"] not in html


@pytest.mark.parametrize("key", PAYLOAD_IDS)
def test_operation_ids_and_scopes_round_trip(payloads: Generated, key: str) -> None:
    text = PAYLOADS[key]
    (operation,) = (op for op in operations_of(payloads.package) if op.operation_id == text)
    assert operation.security == ((("oauth", (text,)),),)


@pytest.mark.parametrize("key", PAYLOAD_IDS)
def test_paths_round_trip(payloads: Generated, key: str) -> None:
    index = PAYLOAD_IDS.index(key)
    assert path_for(index, PAYLOADS[key]) in {op.path for op in operations_of(payloads.package)}


@pytest.mark.parametrize("key", PAYLOAD_IDS)
def test_enum_values_round_trip(payloads: Generated, key: str) -> None:
    choice = payloads.package.models.Choice
    assert [member.value for member in choice] == list(PAYLOADS.values())
    assert choice(PAYLOADS[key]).value == PAYLOADS[key]


@pytest.mark.parametrize("key", PAYLOAD_IDS)
def test_model_defaults_round_trip(payloads: Generated, key: str) -> None:
    defaults = payloads.package.models.Defaults().model_dump(mode="json", by_alias=True)
    assert defaults[PAYLOADS[key]] == PAYLOADS[key]


@pytest.mark.parametrize("key", PAYLOAD_IDS)
def test_model_patterns_round_trip_and_validate(payloads: Generated, key: str) -> None:
    thing = payloads.package.models.Thing
    text = PAYLOADS[key]
    schema = thing.model_json_schema()["properties"][text]
    assert schema["pattern"] == pattern_for(text)
    every = {t: t for t in PAYLOADS.values()}
    assert thing.model_validate(every).model_dump(by_alias=True, exclude_unset=True) == every
    with pytest.raises(ValueError, match="pattern"):
        thing.model_validate({**every, text: text + "!"})


def test_a_property_is_read_only_under_its_wire_name(payloads: Generated) -> None:
    class Echo:
        def echo(self, *, body: Any, **arguments: Any) -> dict[str, Any]:
            return {"body": body.model_dump(mode="json", by_alias=True, exclude_unset=True)}

    client = TestClient(payloads.package.create_app(echo=Echo))
    response = client.post("/echo", json={"item_id": "item_id"})
    assert response.status_code == 200, response.text
    assert response.json() == {"body": {"item_id": "item_id"}}


def test_wire_names_of_parameters_and_properties_are_exact(payloads: Generated) -> None:
    class Echo:
        def echo(self, **arguments: Any) -> dict[str, Any]:
            (body,) = (value for value in arguments.values() if hasattr(value, "model_dump"))
            values = sorted(v for v in arguments.values() if isinstance(v, str))
            return {"values": values, "body": body.model_dump(mode="json", by_alias=True, exclude_unset=True)}

    client = TestClient(payloads.package.create_app(echo=Echo))
    query = {text: f"query-{index}" for index, text in enumerate(PAYLOADS.values())}
    headers = {name: f"header-{index}" for index, name in enumerate(ECHO_HEADERS)}
    body = {text: text for text in PAYLOADS.values()}
    response = client.post("/echo", params=query, headers=headers, json=body)
    assert response.status_code == 200, response.text[:2000]
    assert response.json() == {"values": sorted([*query.values(), *headers.values()]), "body": body}


def test_parameter_defaults_reach_the_handler_exactly(payloads: Generated) -> None:
    class Echo:
        def defaults(self, **arguments: Any) -> dict[str, Any]:
            return {"values": sorted(arguments.values())}

    response = TestClient(payloads.package.create_app(echo=Echo)).get("/defaults")
    assert response.status_code == 200, response.text[:2000]
    assert response.json() == {"values": sorted(PAYLOADS.values())}


def test_parameter_patterns_are_enforced_exactly(payloads: Generated) -> None:
    client = TestClient(payloads.package.create_app(mock=True))
    for index, text in enumerate(PAYLOADS.values()):
        url = url_of(path_for(index, text))
        assert client.post(url, params={text: text}, json={}).status_code == 200, text[:50]
        assert client.post(url, params={text: text + "!"}, json={}).status_code == 422, text[:50]


def test_examples_round_trip_through_the_mock(payloads: Generated) -> None:
    client = TestClient(payloads.package.create_app(mock=True))
    for index, text in enumerate(PAYLOADS.values()):
        response = client.post(url_of(path_for(index, text)), json={})
        assert response.status_code == 200
        assert response.json() == {text: text}


def test_response_header_names_are_exact(payloads: Generated) -> None:
    (operation,) = (op for op in operations_of(payloads.package) if op.operation_id == "headers")
    result = operation.replies[0].result
    by_wire_name = {wire: attribute for attribute, wire in result.HEADERS.items()}
    sent = {name: f"value-{index}" for index, name in enumerate(HEADER_NAMES)}

    class Echo:
        def headers(self) -> Any:
            return result(body={}, **{by_wire_name[name]: value for name, value in sent.items()})

    response = TestClient(payloads.package.create_app(echo=Echo)).get("/headers")
    assert response.status_code == 200, response.text
    assert {name: response.headers[name] for name in HEADER_NAMES} == sent


def test_security_scheme_header_name_is_exact(payloads: Generated) -> None:
    seen: list[str] = []

    def verify(credential: str, scopes: Sequence[str]) -> str:
        seen.append(credential)
        return "caller"

    class Echo:
        def secured(self) -> dict[str, Any]:
            return {}

    (scheme,) = payloads.package.security.SCHEMES[:1]
    assert scheme.parameter == HEADER_NAMES[0]
    security = payloads.package.Security(**{scheme.name: verify})
    client = TestClient(payloads.package.create_app(echo=Echo, security=security))
    assert client.get("/secured").status_code == 401
    assert client.get("/secured", headers={HEADER_NAMES[0]: "key"}).status_code == 200
    assert seen == ["key"]


def test_response_media_type_is_exact(payloads: Generated) -> None:
    class Echo:
        def media(self, **arguments: Any) -> dict[str, Any]:
            return {"ok": True}

    response = TestClient(payloads.package.create_app(echo=Echo)).post("/media", json={})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == RESPONSE_MEDIA


def test_same_name_in_query_header_and_cookie_are_distinct_parameters(payloads: Generated) -> None:
    class Echo:
        def same_name(self, **arguments: Any) -> dict[str, Any]:
            return {"values": sorted(arguments.values())}

    client = TestClient(payloads.package.create_app(echo=Echo), cookies={"class": "cookie"})
    response = client.get("/same-name", params={"class": "query"}, headers={"class": "header"})
    assert response.status_code == 200, response.text
    assert response.json() == {"values": ["cookie", "header", "query"]}


def test_request_media_type_with_parameters_is_accepted(payloads: Generated) -> None:
    class Echo:
        def media(self, **arguments: Any) -> dict[str, Any]:
            return {"ok": True}

    client = TestClient(payloads.package.create_app(echo=Echo))
    response = client.post("/media", content=b"{}", headers={"content-type": REQUEST_MEDIA})
    assert response.status_code == 200, response.text


def test_long_tag_name(tmp_path: Path) -> None:
    operation = {"responses": {"204": {"description": "ok"}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {  # two long tags that differ only at their end
            "/a": {"get": {**operation, "operationId": "a", "tags": [PAYLOADS["very-long"] + "a"]}},
            "/b": {"get": {**operation, "operationId": "b", "tags": [PAYLOADS["very-long"] + "b"]}},
        },
    }
    spec = write(tmp_path / "openapi.json", json.dumps(document))
    out = tmp_path / "out" / "hostile_long_tag"
    assert_clean_exit(run_cli("generate", str(spec), "--out", str(out), cwd=tmp_path), allowed=(0,))
    import_in_subprocess(out, cwd=tmp_path)
    assert len(list((out / "routers").glob("*.py"))) == 3  # __init__ and one module per tag


def test_spec_file_name_is_not_code(tmp_path: Path) -> None:
    """The spec's path is written into every file's header comment."""
    folder = tmp_path / "specs"
    folder.mkdir()
    spec = folder / 'a\rimport os; os.system(\'touch PWNED\')\n#\u2028""".yaml'
    spec.write_text((HOSTILE / "names.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out" / "hostile_file_name"
    assert_clean_exit(run_cli("generate", str(spec), "--out", str(out), cwd=tmp_path), allowed=(0,))
    assert_compiles_and_imports_nothing_foreign(out)
    import_in_subprocess(out, cwd=tmp_path)
    assert not markers_in(tmp_path)


def import_in_subprocess(package: Path, *, cwd: Path, extra_path: Sequence[Path] = ()) -> None:
    code = f"import {package.name} as p; p.create_app(); p.create_app(mock=True)"
    path = os.pathsep.join([str(package.parent), *map(str, extra_path), str(ROOT)])
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


# -- names: keywords, builtins, collisions, digits, non-ASCII --------------------------------------------


NAMES = yaml.safe_load((HOSTILE / "names.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    yield from generated(HOSTILE / "names.yaml", tmp_path_factory.mktemp("hostile-names"), "hostile_names")


def test_names_generate_with_located_collision_warnings(names: Generated) -> None:
    result = names.result
    warnings = [line.replace("warning: ", "") for line in result.stderr.split("\n") if ": warning: " in line]
    assert warnings and all(LOCATED.match(line) for line in warnings), result.stderr


def test_names_compile_import_and_serve(names: Generated) -> None:
    assert_compiles_and_imports_nothing_foreign(names.folder)
    with contextlib.chdir(names.run_cwd):
        plain = call_every_route(TestClient(names.package.create_app()), names.package)
        mock = call_every_route(TestClient(names.package.create_app(mock=True)), names.package)
    assert {plain[op.operation_id] for op in operations_of(names.package)} == {501}
    assert all(status < 500 for status in mock.values()), mock
    assert not markers_in(names.run_cwd)


def test_every_component_keeps_its_own_model(names: Generated) -> None:
    models = names.package.models
    classes = [c for c in vars(models).values() if isinstance(c, type) and c.__module__ == models.__name__]
    aliases = {
        name: {field.alias or key for key, field in c.model_fields.items()}
        for c in classes
        if hasattr(c, "model_fields")
        for name in [c.__name__]
    }
    for component, schema in NAMES["components"]["schemas"].items():
        if component == "Item":
            continue
        (prop,) = (name for name in schema["properties"] if name.startswith("only-in-"))
        owners = [name for name, props in aliases.items() if prop in props]
        assert owners, f"no model for component {component!r}"


@pytest.mark.parametrize("location", ["query", "header", "cookie"])
def test_hostile_parameter_names_reach_the_handler(names: Generated, location: str) -> None:
    parameters = NAMES["paths"]["/echo"]["post"]["parameters"]
    wire = [p["name"] for p in parameters if p["in"] == location]
    sent = {name: f"value-{index}" for index, name in enumerate(wire)}

    class Handlers:
        def class_(self, **arguments: Any) -> dict[str, Any]:
            return {"only-in-item": json.dumps(sorted(v for v in arguments.values() if isinstance(v, str)))}

    (tag,) = (name for name in _tag_arguments(names.package) if name.startswith("class"))
    client = TestClient(
        names.package.create_app(**{tag: Handlers}), cookies=sent if location == "cookie" else None
    )
    response = client.post(
        "/echo", params=sent if location == "query" else None, headers=sent if location == "header" else None
    )
    assert response.status_code == 200, response.text
    assert json.loads(response.json()["only-in-item"]) == sorted(sent.values())


def test_hostile_property_names_round_trip(names: Generated) -> None:
    item = names.package.models.Item
    properties = NAMES["components"]["schemas"]["Item"]["properties"]
    data = {
        name: (3 if schema["type"] == "integer" else ["a"] if schema["type"] == "array" else f"v-{name}")
        for name, schema in properties.items()
    }
    assert item.model_validate(data).model_dump(mode="json", by_alias=True) == data
    defaults = item.model_validate({}).model_dump(mode="json", by_alias=True, exclude_unset=False)
    assert {k: defaults[k] for k in ("list", "str", "int")} == {
        "list": "a list",
        "str": "a str",
        "int": "an int",
    }


def test_a_python_field_name_is_not_an_accepted_key(names: Generated) -> None:
    """Item says additionalProperties: false; `class_` is the Python name of its property `class`."""

    class Handlers:
        def class_(self, **arguments: Any) -> dict[str, Any]:
            return {}

    (tag,) = (name for name in _tag_arguments(names.package) if name.startswith("class"))
    response = TestClient(names.package.create_app(**{tag: Handlers})).post("/echo", json={"class_": "x"})
    assert response.status_code in (400, 422), response.text


def _tag_arguments(package: ModuleType) -> list[str]:
    return [
        name
        for name, parameter in inspect.signature(package.create_app).parameters.items()
        if parameter.kind is parameter.KEYWORD_ONLY and name not in ("security", "mock")
    ]


# -- vendor extensions and other keys the models library would turn into code ---------------------------


def probe(extension: str) -> str:
    """A module the spec names for `extension`: importing it (as a generated import would) marks it."""
    return "hostile_probe_" + re.sub(r"\W", "_", extension)


EXTENSIONS: dict[str, dict[str, Any]] = {
    "x-python-import": {
        "type": "object",
        "x-python-import": {"module": probe("x-python-import"), "name": "Thing"},
    },
    "customTypePath": {"type": "object", "customTypePath": f"{probe('customTypePath')}.Thing"},
    "customBasePath": {
        "type": "object",
        "properties": {"q": {"type": "string"}},
        "customBasePath": f"{probe('customBasePath')}.Base",
    },
    "x-python-type": {"type": "string", "x-python-type": f"{probe('x-python-type')}.Thing"},
    "x-enum-varnames": {
        "type": "string",
        "enum": ["a", "b"],
        "x-enum-varnames": ["__import__('os').system('touch PWNED')", "B"],
    },
    "x-datamodel-code-generator-field-name": {
        "type": "string",
        "x-datamodel-code-generator-field-name": "__import__('os').system('touch PWNED')",
    },
}


def extension_spec(schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A spec using each of `schemas` as a component (through a $ref) and inline, in a request body."""
    properties: dict[str, Any] = {}
    for index, schema in enumerate(schemas.values()):
        properties[f"ref{index}"] = {"$ref": f"#/components/schemas/Ext{index}"}
        properties[f"inline{index}"] = schema
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "post": {
                    "operationId": "a",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}}
                    },
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
        "components": {
            "schemas": {
                **{f"Ext{index}": schema for index, schema in enumerate(schemas.values())},
                "Holder": {"type": "object", "properties": properties},
            }
        },
    }


@dataclasses.dataclass(frozen=True)
class Imported:
    """A generated package imported in a subprocess."""

    folder: Path  # the generated package
    run_cwd: Path  # where it was imported
    imports: frozenset[str]  # top-level modules its files import


@pytest.fixture(scope="module")
def extensions(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """All extensions in one spec, generated once and imported once, with every probe importable."""
    folder = tmp_path_factory.mktemp("hostile-extensions")
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(extension_spec(EXTENSIONS)))
    probes = folder / "probes"
    probes.mkdir()
    for extension in EXTENSIONS:
        (probes / f"{probe(extension)}.py").write_text(
            f"import pathlib\npathlib.Path({MARKER + '-' + probe(extension)!r}).touch()\n"
            "class Thing: ...\nclass Base: ...\n"
        )
    out = folder / "out" / "hostile_extensions"
    assert_clean_exit(run_cli("generate", str(spec), "--out", str(out), cwd=folder), allowed=(0,))
    run_cwd = folder / "cwd"
    run_cwd.mkdir()
    import_in_subprocess(out, cwd=run_cwd, extra_path=[probes])
    return Imported(out, run_cwd, frozenset(imported_modules(out)))


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_vendor_extensions_never_become_code(extensions: Imported, extension: str) -> None:
    assert probe(extension) not in extensions.imports
    assert not (extensions.run_cwd / f"{MARKER}-{probe(extension)}").exists()
    assert not markers_in(extensions.run_cwd)


def test_generated_code_with_extensions_compiles(extensions: Imported) -> None:
    for source in python_files(extensions.folder):
        compile(source.read_text(encoding="utf-8"), str(source), "exec")


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "x-python-type": "__import__('os').system('touch PWNED')"},
        {"type": "array", "items": {"type": "string"}, "default_factory": "lambda: __import__('os')"},
    ],
    ids=["x-python-type", "default_factory"],
)
def test_keys_the_models_library_rejects_are_spec_errors(tmp_path: Path, schema: dict[str, Any]) -> None:
    spec = write(tmp_path / "openapi.json", json.dumps(extension_spec({"crash": schema})))
    result = run_cli("generate", str(spec), "--out", str(tmp_path / "pkg"), cwd=tmp_path)
    assert_clean_exit(result)
    assert not markers_in(tmp_path)


# -- positions that must be refused rather than generated -----------------------------------------------


def test_hostile_status_codes_are_refused_with_located_errors(tmp_path: Path) -> None:
    result = run_cli(
        "generate", str(HOSTILE / "status-code.yaml"), "--out", str(tmp_path / "pkg"), cwd=tmp_path
    )
    assert result.code == 2
    assert_clean_exit(result)
    assert not (tmp_path / "pkg").exists()


@pytest.fixture(scope="module")
def component_keys(tmp_path_factory: pytest.TempPathFactory) -> CliResult:
    """Every payload as a component key, in one spec."""
    folder = tmp_path_factory.mktemp("hostile-component-keys")
    document = extension_spec({})
    document["components"]["schemas"].update({text: {"type": "string"} for text in PAYLOADS.values()})
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(document))
    return run_cli("generate", str(spec), "--out", str(folder / "out" / "pkg"), cwd=folder)


@pytest.mark.parametrize("key", PAYLOAD_IDS)
def test_component_keys_outside_the_allowed_characters_are_located_errors(
    component_keys: CliResult, key: str
) -> None:
    """Component keys are restricted to [a-zA-Z0-9._-] (the OpenAPI schema says so): a located exit 2."""
    assert_clean_exit(component_keys, allowed=(2,))
    invalid = [text for text in PAYLOADS.values() if not re.fullmatch(r"[a-zA-Z0-9._-]+", text)]
    refusals = [
        line
        for line in component_keys.stderr.split("\n")
        if LOCATED.match(line)
        and ": /components/schemas: " in line
        and line.endswith("does not match " + '"^[a-zA-Z0-9._-]+$"')
    ]
    assert len(refusals) == len(invalid)
    quoted = json.dumps(PAYLOADS[key], ensure_ascii=False)
    if PAYLOADS[key] not in invalid:
        assert f"{quoted} does not match" not in component_keys.stderr
    elif quoted.isprintable():  # others are shown with their line breaks folded
        assert f"/components/schemas: {quoted} does not match" in component_keys.stderr


def test_every_diagnostic_is_one_line(component_keys: CliResult) -> None:
    """Keys with CR, LF or U+2028 must not break (or forge) lines of the report."""
    lines = component_keys.stderr.rstrip("\n").split("\n")
    summary = lines.pop()
    assert summary.endswith("error(s); nothing was written")
    for line in lines:
        assert re.match(r"^[^:]+\.json:\d+:\d+: /", line), line[:300]  # a pointer may hold spaces
        assert not any(c in line for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), line[:300]


def test_api_key_name_cannot_split_headers(tmp_path: Path) -> None:
    """The apiKey header name is echoed in WWW-Authenticate: refused, or never sent with CR/LF."""
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "operationId": "a",
                    "security": [{"key": []}],
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key\r\nSet-Cookie: pwned=1"}
            }
        },
    }
    spec = write(tmp_path / "openapi.json", json.dumps(document))
    out = tmp_path / "out" / "hostile_api_key"
    result = run_cli("generate", str(spec), "--out", str(out), cwd=tmp_path)
    assert_clean_exit(result)
    if result.code == 2:
        return

    class Handlers:
        def a(self) -> None:
            return None

    with imported(out) as package:
        security = package.Security(key=lambda credential, scopes: None)
        response = TestClient(package.create_app(default=Handlers, security=security)).get("/a")
    assert response.status_code == 401
    assert all(b"\r" not in v and b"\n" not in v for _, v in response.headers.raw)


# == 2. Paths ============================================================================================


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file and folder below `folder`, by relative path."""
    return {
        path.relative_to(folder).as_posix(): (path.lstat().st_size, path.lstat().st_mtime_ns)
        for path in folder.rglob("*")
    }


@dataclasses.dataclass(frozen=True)
class Written:
    """A generation confined to `base`, with `base` as it was before and after."""

    result: CliResult
    base: Path  # everything the run could reach by a relative path: out is base/a/b/pkg
    out: Path
    before: dict[str, tuple[int, int]]
    after: dict[str, tuple[int, int]]


def generate_confined(spec: Path, base: Path, cwd: Path) -> Written:
    out = base / "a" / "b" / "pkg"
    out.parent.mkdir(parents=True)
    before = snapshot(base)
    passwd = Path("/etc/passwd").stat().st_mtime_ns if Path("/etc/passwd").exists() else 0
    result = run_cli("generate", str(spec), "--out", str(out), cwd=cwd)
    assert (Path("/etc/passwd").stat().st_mtime_ns if Path("/etc/passwd").exists() else 0) == passwd
    return Written(result, base, out, before, snapshot(base))


@pytest.mark.parametrize(
    ("spec", "code"),
    [("tags.yaml", 0), ("schema-key.yaml", 2), ("pointer-name.yaml", 2)],
    ids=["tags", "schema-key", "bundled-schema-name"],
)
def test_nothing_is_written_outside_out(
    tmp_path_factory: pytest.TempPathFactory, spec: str, code: int
) -> None:
    written = generate_confined(
        HOSTILE / spec, tmp_path_factory.mktemp("confined"), tmp_path_factory.mktemp("cwd")
    )
    assert_clean_exit(written.result, allowed=(code,))
    out = written.out.relative_to(written.base).as_posix()
    added = set(written.after) - set(written.before)
    assert {p for p in added if p != out and not p.startswith(out + "/")} == set()
    assert {p for p in written.before if written.before[p] != written.after.get(p)} <= {"a/b"}
    assert not list(written.out.parent.glob(".pkg.*"))  # no staging or old copy left beside it


@pytest.fixture(scope="module")
def tags(tmp_path_factory: pytest.TempPathFactory) -> Written:
    return generate_confined(
        HOSTILE / "tags.yaml", tmp_path_factory.mktemp("tags"), tmp_path_factory.mktemp("tags-cwd")
    )


TAGGED = {  # tag -> the operationId of the one operation it has
    item["get"]["tags"][0]: item["get"]["operationId"]
    for item in yaml.safe_load((HOSTILE / "tags.yaml").read_text(encoding="utf-8"))["paths"].values()
}


@pytest.mark.parametrize("tag", TAGGED)
def test_tag_names_become_plain_module_names_inside_out(tags: Written, tag: str) -> None:
    assert_clean_exit(tags.result, allowed=(0,))
    routers = tags.out / "routers"
    modules = {p.stem: p for p in routers.iterdir() if p.suffix == ".py"}
    assert all(name.isidentifier() and name.isascii() for name in modules)
    assert all(p.resolve().parent == routers.resolve() for p in modules.values())
    declaring = [
        name
        for name, path in modules.items()
        if f"operation_id={json.dumps(TAGGED[tag])}," in path.read_text()
    ]
    assert len(declaring) == 1, f"no router module for tag {tag!r}"
    assert declaring[0] not in {"__init__", "routers", "models"}


def test_generated_file_names_are_all_inside_out(tags: Written) -> None:
    root = tags.out.resolve()
    files = [p for p in tags.out.rglob("*") if p.is_file()]
    assert files and all(p.resolve().is_relative_to(root) and not p.is_symlink() for p in files)
    top = {p.relative_to(tags.out).parts[0] for p in files}
    assert top <= {
        ".specfirst.json",
        "__init__.py",
        "app.py",
        "errors.py",
        "handlers.py",
        "mocks.json",
        "models.py",
        "openapi.json",
        "py.typed",
        "responses.py",
        "routers",
        "security.py",
    }


def test_nothing_is_written_in_the_current_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    cwd = tmp_path_factory.mktemp("empty-cwd")
    out = tmp_path_factory.mktemp("elsewhere") / "pkg"
    assert_clean_exit(
        run_cli("generate", str(HOSTILE / "tags.yaml"), "--out", str(out), cwd=cwd), allowed=(0,)
    )
    assert sorted(p.name for p in cwd.iterdir()) == []


# == 3. Bombs ============================================================================================

WALL_LIMIT = 30.0  # seconds
MEMORY_LIMIT = 1 << 30  # bytes of resident memory
ADDRESS_SPACE_CAP = 8 << 30  # a runaway child fails (MemoryError) rather than exhaust the machine


@dataclasses.dataclass(frozen=True)
class Measured:
    code: int | None  # None: killed at the wall limit
    stderr: str
    wall: float  # seconds
    max_rss: int  # bytes, the largest of the process and its children


def measure(args: Sequence[str], cwd: Path) -> Measured:
    """Run the CLI in a subprocess (its own process group), killed at WALL_LIMIT; rusage via wait4."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))

    with tempfile.TemporaryFile(dir=cwd) as stderr:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "specfirst", *args],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=cap,
        )
        killed = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > WALL_LIMIT:
                os.killpg(process.pid, signal.SIGKILL)  # the group: the generator and its worker
                _, status, usage = os.wait4(process.pid, 0)
                killed = True
                break
            time.sleep(0.05)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything of its group still running
        stderr.seek(0)
        text = stderr.read().decode("utf-8", "replace")
    return Measured(None if killed else process.returncode, text, wall, usage.ru_maxrss * 1024)


def nested(depth: int) -> str:
    """A JSON document (and so a YAML one) whose one schema nests `depth` objects deep."""
    schema = '{"type": "object", "properties": {"n": ' * depth + '{"type": "string"}' + "}}" * depth
    return json.dumps(single_schema_spec("@")).replace('"@"', schema)


def single_schema_spec(schema: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "bomb", "version": "1"},
        "paths": {
            "/a": {
                "post": {
                    "operationId": "a",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bomb"}}}
                    },
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {"Bomb": schema}},
    }


BOMBS: dict[str, Callable[[Path], Path]] = {
    "alias-bomb-in-default": lambda folder: HOSTILE / "alias-bomb.yaml",
    "alias-bomb-in-extension": lambda folder: HOSTILE / "alias-bomb-extension.yaml",
    "nested-1000-json": lambda folder: write(folder / "nested.json", nested(1000)),
    "nested-1000-yaml": lambda folder: write(folder / "nested.yaml", nested(1000)),
    "nested-300-json": lambda folder: write(folder / "nested300.json", nested(300)),  # parses; too deep
    "enum-50000": lambda folder: write(
        folder / "enum.json",
        json.dumps(single_schema_spec({"type": "string", "enum": [f"v{i}" for i in range(50_000)]})),
    ),
    "self-ref": lambda folder: HOSTILE / "self-ref.yaml",
    "ref-cycle": lambda folder: HOSTILE / "ref-cycle.yaml",
    "ref-cycle-allof": lambda folder: HOSTILE / "ref-cycle-allof.yaml",
    "recursive-models": lambda folder: HOSTILE / "recursive.yaml",
}
BOMB_BUGS: dict[str, str] = {}  # bomb -> the bug that makes it fail, while one is open


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[Measured]]]:
    """Every bomb at once, each in its own subprocess: the slowest bounds the section's time."""
    with ThreadPoolExecutor(max_workers=len(BOMBS)) as pool:
        futures = {}
        for key, make in BOMBS.items():
            folder = tmp_path_factory.mktemp(f"bomb-{key}")
            spec = make(folder)
            futures[key] = pool.submit(measure, ["generate", str(spec), "--out", str(folder / "pkg")], folder)
        yield futures


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, marks=pytest.mark.xfail(strict=True, reason=BOMB_BUGS[key]))
        if key in BOMB_BUGS
        else key
        for key in BOMBS
    ],
)
def test_bombs_end_cleanly_in_bounded_time_and_memory(bombs: dict[str, Future[Measured]], key: str) -> None:
    measured = bombs[key].result()
    assert measured.code is not None, f"still running after {WALL_LIMIT:.0f} s"
    assert measured.wall < WALL_LIMIT
    assert measured.max_rss < MEMORY_LIMIT, f"{measured.max_rss / 2**20:.0f} MiB"
    assert "Traceback" not in measured.stderr, measured.stderr[-3000:]
    assert measured.code in (0, 2), f"exit {measured.code}: {measured.stderr[-3000:]}"


LIMITS = {  # bomb -> (pointer or its start, message) of its one error
    "alias-bomb-in-default": ("/x-anchors", "more than 2,000,000 values once YAML aliases are expanded"),
    "alias-bomb-in-extension": ("/x-bomb", "more than 2,000,000 values once YAML aliases are expanded"),
    "nested-1000-json": ("/", "not valid JSON: nested more than 400 levels deep"),
    "nested-1000-yaml": ("/", "not valid YAML: exceeded maximum nesting depth"),
    "nested-300-json": ("/components/schemas/Bomb/properties/n/", "nested more than 400 levels deep"),
    "enum-50000": ("/components/schemas/Bomb/enum", "dropped and the value is not checked"),
}


@pytest.mark.parametrize("key", LIMITS)
def test_limit_errors_are_located_and_name_the_limit(bombs: dict[str, Future[Measured]], key: str) -> None:
    """One error, at FILE:LINE:COL past the start of the file (where the bomb is), naming the limit."""
    measured = bombs[key].result()
    assert measured.code == 2, measured.stderr
    located = [m for line in measured.stderr.split("\n") if (m := LOCATED.match(line))]
    assert len(located) == 1, measured.stderr
    pointer, message = LIMITS[key]
    found = located[0]["pointer"]
    assert found == pointer or (pointer.endswith("/") and found.startswith(pointer)), measured.stderr
    assert located[0]["message"].endswith(message), measured.stderr
    assert (int(located[0]["line"]), int(located[0]["col"])) > (1, 1)


def test_a_too_large_enum_is_dropped_with_a_warning_when_lenient(tmp_path: Path) -> None:
    values = [f"v{i}" for i in range(2_001)]
    spec = write(tmp_path / "enum.json", json.dumps(single_schema_spec({"type": "string", "enum": values})))
    out = tmp_path / "pkg"
    result = run_cli("generate", str(spec), "--out", str(out), "--lenient", cwd=tmp_path)
    assert result.code == 0, result.stderr
    warning = LOCATED.match(result.stderr.split("\n")[0])
    assert warning and warning["pointer"] == "/components/schemas/Bomb/enum", result.stderr
    assert warning["message"].startswith("warning: an enum of 2,001 values"), result.stderr
    with imported(out) as package:
        client = TestClient(package.create_app(default=_Accepting))
        assert client.post("/a", json="anything").status_code == 204


class _Accepting:
    def a(self, *, body: Any) -> None:
        return None


# == 4. Refs =============================================================================================

REMOTE_REFS = [
    "https://example.invalid/schemas/pet.yaml",
    "http://127.0.0.1:9/pet.json#/Pet",
    "//example.invalid/pet.yaml",
    "file:///etc/passwd",
]


def ref_spec(ref: str) -> str:
    return (
        "openapi: 3.1.0\ninfo: {title: refs, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        f"            application/json:\n              schema: {{$ref: {json.dumps(ref)}}}\n"
    )


@pytest.mark.parametrize("ref", REMOTE_REFS)
def test_remote_refs_are_refused_by_default(tmp_path: Path, ref: str) -> None:
    spec = write(tmp_path / "api.yaml", ref_spec(ref))
    result = run_cli("generate", str(spec), "--out", str(tmp_path / "pkg"), cwd=tmp_path)
    assert_clean_exit(result, allowed=(2,))
    refusal = [line for line in result.stderr.split("\n") if "--allow-remote-refs" in line]
    assert refusal and all(LOCATED.match(line) for line in refusal), result.stderr
    assert LOCATED.match(refusal[0])["pointer"].endswith("/$ref")  # type: ignore[index]
    assert not (tmp_path / "pkg").exists()


def outside_refs(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    """Specs whose ref leaves their folder, each with the extra flags to run it with."""
    inside = tmp_path / "spec"
    inside.mkdir()
    secret = write(tmp_path / "outside.yaml", (HOSTILE / "outside.yaml").read_text())
    (inside / "link.yaml").symlink_to(secret)
    return {
        "dot-dot": (HOSTILE / "refs" / "inner" / "escape.yaml", []),
        "dot-dot-allowing-remote": (HOSTILE / "refs" / "inner" / "escape.yaml", ["--allow-remote-refs"]),
        "absolute-path": (write(inside / "absolute.yaml", ref_spec(str(secret))), []),
        "symlink": (write(inside / "symlink.yaml", ref_spec("link.yaml")), []),
        "file-url-allowing-remote": (
            write(inside / "file-url.yaml", ref_spec(secret.as_uri())),
            ["--allow-remote-refs"],
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "dot-dot",
        "dot-dot-allowing-remote",
        "absolute-path",
        "symlink",
        "file-url-allowing-remote",
    ],
)
def test_refs_leaving_the_spec_folder_are_always_refused(tmp_path: Path, case: str) -> None:
    spec, flags = outside_refs(tmp_path)[case]
    out = tmp_path / "out" / "pkg"
    result = run_cli("generate", str(spec), "--out", str(out), *flags, cwd=tmp_path)
    assert_clean_exit(result, allowed=(2,))
    assert "leaves the spec's folder" in result.stderr
    assert not out.exists()


# == 5. Split parsing ====================================================================================
# A big YAML root is parsed in parts on two cores (codegen/loader.py split_yaml); a document crafted to
# straddle the cut must still mean exactly what it means parsed whole.


def big_yaml(entry: str, count: int = 3_000) -> str:
    """A spec whose `paths` holds `count` entries (over the size at which the root is cut)."""
    paths = "".join(entry.format(i=i) for i in range(count))
    return f"openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}components: {{}}\n"


PLAIN_ENTRY = (
    "  /p{i}:\n    get:\n      operationId: op{i}\n      responses: {{'204': {{description: okay}}}}\n"
)
SPLIT_CASES = {
    "plain": big_yaml(PLAIN_ENTRY),
    # an anchor before the cut, its alias after it: the middle part alone cannot resolve it
    "anchor-across": big_yaml(PLAIN_ENTRY.replace("description: okay", "description: &d{i} okay"))
    + "x-late: [*d0, *d2999]\n",
    # a quoted string whose continuation lines look like entries of `paths`
    "quoted-over-entries": big_yaml(
        '  /p{i}:\n    get:\n      operationId: op{i}\n      description: "a\n  /fake{i}:\n  b"\n'
        "      responses: {{'204': {{description: ok}}}}\n"
    ),
    # the same key in both halves: the last value wins, in the first one's place
    "repeated-key": big_yaml(PLAIN_ENTRY) + "paths:\n  /only: {}\n",
}


@pytest.mark.parametrize("case", SPLIT_CASES)
def test_a_document_parsed_in_parts_means_what_it_means_whole(case: str) -> None:
    from specfirst.loader import parse_yaml, read_document, split_yaml

    text = SPLIT_CASES[case]
    split = split_yaml(text)
    assert split is not None and split.text == text and split.section == "paths"
    _, data = read_document(Path("unused.yaml"), (split, lambda: parse_yaml(split.middle)))
    whole = parse_yaml(text)
    assert data == whole
    assert json.dumps(data) == json.dumps(whole)  # the same order too


def test_a_big_yaml_spec_generates_the_same_cut_or_whole(tmp_path: Path) -> None:
    """Through the CLI in a subprocess (where the cut happens) and in-process (where it does not)."""
    spec = write(tmp_path / "big.yaml", big_yaml(PLAIN_ENTRY, 2_500))
    cut = measure(["generate", str(spec), "--out", str(tmp_path / "cut" / "pkg")], tmp_path)
    assert cut.code == 0, cut.stderr
    whole = run_cli("generate", str(spec), "--out", str(tmp_path / "whole" / "pkg"), cwd=tmp_path)
    assert whole.code == 0, whole.stderr
    for name in ("routers/default.py", "openapi.json", "handlers.py"):
        # past the header, which names each package's own --out
        cut_text = (tmp_path / "cut" / "pkg" / name).read_text().split("\n", 2)[-1]
        whole_text = (tmp_path / "whole" / "pkg" / name).read_text().split("\n", 2)[-1]
        assert cut_text == whole_text


def test_typescript_sdk_keeps_every_payload_inside_its_literals_and_comments(tmp_path: Path) -> None:
    """The TypeScript SDK of the payload spec (plus payloads written to run as TypeScript if they broke out
    of a comment, a string or a template literal) compiles with tsc --strict, and parsed by TypeScript
    itself no payload became code: no identifier of theirs appears, and every one is a string literal
    whose value is exactly the payload."""
    import shutil

    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm and node are needed to compile the TypeScript SDK")
    from tests.sdk.test_typescript import install_typescript

    tsc = install_typescript()
    breakouts = {  # each defines an identifier named pwned... if it escapes where it is written
        "comment-end": "*/ export const pwnedComment = 1; /*",
        "line-feed": "\nexport const pwnedLineFeed = 1; //",
        "line-separator": "\u2028export const pwnedLineSeparator = 1; //",
        "double-quote": '"; export const pwnedDoubleQuote = 1; //',
        "single-quote": "'; export const pwnedSingleQuote = 1; //",
        "backtick": "`; export const pwnedBacktick = 1; //",
        "template": "${(globalThis as any).pwnedTemplate = 1}",
        "jsdoc-tag": "@type {pwnedJsdoc}\n * @see */ export const pwnedJsdocEnd = 1; /*",
    }
    texts = list(breakouts.values())
    spec = payload_spec()
    every = "".join(texts)
    spec["info"]["description"] += every
    spec["tags"] += [{"name": text, "description": every} for text in texts]
    spec["components"]["schemas"]["Script"] = {
        "type": "object",
        "description": every,
        "properties": {
            text: {"type": "string", "description": text, "enum": [text], "default": text} for text in texts
        },
    }
    for index, text in enumerate(texts):
        segment = text.replace("{", "(").replace("}", ")").replace("/", "|")  # a name a path can hold
        spec["paths"][f"/ts{index}/{{{segment}}}"] = {
            "post": {
                "operationId": text,
                "tags": [text],
                "summary": text,
                "description": every,
                "deprecated": True,
                "parameters": [
                    {
                        "name": segment,
                        "in": "path",
                        "required": True,
                        "description": text,
                        "schema": {"type": "string"},
                    },
                    {"name": text, "in": "header", "description": text, "schema": {"enum": [text]}},
                ],
                "requestBody": {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Script"}}},
                },
                "responses": {
                    "200": {
                        "description": text,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Script"}}},
                    },
                    "418": {
                        "description": text,
                        "content": {"application/json": {"schema": {"enum": [text]}}},
                    },
                },
            }
        }
    source = write(tmp_path / "openapi.json", json.dumps(spec, ensure_ascii=False))
    out = tmp_path / "ts-sdk"
    result = run_cli("sdk", str(source), "--lang", "typescript", "--out", str(out), cwd=tmp_path)
    assert_clean_exit(result, allowed=(0,))
    compiled = subprocess.run(
        [str(tsc), "-p", str(out / "tsconfig.json"), "--noEmit"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stdout[-3000:]

    # TypeScript's own parser: every identifier and every string literal's value, per file
    script = write(
        tmp_path / "tokens.cjs",
        """const ts = require(process.argv[2]);
const fs = require("fs");
const found = {};
for (const file of process.argv.slice(3)) {
  const tree = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const identifiers = new Set(), strings = new Set();
  const visit = (node) => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) identifiers.add(node.text);
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) strings.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(tree);
  found[file] = { identifiers: [...identifiers], strings: [...strings] };
}
process.stdout.write(JSON.stringify(found));
""",
    )
    files = sorted(str(p) for p in (out / "src").rglob("*.ts"))
    parsed = subprocess.run(
        ["node", str(script), str(tsc.parent.parent / "typescript"), *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(parsed.stdout)
    identifiers = {name for entry in found.values() for name in entry["identifiers"]}
    escaped = {"PWNED", "__import__", "os", "system", "alert"} & identifiers
    escaped |= {name for name in identifiers if name.startswith("pwned")}
    assert not escaped, f"payload text parsed as code: {sorted(escaped)}"
    models = set(found[str(out / "src" / "models.ts")]["strings"])
    missing = [text for text in [*PAYLOADS.values(), *texts] if text not in models]
    assert not missing, f"not string literals of exactly their value in models.ts: {missing}"
    errors = set(found[str(out / "src" / "errors.ts")]["strings"])
    assert set(texts) <= errors  # the 418 bodies: `enum` values in a type position of another file
    assert not markers_in(tmp_path)
