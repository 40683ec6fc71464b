"""The mock answers the generator works out: each body valid against its response schema.

Validity is judged here by jsonschema-rs, an implementation independent of the jsonschema library the
builder checks its own candidates with.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema_rs
import pytest

from specfirst.diagnostics import Diagnostics
from specfirst.mock_data import mock_answers, mocks_json

SCHEMAS: dict[str, Any] = {
    "Thing": {
        "type": "object",
        "required": ["id", "name", "tags"],
        "properties": {
            "id": {"type": "integer", "minimum": 10},
            "name": {"type": "string", "minLength": 8, "maxLength": 9},
            "tags": {"type": "array", "minItems": 2, "uniqueItems": True, "items": {"type": "string"}},
        },
        "additionalProperties": False,
    },
    "Cat": {
        "type": "object",
        "required": ["kind", "lives"],
        "properties": {"kind": {"type": "string"}, "lives": {"type": "integer", "maximum": 9}},
    },
    "Dog": {
        "type": "object",
        "required": ["kind", "good"],
        "properties": {"kind": {"type": "string"}, "good": {"type": "boolean"}},
    },
    "Message": {
        "type": "object",
        "required": ["type", "text"],
        "properties": {"type": {"type": "string", "enum": ["message"]}, "text": {"type": "string"}},
    },
    "Call": {
        "type": "object",
        "required": ["type", "name"],
        "properties": {"type": {"type": "string", "const": "call"}, "name": {"type": "string"}},
    },
    "Pet": {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}},
        "discriminator": {"propertyName": "petType"},
    },
    "Lizard": {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"type": "object", "required": ["scales"], "properties": {"scales": {"type": "integer"}}},
        ]
    },
    "Node": {
        "type": "object",
        "required": ["children"],
        "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
    },
    "Endless": {
        "type": "object",
        "required": ["next"],
        "properties": {"next": {"$ref": "#/components/schemas/Endless"}},
    },
    "Account": {
        "type": "object",
        "required": ["email", "password"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "password": {"type": "string", "writeOnly": True},
        },
        "additionalProperties": False,
    },
}

BODIES: dict[str, Any] = {
    "nullable-ref": {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Thing"}]},
    "discriminated-mapping": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    },
    "discriminated-implicit": {
        "oneOf": [{"$ref": "#/components/schemas/Message"}, {"$ref": "#/components/schemas/Call"}],
        "discriminator": {"propertyName": "type"},
    },
    "inherited": {"$ref": "#/components/schemas/Lizard"},
    "unique-enum-items": {
        "type": "array",
        "minItems": 3,
        "uniqueItems": True,
        "items": {"type": "string", "enum": ["a", "b", "c"]},
    },
    "pattern": {"type": "string", "pattern": "^AC[0-9a-f]{32}$", "maxLength": 34},
    "bounds": {"type": "number", "exclusiveMinimum": 2, "multipleOf": 0.5, "maximum": 10},
    "type-list": {"type": ["null", "string"], "format": "date-time"},
    "recursive": {"$ref": "#/components/schemas/Node"},
    "write-only": {"$ref": "#/components/schemas/Account"},
    "all-of-extended": {
        "allOf": [{"$ref": "#/components/schemas/Cat"}],
        "properties": {"extra": {"type": "string", "minLength": 12}},
        "required": ["extra"],
    },
    "one-of-overlap": {  # `{}`-like values fit both branches: a value must fit exactly one
        "oneOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}},
        ]
    },
}
UNSATISFIABLE = {
    "empty-enum": {"type": "string", "enum": []},
    "all-of-closed": {  # Thing allows no property but its own; this one requires another
        "allOf": [{"$ref": "#/components/schemas/Thing"}],
        "properties": {"extra": {"type": "string"}},
        "required": ["extra"],
    },
    "endless": {"$ref": "#/components/schemas/Endless"},
}


def _document(bodies: dict[str, Any], *, example: Any = None) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for name, schema in bodies.items():
        media: dict[str, Any] = {"schema": schema}
        if example is not None:
            media["example"] = example
        paths[f"/{name}"] = {
            "get": {"responses": {"200": {"description": "ok", "content": {"application/json": media}}}}
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": copy.deepcopy(SCHEMAS)},
    }


def _problem(document: dict[str, Any], schema: Any, value: Any) -> str | None:
    """Why `value` is no valid response body for `schema` (None if it is): writeOnly properties are
    not required of a response."""
    components = copy.deepcopy(document["components"])
    for each in components["schemas"].values():
        hidden = {n for n, p in each.get("properties", {}).items() if p.get("writeOnly")}
        each["required"] = [r for r in each.get("required", []) if r not in hidden]
    root = {"components": components, **schema}
    try:
        jsonschema_rs.validator_for(root, validate_formats=True).validate(value)
    except jsonschema_rs.ValidationError as error:
        return str(error)
    return None


@pytest.mark.parametrize("name", sorted(BODIES))
def test_every_satisfiable_schema_gets_a_valid_body(name: str) -> None:
    document = _document(BODIES)
    diagnostics = Diagnostics()
    answer = mock_answers(document, diagnostics)[f"GET /{name}"]
    assert not diagnostics.items, [d.message for d in diagnostics.items]
    assert answer["status"] == 200 and answer["media_type"] == "application/json"
    assert _problem(document, BODIES[name], answer["body"]) is None, answer["body"]


def test_bodies_are_shaped_as_the_schema_asks() -> None:
    answers = mock_answers(_document(BODIES))
    body = {name: answers[f"GET /{name}"]["body"] for name in BODIES}
    assert body["nullable-ref"] is not None  # a real object first, null only where nothing else fits
    assert body["discriminated-mapping"]["kind"] == "cat"
    assert body["discriminated-implicit"]["type"] == "message"  # its own enum, not the name "Message"
    assert body["inherited"]["petType"] == "Lizard" and "scales" in body["inherited"]
    assert sorted(body["unique-enum-items"]) == ["a", "b", "c"]
    assert body["recursive"] == {"children": []}
    assert body["write-only"] == {"email": "user@example.com"}  # a response never carries the password
    assert body["type-list"] == "2024-01-01T00:00:00Z"


def test_a_valid_example_is_served_and_an_invalid_one_replaced() -> None:
    good = {"kind": "dog", "good": True}
    answers = mock_answers(_document({"d": BODIES["discriminated-mapping"]}, example=good))
    assert answers["GET /d"]["body"] == good
    bad = {"kind": "dog", "good": "very"}
    diagnostics = Diagnostics()
    answers = mock_answers(_document({"d": BODIES["discriminated-mapping"]}, example=bad), diagnostics)
    assert answers["GET /d"]["body"] != bad
    [warning] = diagnostics.warnings
    assert warning.pointer == "/paths/~1d/get/responses/200/content/application~1json/example"
    assert warning.message.startswith("example breaks its schema (")
    assert _problem(_document({}), BODIES["discriminated-mapping"], answers["GET /d"]["body"]) is None


def test_an_example_loses_its_write_only_properties() -> None:
    account = {"email": "ada@example.com", "password": "hunter2"}
    answers = mock_answers(_document({"a": BODIES["write-only"]}, example=account))
    assert answers["GET /a"]["body"] == {"email": "ada@example.com"}


@pytest.mark.parametrize("name", sorted(UNSATISFIABLE))
def test_an_unsatisfiable_schema_is_reported_where_it_is(name: str) -> None:
    diagnostics = Diagnostics()
    answer = mock_answers(_document(UNSATISFIABLE), diagnostics)[f"GET /{name}"]
    pointer = f"/paths/~1{name}/get/responses/200/content/application~1json/schema"
    assert answer["unsatisfied"] == pointer
    reports = [d for d in diagnostics.warnings if d.pointer == pointer]
    assert len(reports) == 1 and f"mock of GET /{name}: no body found valid" in reports[0].message


def test_statuses_headers_and_text() -> None:
    document = _document({})
    document["paths"] = {
        "/created": {
            "post": {
                "responses": {
                    "400": {"description": "bad"},
                    "201": {
                        "description": "made",
                        "headers": {
                            "Location": {"required": True, "schema": {"type": "string", "format": "uri"}},
                            "X-Count": {"required": True, "schema": {"type": "integer", "minimum": 3}},
                            "X-Optional": {"schema": {"type": "string"}},
                        },
                    },
                }
            }
        },
        "/moved": {"get": {"responses": {"3XX": {"description": "elsewhere"}}}},
        "/text": {
            "get": {
                "responses": {
                    "200": {
                        "description": "csv",
                        "content": {"text/csv": {"schema": {"type": "string"}, "example": "a,b\n1,2\n"}},
                    }
                }
            }
        },
        "/nothing": {"delete": {"responses": {"default": {"description": "whatever"}}}},
    }
    answers = mock_answers(document)
    assert answers["POST /created"] == {
        "status": 201,
        "headers": {"Location": "https://example.com/", "X-Count": "3"},
    }
    assert answers["GET /moved"] == {"status": 300}
    assert answers["GET /text"] == {"status": 200, "media_type": "text/csv", "text": "a,b\n1,2\n"}
    assert answers["DELETE /nothing"] == {"status": 200}


def test_the_same_document_gives_the_same_bytes() -> None:
    assert mocks_json(mock_answers(_document(BODIES))) == mocks_json(mock_answers(_document(BODIES)))
