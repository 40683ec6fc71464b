"""Bring a document into OpenAPI 3.1 shape, once, before anything reads it.

3.0 documents are accepted and rewritten: `nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`,
schema `example`. A 3.1 document keeps what it says; with `--lenient`, 3.0-isms found in it are rewritten
too (with a warning each) instead of failing validation.
"""

from __future__ import annotations

from typing import Any

from .diagnostics import Diagnostics, join_pointer, split_pointer
from .extensions import is_extension, is_name_map

SCHEMA_CHILD_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
SCHEMA_CHILD_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_CHILDREN = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)


def is_openapi_30(document: dict[str, Any]) -> bool:
    return str(document.get("openapi", "")).startswith("3.0")


def normalize(document: dict[str, Any], diagnostics: Diagnostics, *, from_30: bool) -> None:
    """Rewrite `document` in place into 3.1 shape."""
    if from_30:
        document["openapi"] = "3.1.0"
    found = iter_schemas(document)
    _recursion_keywords(found, diagnostics)
    for pointer, schema in found:
        _normalize_schema(schema, pointer, diagnostics, from_30=from_30)


def _recursion_keywords(found: list[tuple[str, dict[str, Any]]], diagnostics: Diagnostics) -> None:
    """Draft 2019-09's `$recursiveRef: "#"` / `$recursiveAnchor: true` (not in 3.1's dialect, 2020-12).

    Read as the recursion they mean: a `$ref` to the nearest enclosing schema declaring `$recursiveAnchor:
    true`, else to the outermost schema it stands in (its resource root); the anchor is dropped.
    """
    by_pointer = dict(found)
    for pointer, schema in found:
        if "$recursiveAnchor" in schema:
            diagnostics.error(
                "recursive-anchor",
                join_pointer(pointer, "$recursiveAnchor"),
                "`$recursiveAnchor` is draft 2019-09, not in OpenAPI 3.1's dialect: dropped",
                recoverable=True,
            )
        ref = schema.get("$recursiveRef")
        if ref is None:
            continue
        where = join_pointer(pointer, "$recursiveRef")
        if ref != "#" or "$ref" in schema:
            diagnostics.error("recursive-ref", where, f"`$recursiveRef: {ref!r}` cannot be read as a $ref")
            continue
        tokens = split_pointer(pointer)
        enclosing = [join_pointer("", *tokens[:cut]) for cut in range(len(tokens), -1, -1)]
        enclosing = [p for p in enclosing if p in by_pointer]
        target = next((p for p in enclosing if by_pointer[p].get("$recursiveAnchor") is True), enclosing[-1])
        diagnostics.error(
            "recursive-ref",
            where,
            f"`$recursiveRef` is draft 2019-09, not in OpenAPI 3.1's dialect: read as $ref to '#{target}'",
            recoverable=True,
        )
        del schema["$recursiveRef"]
        schema["$ref"] = "#" + target
    for _, schema in found:
        schema.pop("$recursiveAnchor", None)


NOT_SCHEMAS = ("example", "examples", "default", "const", "enum")  # values, never walked for schemas


def iter_schemas(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every schema object in the document with its pointer (components, parameters, bodies...)."""
    found: list[tuple[str, dict[str, Any]]] = []
    _collect(document, "", found, in_schema=False)
    return found


def _collect(
    node: Any, pointer: str, found: list[tuple[str, dict[str, Any]]], *, in_schema: bool, names: bool = False
) -> None:
    if isinstance(node, dict):
        if in_schema:
            found.append((pointer, node))
            for key in SCHEMA_CHILDREN:
                if key in node:
                    _collect(node[key], join_pointer(pointer, key), found, in_schema=True)
            for key in SCHEMA_CHILD_MAPS:
                children = node.get(key)
                if isinstance(children, dict):
                    for name, child in children.items():
                        _collect(child, join_pointer(pointer, key, name), found, in_schema=True)
            for key in SCHEMA_CHILD_LISTS:
                children = node.get(key)
                if isinstance(children, list):
                    for index, child in enumerate(children):
                        _collect(child, join_pointer(pointer, key, index), found, in_schema=True)
            return
        via = split_pointer(pointer)[-1] if pointer else ""
        for key, value in node.items():
            if key == "schema" and not names:
                _collect(value, join_pointer(pointer, key), found, in_schema=True)
            elif key == "schemas" and not names and isinstance(value, dict):
                for name, child in value.items():
                    _collect(child, join_pointer(pointer, key, name), found, in_schema=True)
            elif (key not in NOT_SCHEMAS or names) and not is_extension(key, in_name_map=names):
                # extensions are opaque: a `schema` inside `x-...` is the extension's business
                child_names = is_name_map(key, key_is_name=names, parent=via)
                _collect(value, join_pointer(pointer, key), found, in_schema=False, names=child_names)
    elif isinstance(node, list) and not in_schema:
        for index, item in enumerate(node):
            _collect(item, join_pointer(pointer, index), found, in_schema=False)


def _normalize_schema(
    schema: dict[str, Any], pointer: str, diagnostics: Diagnostics, *, from_30: bool
) -> None:
    def rewritten(keyword: str) -> None:
        if not from_30:
            diagnostics.error(
                "openapi-30-keyword",
                join_pointer(pointer, keyword),
                f"`{keyword}` is OpenAPI 3.0 syntax in a 3.1 document",
                recoverable=True,
            )

    if "nullable" in schema and isinstance(schema.get("nullable"), bool):
        rewritten("nullable")
        nullable = schema.pop("nullable")
        if nullable:
            _make_nullable(schema)
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(bound), bool):
            rewritten(bound)
            if schema.pop(bound) and limit in schema:
                schema[bound] = schema.pop(limit)
    if schema.get("enum") == []:
        _refuse_everything(schema, pointer, diagnostics)
    required = schema.get("required")
    if isinstance(required, list) and len({str(r) for r in required}) != len(required):
        repeated = sorted({str(r) for r in required if required.count(r) > 1})
        diagnostics.error(
            "duplicate-required",
            join_pointer(pointer, "required"),
            f"`required` lists {', '.join(repeated)} more than once",
            recoverable=True,
        )
        schema["required"] = list(dict.fromkeys(required))  # the schema means the same without repeats
    if from_30 and "example" in schema and "examples" not in schema:
        schema["examples"] = [schema.pop("example")]


def _refuse_everything(schema: dict[str, Any], pointer: str, diagnostics: Diagnostics) -> None:
    """`enum: []` admits no value. Python has no type for that pydantic can validate (`Never` is refused),
    and an empty enum became an empty class: it becomes a string no value can satisfy instead (a length
    of at least 1 and at most 0), which types as `str`, refuses whatever is sent, and says why."""
    diagnostics.warning(
        "empty-enum", join_pointer(pointer, "enum"), "`enum: []` admits no value: every value sent is refused"
    )
    kept = {
        k: v
        for k, v in schema.items()
        if k in ("title", "description", "deprecated", "readOnly", "writeOnly")
    }
    schema.clear()
    schema.update(kept, type="string", minLength=1, maxLength=0)


def _make_nullable(schema: dict[str, Any]) -> None:
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list):
        if "null" not in kind:
            kind.append("null")
    else:
        inner = {k: schema.pop(k) for k in list(schema) if k not in ("description", "title", "default")}
        schema["anyOf"] = [inner, {"type": "null"}]
        return
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"].append(None)
