"""Example values for `init`'s stub handlers: the contract's own example where it is valid, else a value
built from the schema that prefers each property's own `examples` (so a stub answers `id: 1`, the id
the contract shows, rather than the smallest integer, which a path parameter may refuse)."""

from __future__ import annotations

import copy
from typing import Any

from specfirst_runtime import mock


def with_examples_as_defaults(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` in which a schema's first example stands in for a missing default."""
    document = copy.deepcopy(document)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            examples = node.get("examples")
            if isinstance(examples, list) and examples and "default" not in node and "type" in node:
                node["default"] = examples[0]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document.get("components"))
    walk(document.get("paths"))
    return document


def resolve(document: dict[str, Any], node: Any) -> Any:
    return mock._Resolver(document).resolve(node)


def schema_example(document: dict[str, Any], schema: Any) -> Any:
    return mock.synthesize(schema, document)


def response_example(
    document: dict[str, Any], operation: dict[str, Any], status: str, media_type: str
) -> Any:
    response = resolve(document, (operation.get("responses") or {}).get(status) or {})
    media = ((response.get("content") or {}) if isinstance(response, dict) else {}).get(media_type) or {}
    return mock._example(media, media.get("schema", {}), document, f"{status} {media_type}")
