"""Property test: random valid OpenAPI documents (odd names included) always generate, import and serve."""

from __future__ import annotations

import importlib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specfirst.cli import main

ODD_NAMES = [
    "class",
    "from",
    "list",
    "id",
    "type",
    "self",
    "body",
    "ünïcode",
    "名前",
    "item-id",
    "item_id",
    "Item",
    "item",
    "2fast",
    "_private",
    "with space",
    "a.b",
    "None",
    "True",
    "models",
    "rt",
]
names = st.one_of(st.sampled_from(ODD_NAMES), st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,10}", fullmatch=True))
# component keys must match ^[a-zA-Z0-9._-]+$ (OpenAPI): odd, but within that
component_keys = st.one_of(
    st.sampled_from(
        [
            "class",
            "from",
            "list",
            "id",
            "type",
            "item-id",
            "item_id",
            "Item",
            "item",
            "2fast",
            "a.b",
            "None",
            "models",
            "rt",
            "Field",
            "BaseModel",
        ]
    ),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,10}", fullmatch=True),
)


def scalar() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({"type": "string"}),
        st.builds(lambda n: {"type": "string", "maxLength": n}, st.integers(1, 50)),
        st.builds(lambda lo: {"type": "integer", "minimum": lo}, st.integers(-5, 5)),
        st.just({"type": "number"}),
        st.just({"type": "boolean"}),
        st.just({"type": ["string", "null"]}),
        st.builds(
            lambda vs: {"type": "string", "enum": vs}, st.lists(names, min_size=1, max_size=4, unique=True)
        ),
        st.just({"type": "string", "format": "date-time"}),
        st.just({"type": "string", "format": "uuid"}),
    )


def schemas(refs: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    leaves = scalar() | (
        st.sampled_from(refs).map(lambda r: {"$ref": f"#/components/schemas/{r}"}) if refs else scalar()
    )

    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        objects = st.dictionaries(names, children, min_size=1, max_size=4).flatmap(
            lambda props: st.builds(
                lambda required, closed, ro: {
                    "type": "object",
                    "properties": {
                        k: ({**v, "readOnly": True} if k == ro and "$ref" not in v else v)
                        for k, v in props.items()
                    },
                    "required": required,
                    **({"additionalProperties": False} if closed else {}),
                },
                st.lists(st.sampled_from(sorted(props)), unique=True),
                st.booleans(),
                st.sampled_from([None, *sorted(props)]),
            )
        )
        arrays = children.map(lambda item: {"type": "array", "items": item})
        return objects | arrays

    return st.recursive(leaves, extend, max_leaves=6)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    component_names = draw(st.lists(component_keys, min_size=0, max_size=3, unique=True))
    components: dict[str, Any] = {}
    for index, name in enumerate(component_names):
        components[name] = draw(schemas(component_names[:index]))
    paths: dict[str, Any] = {}
    counter = itertools.count()
    for segment in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
        path = "/" + segment.replace("/", "_").replace("{", "").replace("}", "").replace(" ", "-")
        templated = draw(st.booleans())
        if templated:
            path += "/{thing-id}"
        item: dict[str, Any] = {}
        for method in draw(
            st.lists(st.sampled_from(["get", "post", "put", "delete"]), min_size=1, max_size=2, unique=True)
        ):
            params = (
                [{"name": "thing-id", "in": "path", "required": True, "schema": {"type": "integer"}}]
                if templated
                else []
            )
            for pname in draw(st.lists(names, max_size=3, unique=True)):
                params.append(
                    {
                        "name": pname,
                        "in": draw(st.sampled_from(["query", "header", "cookie"])),
                        "schema": draw(scalar()),
                    }
                )
            operation: dict[str, Any] = {
                "operationId": draw(names) + str(next(counter)),
                "tags": [draw(names)],
                "summary": draw(st.text(max_size=30)),
                "parameters": params,
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": draw(schemas(component_names))}},
                    }
                },
            }
            if method in ("post", "put"):
                operation["requestBody"] = {
                    "content": {"application/json": {"schema": draw(schemas(component_names))}}
                }
            item[method] = operation
        paths[path] = item
    return {
        "openapi": "3.1.0",
        "info": {"title": draw(st.text(max_size=20)), "version": "1"},
        "paths": paths,
        "components": {"schemas": components},
    }


PACKAGES = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(document=documents())
def test_random_documents_generate_import_and_serve(document: dict[str, Any], tmp_path_factory: Any) -> None:
    folder: Path = tmp_path_factory.mktemp("prop")
    spec = folder / "api.json"
    spec.write_text(json.dumps(document))
    name = f"prop_{next(PACKAGES)}"
    assert main(["generate", str(spec), "--out", str(folder / name)]) == 0
    for source in (folder / name).rglob("*.py"):
        compile(source.read_text(), str(source), "exec")
    sys.path.insert(0, str(folder))
    try:
        app = importlib.import_module(name).create_app()
    finally:
        sys.path.remove(str(folder))
    client = TestClient(app)
    for path, item in document["paths"].items():
        for method in item:
            response = client.request(method, path.replace("{thing-id}", "1"))
            assert response.status_code in (400, 422, 501), (method, path, response.text)
