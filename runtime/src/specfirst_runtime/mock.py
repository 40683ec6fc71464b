"""Mock answers: a response valid against the contract for an operation nobody has implemented yet.

The spec's own example is used when there is one and it is valid against its schema (an invalid one is
logged as a spec bug and replaced); otherwise a value is built from the schema: the smallest instance
that satisfies it (required properties, minimum lengths and bounds, the first enum value or oneOf
branch). Front-end teams use this before handlers exist, as they would a Prism mock.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from typing import Any

import pydantic_core
from starlette.responses import Response

from .formats import format_checker

logger = logging.getLogger("contract.mock")

FORMAT_SAMPLES = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/",
    "uri-reference": "/",
    "iri": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "",
    "binary": "",
}
PATTERN_CANDIDATES = (
    "a",
    "A",
    "0",
    "a0",
    "abc",
    "ABC",
    "aa-0",
    "a@b.c",
    "2024-01-01",
    "00:00",
    "AC" + "0" * 32,
)


class _Resolver:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, schema: Any, depth: int = 0) -> Any:
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and depth < 32:
            node: Any = self.document
            for token in schema["$ref"].lstrip("#/").split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                node = node.get(token, {}) if isinstance(node, dict) else {}
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**node, **siblings} if siblings and isinstance(node, dict) else node
            depth += 1
        return schema


def synthesize(schema: Any, document: dict[str, Any], depth: int = 0) -> Any:
    """The smallest value valid against `schema` that this walker can find."""
    resolver = _Resolver(document)
    return _value(resolver, schema, depth)


def _value(resolver: _Resolver, schema: Any, depth: int) -> Any:
    schema = resolver.resolve(schema)
    if not isinstance(schema, dict) or depth > 24:
        return None
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = _value(resolver, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        own = _value(resolver, rest, depth + 1) if rest.get("properties") else {}
        return {**merged, **(own if isinstance(own, dict) else {})}
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            candidates = [_value(resolver, branch, depth + 1) for branch in schema[key]]
            if key == "oneOf":  # exactly one branch may match: `{}` often fits several
                for candidate in candidates:
                    if _valid(schema, candidate, resolver.document) is None:
                        return candidate
            return candidates[0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string" if "pattern" in schema else "null"
    builder = _BUILDERS.get(kind)
    return builder(resolver, schema, depth) if builder is not None else None


def _object(resolver: _Resolver, schema: dict[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    required = [name for name in schema.get("required") or [] if isinstance(name, str)]
    names = list(dict.fromkeys(required))
    for name in properties:  # minProperties asks for more than the required ones
        if len(names) >= int(schema.get("minProperties", 0)):
            break
        if name not in names:
            names.append(name)
    result: dict[str, Any] = {}
    for name in names:
        prop = resolver.resolve(properties.get(name, {}))
        if isinstance(prop, dict) and prop.get("writeOnly") is True:
            continue  # mocks are responses, which never carry writeOnly properties
        result[name] = _value(resolver, prop, depth + 1)
    return result


def _array(resolver: _Resolver, schema: dict[str, Any], depth: int) -> list[Any]:
    count = int(schema.get("minItems", 0))
    item = _value(resolver, schema.get("items", {}), depth + 1)
    if schema.get("uniqueItems") and count > 1:
        return [item] + [_variant(item, n) for n in range(1, count)]
    return [item for _ in range(count)]


def _variant(value: Any, n: int) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value + n
    if isinstance(value, str):
        return f"{value}{n}"
    return value


def _string(resolver: _Resolver, schema: dict[str, Any], depth: int) -> str:
    low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
    pattern = schema.get("pattern")
    candidates = [FORMAT_SAMPLES[schema["format"]]] if schema.get("format") in FORMAT_SAMPLES else []
    candidates += [c for c in PATTERN_CANDIDATES] if pattern else ["string" if low <= 6 else "s" * low]
    for candidate in candidates:
        text = candidate + "a" * max(0, low - len(candidate)) if not pattern else candidate
        if high is not None and len(text) > int(high):
            text = text[: int(high)]
        if len(text) < low:
            continue
        if pattern is None or _matches(pattern, text):
            return text
    return candidates[0] if candidates else ""


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _number(resolver: _Resolver, schema: dict[str, Any], depth: int) -> int | float:
    integer = schema.get("type") == "integer" or (
        isinstance(schema.get("type"), list) and "integer" in schema["type"]
    )
    value: float = 0
    if "minimum" in schema:
        value = max(value, float(schema["minimum"])) if schema["minimum"] > 0 else float(schema["minimum"])
    if "exclusiveMinimum" in schema and isinstance(schema["exclusiveMinimum"], int | float):
        value = float(schema["exclusiveMinimum"]) + (1 if integer else 0.5)
    if "maximum" in schema and value > schema["maximum"]:
        value = float(schema["maximum"])
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and step > 0:
        value = -(-value // step) * step
    return int(value) if integer else value


_BUILDERS: dict[str, Callable[[_Resolver, dict[str, Any], int], Any]] = {
    "object": _object,
    "array": _array,
    "string": _string,
    "integer": _number,
    "number": _number,
    "boolean": lambda r, s, d: False,
    "null": lambda r, s, d: None,
}


def _valid(schema: Any, value: Any, document: dict[str, Any]) -> str | None:
    """None if `value` is valid against `schema` (refs into `document` followed), else why not."""
    from jsonschema import Draft202012Validator

    # The schema's refs (`#/components/schemas/X`) point into the OpenAPI document: validating against
    # the document's own top level with the schema's keywords laid over it makes them resolve, and
    # the document's other keys (openapi, info, paths...) are not JSON Schema keywords.
    document = _response_view(document)
    root = {**document, **schema} if isinstance(schema, dict) else schema
    validator = Draft202012Validator(root, format_checker=format_checker())
    error = next(iter(validator.iter_errors(value)), None)
    return None if error is None else error.message


_VIEWS: dict[int, dict[str, Any]] = {}


def _response_view(document: dict[str, Any]) -> dict[str, Any]:
    """The document as a response sees it: writeOnly properties are not required (they are absent)."""
    view = _VIEWS.get(id(document))
    if view is None:
        view = _VIEWS[id(document)] = _relax_write_only(copy.deepcopy(document))
    return view


def _relax_write_only(node: Any) -> Any:
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict) and isinstance(node.get("required"), list):
            hidden = {n for n, p in props.items() if isinstance(p, dict) and p.get("writeOnly") is True}
            node["required"] = [r for r in node["required"] if r not in hidden]
        for value in node.values():
            _relax_write_only(value)
    elif isinstance(node, list):
        for value in node:
            _relax_write_only(value)
    return node


def _without_write_only(resolver: _Resolver, schema: Any, value: Any, depth: int) -> Any:
    schema = resolver.resolve(schema)
    if not isinstance(schema, dict) or depth > 24:
        return value
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            value = _without_write_only(resolver, branch, value, depth + 1)
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        kept = {}
        for name, item in value.items():
            sub_schema = resolver.resolve(schema["properties"].get(name))
            if isinstance(sub_schema, dict) and sub_schema.get("writeOnly") is True:
                continue
            kept[name] = _without_write_only(resolver, sub_schema, item, depth + 1) if sub_schema else item
        return kept
    if isinstance(value, list) and "items" in schema:
        return [_without_write_only(resolver, schema["items"], item, depth + 1) for item in value]
    return value


def mock_response(document: dict[str, Any], method: str, path: str) -> Callable[[], Response]:
    """A factory of the mock response for one operation, worked out once at start-up."""
    operation = ((document.get("paths") or {}).get(path) or {}).get(method.lower()) or {}
    resolver = _Resolver(document)
    responses = operation.get("responses") or {}
    # the first success, else the first redirect (an operation may declare only a 307), else default
    status_key = next(
        (s for prefix in "23" for s in responses if str(s).startswith(prefix)),
        "default" if "default" in responses else None,
    )
    if status_key is None:
        return lambda: Response(status_code=204)
    status = int(status_key) if str(status_key).isdigit() else 200
    response = resolver.resolve(responses[status_key]) or {}
    headers = {}
    for name, header in (response.get("headers") or {}).items():
        header = resolver.resolve(header)
        if isinstance(header, dict) and header.get("required") and name.lower() != "content-type":
            headers[name] = str(_value(resolver, header.get("schema", {"type": "string"}), 0))
    content = response.get("content") or {}
    if not content or status in (204, 304):
        return lambda: Response(status_code=status, headers=headers)
    media_type, media = next(iter(content.items()))
    media = media or {}
    schema = media.get("schema", {})
    body = _example(media, schema, document, f"{method.upper()} {path}")
    if media_type.split(";")[0].strip().lower().endswith("json"):
        data = pydantic_core.to_json(body)
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = b""
    return lambda: Response(data, status_code=status, headers=headers, media_type=media_type)


def _example(media: dict[str, Any], schema: Any, document: dict[str, Any], where: str) -> Any:
    resolver = _Resolver(document)
    candidates = []
    if "example" in media:
        candidates.append(media["example"])
    for example in (media.get("examples") or {}).values():
        example = resolver.resolve(example)
        if isinstance(example, dict) and "value" in example:
            candidates.append(example["value"])
    resolved = resolver.resolve(schema)
    if isinstance(resolved, dict) and isinstance(resolved.get("examples"), list):
        candidates.extend(resolved["examples"])
    for candidate in candidates:
        # a response never carries writeOnly properties, even where the spec's example shows them
        candidate = _without_write_only(resolver, schema, candidate, 0)
        problem = _valid(schema, candidate, document)
        if problem is None:
            return candidate
        logger.warning(
            "spec bug: the example of %s does not match its schema (%s); synthesising", where, problem
        )
    value = synthesize(schema, document)
    problem = _valid(schema, value, document)
    if problem is not None:
        logger.warning("mock for %s may not match its schema: %s", where, problem)
    return value
