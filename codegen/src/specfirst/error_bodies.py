"""Bodies for the errors the runtime answers itself (invalid input, 404, 405...), in the contract's own shape.

The runtime writes an RFC 9457 problem trimmed to the declared schema's members, or FastAPI's `{"detail":
[...]}`. A contract may declare any other shape (`{"code": 400, "message": ..., "errors": {...}}`): then the
generator derives here, once, a body valid against that schema, and which of its members take the message,
the status and the list of errors, so the runtime only fills them in.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from .validate import deref

MESSAGE_KEYS = ("message", "detail", "title", "error", "error_description", "description", "msg")
ERRORS_KEYS = ("errors", "details", "detail")
STATUS_KEYS = ("code", "status", "status_code", "statusCode")
# what the runtime puts in a list of errors (see specfirst_runtime.operation.RequestInvalid)
SAMPLE_ERROR = {"location": ["query", "name"], "message": "Field required", "type": "missing"}


@dataclass(frozen=True)
class ErrorBody:
    """A valid body, and the members the runtime overwrites (each None when the schema has no place)."""

    template: dict[str, Any]
    message: str | None
    errors: str | None
    status: str | None


def is_valid(document: dict[str, Any], schema: Any, value: Any) -> bool:
    root = {**schema, "components": document.get("components") or {}} if isinstance(schema, dict) else schema
    try:
        return bool(Draft202012Validator(root).is_valid(value))
    except Exception:  # a schema jsonschema cannot read: never claim a body fits it
        return False


def problem_fits(document: dict[str, Any], schema: Any, status: int, fields: tuple[str, ...] | None) -> bool:
    """Does the body the runtime writes today (a problem trimmed to `fields`) fit `schema`?"""
    full: dict[str, Any] = {"type": "about:blank", "title": "Bad Request", "status": status, "detail": "Bad."}
    full["errors"] = [SAMPLE_ERROR]
    if fields is None:
        body = full
    else:
        body = {k: v for k, v in full.items() if k in fields}
        if "detail[]" in fields:
            body["detail"] = [{"loc": ["query", "name"], "msg": "Field required", "type": "missing"}]
        for alias in ("message", "error"):
            if alias in fields:
                body[alias] = "Bad."
    return is_valid(document, schema, body)


def error_body(document: dict[str, Any], schema: Any, status: int) -> ErrorBody | None:
    """A body for `schema` with the message, status and errors in their places; None if none is found."""
    schema = deref(document, schema)
    if not isinstance(schema, dict):
        return None
    props = _properties(document, schema)
    template = _value(document, schema, 0)
    if not isinstance(template, dict):
        return None
    message = next((k for k in MESSAGE_KEYS if _accepts(document, props.get(k), "Bad.")), None)
    status_key = next((k for k in STATUS_KEYS if _accepts(document, props.get(k), status)), None)
    errors = next(
        (k for k in ERRORS_KEYS if k != message and _accepts(document, props.get(k), [SAMPLE_ERROR])), None
    )
    for key, value in ((message, "Bad."), (status_key, status), (errors, [SAMPLE_ERROR])):
        if key is not None:
            template[key] = value
    if not is_valid(document, schema, template):
        return None
    for key in (message, errors):
        if key is not None:
            del template[key]  # filled per answer
    if status_key is not None:
        del template[status_key]
    return ErrorBody(template, message, errors, status_key)


def _accepts(document: dict[str, Any], schema: Any, value: Any) -> bool:
    return schema is not None and is_valid(document, deref(document, schema), value)


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for part in [schema, *[deref(document, s) for s in schema.get("allOf", [])]]:
        if isinstance(part, dict) and isinstance(part.get("properties"), dict):
            props.update(part["properties"])
    return props


def _value(document: dict[str, Any], schema: Any, depth: int) -> Any:
    """A value valid against `schema` where that is easy: its const, enum, default, example, or by type."""
    schema = deref(document, schema)
    if not isinstance(schema, dict) or depth > 12:
        return None
    for key in ("const", "default"):
        if key in schema:
            return copy.deepcopy(schema[key])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return copy.deepcopy(schema["enum"][0])
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return copy.deepcopy(schema["examples"][0])
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return _value(document, schema[key][0], depth + 1)
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "object" in kinds or "properties" in schema or "allOf" in schema:
        props = _properties(document, schema)
        required: list[str] = list(schema.get("required") or [])
        for part in schema.get("allOf", []):
            part = deref(document, part)
            if isinstance(part, dict):
                required += list(part.get("required") or [])
        return {name: _value(document, props.get(name, {}), depth + 1) for name in dict.fromkeys(required)}
    if "array" in kinds:
        count = int(schema.get("minItems") or 0)
        return [_value(document, schema.get("items", {}), depth + 1) for _ in range(count)]
    if "string" in kinds:
        return "x" * int(schema.get("minLength") or 0)
    if "integer" in kinds or "number" in kinds:
        low = schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1)
        return low if isinstance(low, int | float) else 0
    if "boolean" in kinds:
        return False
    return None
