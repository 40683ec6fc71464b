"""Regression specs (issue 13's in ../shared/specs/regressions, ours in specs/regressions).

Each generates (strict, or --lenient where the document is at fault, with a warning naming what was
forgiven), imports, passes mypy --strict, routes exactly its operations, and behaves as its contract says.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from specfirst_runtime.routing import PathRoute

from specfirst.cli import main
from tests.codegen.test_shared_specs import example_url, spec_operations
from tests.conftest import FEATURE_SPECS, ROOT, SHARED_SPECS

SHARED = SHARED_SPECS / "regressions"
OWN = FEATURE_SPECS / "regressions"


@dataclass(frozen=True)
class Case:
    spec: Path
    lenient: bool = False
    warns: tuple[str, ...] = ()  # each must appear in a warning line of the generation


CASES = {
    "x_key_header": Case(SHARED / "x-key-header" / "api.yaml"),
    "x_key_property": Case(SHARED / "x-key-property" / "api.yaml"),
    "properties_ref": Case(
        SHARED / "properties-ref" / "api.yaml",
        lenient=True,
        warns=(
            "properties-ref/api.yaml:15:19: /paths/~1droplets/get/responses/200/content/application~1json/"
            "schema/properties/$ref: warning: $ref 'attributes.yml#/droplet_properties' stands for a whole",
        ),
    ),
    "discriminator_plain_string": Case(SHARED / "discriminator-plain-string.yaml"),
    "discriminator_shared_branch": Case(OWN / "discriminator-shared-branch.yaml"),
    "param_named_schema": Case(SHARED / "param-named-schema.yaml"),
    "shadowing_names": Case(OWN / "shadowing-names.yaml"),
    "recursive_anchor": Case(
        SHARED / "recursive-anchor.yaml",
        lenient=True,
        warns=(
            "recursive-anchor.yaml:16:7: /components/schemas/Node/$recursiveAnchor: warning: `$recursive",
            "/components/schemas/Node/properties/children/items/$recursiveRef: warning: `$recursiveRef` is "
            "draft 2019-09, not in OpenAPI 3.1's dialect: read as $ref to '#/components/schemas/Node'",
        ),
    ),
    "empty_enum_param": Case(
        SHARED / "empty-enum-param.yaml",
        warns=("/paths/~1guilds/get/parameters/0/schema/allOf/0/enum: warning: `enum: []` admits no value",),
    ),
    "empty_enum_body": Case(
        OWN / "empty-enum-body.yaml",
        warns=(
            "/components/schemas/Item/properties/flavour/enum: warning: `enum: []` admits no value",
            "/paths/~1items/post/parameters/0/schema/enum: warning: `enum: []` admits no value",
        ),
    ),
    "declared_error_shape": Case(SHARED / "declared-error-shape.yaml"),
    "x_names": Case(OWN / "x-names" / "api.yaml"),
    "external_mapping": Case(OWN / "external-mapping" / "api.yaml"),
    "dynamic_ref": Case(OWN / "dynamic-ref.yaml"),
    "default_error_shape": Case(OWN / "default-error-shape.yaml"),
}


@dataclass
class Generated:
    package: ModuleType
    folder: Path
    output: str


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Generated]]:
    base = tmp_path_factory.mktemp("regressions")
    made: dict[str, Generated] = {}
    sys.path.insert(0, str(base))
    for name, case in CASES.items():
        out = io.StringIO()
        flags = ["--lenient"] if case.lenient else []
        with contextlib.redirect_stderr(out), contextlib.redirect_stdout(out):
            code = main(["generate", str(case.spec), "--out", str(base / name), *flags])
        assert code == 0, out.getvalue()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a field shadowing BaseModel warns at import
            made[name] = Generated(importlib.import_module(name), base / name, out.getvalue())
    yield made
    sys.path.remove(str(base))


def routed(app: Any) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in app.router.routes
        if isinstance(route, PathRoute)
        for method in route.allow
    }


@pytest.mark.parametrize("name", CASES)
def test_generates_imports_and_routes_exactly_its_operations(
    generated: dict[str, Generated], name: str
) -> None:
    case, gen = CASES[name], generated[name]
    warnings = [line for line in gen.output.splitlines() if ": warning: " in line]
    for expected in case.warns:
        assert any(expected in line for line in warnings), gen.output
    if not case.warns:
        assert not warnings, gen.output
    app = gen.package.create_app()
    assert routed(app) == spec_operations(case.spec)
    client = TestClient(app)
    for method, path in sorted(routed(app)):
        assert client.request(method, example_url(path)).status_code == 501


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.lenient])
def test_strict_refuses_what_lenient_forgives_with_a_located_error(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    out = io.StringIO()
    with contextlib.redirect_stderr(out), contextlib.redirect_stdout(out):
        code = main(["generate", str(case.spec), "--out", str(tmp_path / "pkg")])
    assert code == 2
    for expected in case.warns:
        assert expected.replace("warning: ", "") in out.getvalue()


def test_generated_packages_pass_mypy_strict(generated: dict[str, Generated]) -> None:
    folders = sorted(g.folder for g in generated.values())
    mypy = subprocess.run(
        [Path(sys.executable).parent / "mypy", "--strict", "--no-incremental", *(f.name for f in folders)],
        capture_output=True,
        text=True,
        cwd=folders[0].parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout[-3000:]


def test_x_named_header_and_property_keep_their_names(generated: dict[str, Generated]) -> None:
    header_api = generated["x_key_header"].folder
    assert "x-request-id" in "".join(p.read_text() for p in header_api.rglob("*.py"))
    schema = generated["x_key_property"].package.create_app().openapi()
    body = schema["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "x-trace" in str(body) or "x-trace" in str(schema.get("components"))


def test_properties_map_by_reference_is_inlined(generated: dict[str, Generated]) -> None:
    text = "".join(p.read_text() for p in generated["properties_ref"].folder.rglob("*.py"))
    assert "status" in text and "max_length=64" in text


@pytest.mark.parametrize(
    ("name", "path", "body", "status"),
    [
        ("discriminator_plain_string", "/records", {"type": "A", "a": "x"}, 204),
        ("discriminator_plain_string", "/records", {"type": "B", "b": 1}, 204),
        ("discriminator_plain_string", "/records", {"type": "B", "a": "x"}, 422),
        ("discriminator_plain_string", "/records", {"type": "C", "a": "x"}, 422),
        ("discriminator_shared_branch", "/pets", {"kind": "kitten"}, 204),
        ("discriminator_shared_branch", "/pets", {"kind": "cat", "x-lives": 3}, 204),
        ("discriminator_shared_branch", "/pets", {"kind": "Dog"}, 204),  # implicit: the schema's name
        ("discriminator_shared_branch", "/pets", {"kind": "Cat"}, 422),
        ("external_mapping", "/shapes", {"kind": "circle", "radius": 1}, 204),  # mapping into shapes.yml
        ("external_mapping", "/shapes", {"kind": "square", "side": 1}, 204),
        ("external_mapping", "/shapes", {"kind": "Circle", "radius": 1}, 422),
    ],
)
def test_discriminated_body_selects_its_branch_by_the_mapping(
    generated: dict[str, Generated], name: str, path: str, body: dict[str, Any], status: int
) -> None:
    client = TestClient(generated[name].package.create_app(mock=True))
    assert client.post(path, json=body).status_code == status


def test_names_shadowing_base_model_keep_their_wire_names(generated: dict[str, Generated]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = TestClient(generated["param_named_schema"].package.create_app(mock=True))
        assert client.get("/t", params={"schema": "s"}).status_code == 204
        assert client.get("/t").status_code == 422
        client = TestClient(generated["shadowing_names"].package.create_app(mock=True), cookies={"dict": "d"})
        form = {"validate": "v", "model_dump": "2", "fields": "f"}
        query = {"schema": "s", "model_config": "3", "type": "t"}
        answer = client.post("/things/a", params=query, headers={"json": "j"}, data=form)
        assert answer.status_code == 200, answer.text
        assert client.post("/things/a", params={"model_config": "3"}, data=form).status_code == 422


def test_recursive_ref_is_the_recursion_it_means(generated: dict[str, Generated]) -> None:
    node = generated["recursive_anchor"].package.models.Node
    tree = node.model_validate({"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]})
    assert tree.children[0].children[0].name == "c"
    with pytest.raises(ValueError, match="name"):
        node.model_validate({"name": "a", "children": [{"children": []}]})


def run_main(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stderr(out), contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


@pytest.mark.parametrize("lang", ["python", "typescript"])
@pytest.mark.parametrize(
    "spec", sorted((FEATURE_SPECS / "broken-schemas").glob("*.yaml")), ids=lambda p: p.name
)
def test_sdk_lenient_reports_the_located_errors_generate_reports(
    spec: Path, lang: str, tmp_path: Path
) -> None:
    generated_code, generated = run_main("generate", str(spec), "--out", str(tmp_path / "pkg"), "--lenient")
    sdk_code, sdk = run_main("sdk", str(spec), "--lang", lang, "--out", str(tmp_path / "sdk"), "--lenient")
    assert (generated_code, sdk_code) == (2, 2), sdk
    errors = [line for line in generated.splitlines() if ": /" in line and ": warning: " not in line]
    assert errors
    assert all(line in sdk for line in errors), sdk


def test_mock_stopped_with_sigterm_removes_its_temporary_folder(tmp_path: Path) -> None:
    import signal
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spec = SHARED / "param-named-schema.yaml"
    cli = Path(sys.executable).parent / "specfirst"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    server = subprocess.Popen(
        [cli, "mock", str(spec), "--port", str(port)], env=env, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # ready when it accepts connections
            assert server.poll() is None, "the mock exited early"
            assert time.monotonic() < deadline, "the mock did not start"
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        assert list(tmp_path.glob("specfirst-mock-*"))
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert code in (0, 143)
    assert not list(tmp_path.iterdir())


def test_empty_enum_refuses_every_value(generated: dict[str, Generated]) -> None:
    client = TestClient(generated["empty_enum_param"].package.create_app(mock=True))
    assert client.get("/guilds").status_code == 204
    for value in ("true", "", "x"):
        assert client.get("/guilds", params={"with_counts": value}).status_code == 422
    client = TestClient(generated["empty_enum_body"].package.create_app(mock=True))
    assert client.post("/items", json={"name": "a"}).status_code == 204
    assert client.post("/items", json={"name": "a", "flavour": "x"}).status_code == 422
    assert client.post("/items", json={"name": "a"}, headers={"X-Mode": "1"}).status_code == 422


def declared_error_schema(spec: Path) -> dict[str, Any]:
    import yaml

    document = yaml.safe_load(spec.read_text())
    return {"$ref": "#/components/schemas/ErrorResponse", "components": document["components"]}


def test_errors_the_runtime_answers_fit_the_declared_error_schema(generated: dict[str, Generated]) -> None:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(declared_error_schema(CASES["declared_error_shape"].spec))
    client = TestClient(generated["declared_error_shape"].package.create_app(mock=True))
    answers = {
        "path parameter": client.post("/channels/abc/followers", json={"webhook_channel_id": "1"}),
        "body": client.post("/channels/1/followers", json={"webhook_channel_id": 5}),
        "missing body": client.post("/channels/1/followers"),
        "undecodable body": client.post(
            "/channels/1/followers", content=b"{", headers={"content-type": "application/json"}
        ),
        "unknown path": client.get("/nowhere"),
        "method": client.get("/channels/1/followers"),
    }
    for what, answer in answers.items():
        assert answer.status_code in (404, 405, 422), (what, answer.status_code)
        assert answer.headers["content-type"] == "application/json", what
        body = answer.json()
        assert not list(validator.iter_errors(body)), (what, body)
        assert body["code"] == answer.status_code, what
    assert answers["body"].json()["message"]
    assert client.post("/channels/1/followers", json={"webhook_channel_id": "1"}).status_code == 204


def test_mock_of_declared_error_shape_passes_schemathesis(generated: dict[str, Generated]) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode

    from tests.codegen.test_mock import CHECKS

    schema = schemathesis.openapi.from_path(str(CASES["declared_error_shape"].spec))
    schema.app = generated["declared_error_shape"].package.create_app(mock=True)
    schema.config.update(base_url="http://localhost")
    for operation in schema.get_all_operations():
        op: Any = operation.ok()  # type: ignore[union-attr]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=op.as_strategy(generation_mode=mode))
            @settings(
                max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
            )
            def run(case: Any) -> None:
                case.call_and_validate(checks=CHECKS)

            run()


def test_x_names_in_every_name_position(generated: dict[str, Generated]) -> None:
    app = generated["x_names"].package.create_app(mock=True)
    assert routed(app) == {("GET", "/x-things/{x-id}")}  # `x-internal` under paths is an extension
    answer = TestClient(app).get("/x-things/a", params={"x-trace": "t"}, headers={"x-api-key": "k"})
    assert answer.status_code == 200
    assert answer.json() == {"x-kind": "x-a", "x-extra": {"x-deep": 1}}  # the example named x-first
    models = generated["x_names"].package.models
    assert models.XExtra.model_validate({"x-deep": 1, "x-other": 2}).model_dump(by_alias=True)["x-other"] == 2
    with pytest.raises(ValueError):
        models.XExtra.model_validate({"x-other": "not an integer"})


def test_percent_encoded_pointer_and_defs_of_a_referenced_file(generated: dict[str, Generated]) -> None:
    client = TestClient(generated["external_mapping"].package.create_app(mock=True))
    assert client.get("/again").json() == client.get("/a1").json()  # `#/paths/~1a%7Bb%7D/...`
    tagged = generated["external_mapping"].package.models.Tagged
    with pytest.raises(ValueError, match="5"):
        tagged.model_validate({"tag": "toolong"})  # maxLength from shapes.yml's $defs


def test_dynamic_ref_recursion_and_ref_siblings(generated: dict[str, Generated]) -> None:
    package = generated["dynamic_ref"].package
    tree = package.models.Tree.model_validate({"label": "a", "children": [{"label": "b", "children": []}]})
    assert tree.children[0].label == "b"
    client = TestClient(package.create_app(mock=True))
    assert client.post("/named", json="abc").status_code == 204
    assert client.post("/named", json="abcd").status_code == 422  # maxLength beside the $ref


def test_errors_fit_an_error_schema_declared_only_as_default(generated: dict[str, Generated]) -> None:
    import yaml
    from jsonschema import Draft202012Validator

    document = yaml.safe_load(CASES["default_error_shape"].spec.read_text())
    declared = document["paths"]["/orders/{id}"]["put"]["responses"]["default"]["content"]["application/json"]
    validator = Draft202012Validator(declared["schema"])
    client = TestClient(generated["default_error_shape"].package.create_app(mock=True))
    answers = [
        client.put("/orders/0", json={"quantity": 1}),
        client.put("/orders/1", json={"quantity": 0}),
        client.get("/orders/1"),
        client.get("/nowhere"),
    ]
    assert [a.status_code for a in answers] == [422, 422, 405, 404]
    for answer in answers:
        assert not list(validator.iter_errors(answer.json())), answer.text
