"""An allOf over one union is handed to datamodel-code-generator distributed: the same values valid."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from specfirst.render.union_shapes import distribute

A = {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "a"}, "x": {"type": "integer"}}}
B = {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "b"}, "y": {"type": "string"}}}
STREAM = {"type": "object", "properties": {"stream_id": {"type": "string"}}, "required": ["stream_id"]}
VALUES = [
    {"kind": "a", "x": 1, "stream_id": "s"},
    {"kind": "b", "y": "t", "stream_id": "s"},
    {"kind": "a", "x": 1},  # STREAM refuses it
    {"kind": "c", "stream_id": "s"},  # no branch takes it
    {"kind": "a", "x": "one", "stream_id": "s"},
    "not an object",
]


@pytest.mark.parametrize("keyword", ["anyOf", "oneOf"])
def test_distributed_form_accepts_exactly_the_same_values(keyword: str) -> None:
    schema: dict[str, Any] = {"description": "events", "allOf": [{keyword: [A, B]}, STREAM]}
    shaped = distribute(schema)
    assert shaped == {"description": "events", keyword: [{"allOf": [A, STREAM]}, {"allOf": [B, STREAM]}]}
    for value in VALUES:
        before = jsonschema.Draft202012Validator(schema).is_valid(value)
        after = jsonschema.Draft202012Validator(shaped).is_valid(value)
        assert before == after, value


def test_discriminator_moves_with_its_union_and_nothing_is_changed_in_place() -> None:
    union = {"oneOf": [{"$ref": "#/a"}, {"$ref": "#/b"}], "discriminator": {"propertyName": "kind"}}
    schema = {"properties": {"events": {"allOf": [union, {"$ref": "#/o"}]}}}
    shaped = distribute(schema)
    assert shaped["properties"]["events"] == {
        "oneOf": [
            {"allOf": [{"$ref": "#/a"}, {"$ref": "#/o"}]},
            {"allOf": [{"$ref": "#/b"}, {"$ref": "#/o"}]},
        ],
        "discriminator": {"propertyName": "kind"},
    }
    assert schema["properties"]["events"]["allOf"][0] is union  # the input is left as it was


@pytest.mark.parametrize(
    "schema",
    [
        {"allOf": [{"anyOf": [A, B]}]},  # nothing to distribute over
        {"allOf": [{"anyOf": [A, B]}, {"oneOf": [A, B]}]},  # two unions: left to the generator
        {"allOf": [{"anyOf": [A, B], "properties": {"z": {}}}, STREAM]},  # a union with more than a union
        {"allOf": [{"anyOf": [A, B]}, STREAM], "oneOf": [A]},  # the schema has a union of its own
    ],
)
def test_other_shapes_are_left_alone(schema: dict[str, Any]) -> None:
    assert distribute(schema) == schema
