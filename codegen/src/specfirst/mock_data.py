"""Mock answers, worked out when the package is generated and written to its `mocks.json`.

For every operation: the status, the required headers and the body that `create_app(mock=True)` serves
(see `specfirst_runtime.mock`, which only replays them). A body is the contract's own example where one
is valid against its schema, else a value built from the schema. Every value is checked against its
schema here, with jsonschema, so the mock never serves a body that breaks its own contract: where no
value the builder finds is valid (a schema nothing satisfies, such as `enum: []`, or one beyond the
builder), the generator says so in a warning and the answer is marked `"unsatisfied"`.

The builder yields candidates, best first, and keeps the first one the schema accepts: the schema's own
examples, `const`, `default` and `enum` values, then values built from its keywords: each oneOf/anyOf
branch (null last, a discriminator's property set to the branch's mapping key), allOf merged into one
schema, required properties and `minProperties`, `minItems` and `uniqueItems`, bounds and `multipleOf`,
formats, and strings drawn from a pattern (rstr, seeded: the same spec gives the same bytes).
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import rstr
from jsonschema import Draft202012Validator

from .diagnostics import Diagnostics, join_pointer, split_pointer
from .formats import format_checker

MAX_DEPTH = 16
CANDIDATES_PER_SCHEMA = 8
PATTERN_SEEDS = 12
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
    "iri-reference": "/",
    "uri-template": "https://example.com/{id}",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "json-pointer": "/a",
    "relative-json-pointer": "0",
    "regex": ".*",
    "byte": "",
    "binary": "",
}
NO_SCHEMA = object()  # the candidates of a schema that has none (a recursion cut short, `false`)


@dataclass(frozen=True)
class Tag:
    """A discriminator's property and the value that selects the branch being built."""

    name: str
    value: str


class Builder:
    """Values valid against the schemas of one (normalised, 3.1) OpenAPI document, as responses see it:
    writeOnly properties are absent, so they are neither built nor required."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.source = document
        self.document = _without_write_only(copy.deepcopy(document))
        self._cache: dict[str, tuple[bool, Any]] = {}
        self._active: list[str] = []

    # --- references -------------------------------------------------------------------------------

    def resolve(self, schema: Any, *, source: bool = False) -> tuple[Any, str | None]:
        """`schema` with its `$ref` chain followed (siblings laid over), and the last reference's name;
        in the contract as written with `source`, else as responses see it."""
        name = None
        for _ in range(32):
            if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
                break
            ref = schema["$ref"]
            target = self.lookup(ref, self.source if source else self.document)
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            name = ref
            schema = {**target, **siblings} if siblings and isinstance(target, dict) else target
        return schema, name

    @staticmethod
    def lookup(ref: str, document: dict[str, Any]) -> Any:
        if not ref.startswith("#"):
            return {}
        node: Any = document
        for token in split_pointer(ref[1:]):
            if isinstance(node, dict):
                node = node.get(token, {})
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return {}
        return node

    # --- validity ---------------------------------------------------------------------------------

    def problem(self, schema: Any, value: Any) -> str | None:
        """None if `value` is valid against `schema`, else the first reason it is not."""
        if value is NO_SCHEMA:
            return "no value was found"
        # refs (`#/components/schemas/X`) point into the document: its top level, with the schema's
        # own keywords laid over it, resolves them (the document's other keys are no JSON Schema)
        root = {**self.document, **schema} if isinstance(schema, dict) else schema
        validator = Draft202012Validator(root, format_checker=format_checker())
        error = next(iter(validator.iter_errors(value)), None)
        if error is None:
            return None
        where = "/" + "/".join(str(t) for t in error.absolute_path)
        message = error.message if len(error.message) <= 120 else f"{error.validator} is not satisfied"
        return f"{message} at {where}"

    # --- building ---------------------------------------------------------------------------------

    def sample(self, schema: Any) -> Any:
        """A value for `schema`: valid where the builder finds one, else its best attempt (or None)."""
        _, value = self.value(schema)
        return None if value is NO_SCHEMA else value

    def value(self, schema: Any, depth: int = 0, tag: Tag | None = None) -> tuple[bool, Any]:
        """(True, a valid value) or (False, the best attempt)."""
        target, ref = self.resolve(schema)
        key = ref if ref is not None and tag is None and target is not schema else None
        if key is not None:
            if key in self._cache:
                return self._cache[key]
            if self._active.count(key) >= 2 or depth > MAX_DEPTH:
                return False, NO_SCHEMA  # a recursion: the parent has to do without this value
            self._active.append(key)
        try:
            found = self._first_valid(schema, target, ref, depth, tag)
        finally:
            if key is not None:
                self._active.pop()
        if key is not None and (found[0] or not self._active):  # a cut recursion may fail elsewhere
            self._cache[key] = found
        return found

    def _first_valid(
        self, schema: Any, target: Any, ref: str | None, depth: int, tag: Tag | None
    ) -> tuple[bool, Any]:
        first: Any = NO_SCHEMA
        for candidate in itertools.islice(self.candidates(target, ref, depth, tag), CANDIDATES_PER_SCHEMA):
            if first is NO_SCHEMA:
                first = candidate
            if self.problem(schema, candidate) is None:
                return True, candidate
        return False, first

    def candidates(self, schema: Any, ref: str | None, depth: int, tag: Tag | None) -> Iterator[Any]:
        if schema is True or schema == {}:
            yield "string"
            return
        if not isinstance(schema, dict):
            return
        if tag is not None:
            yield from self._objects(schema, ref, depth, tag)
            return
        yield from _given_values(schema)
        if "const" in schema or isinstance(schema.get("enum"), list):
            return  # nothing outside them can be valid
        if isinstance(schema.get("allOf"), list):
            yield from self.candidates(self.merged(schema), ref, depth, tag)
            return
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                yield from self._branches(schema, keyword, depth)
                return
        for kind in _types(schema):
            if kind == "object":
                yield from self._objects(schema, ref, depth, None)
            elif kind == "array":
                yield from self._arrays(schema, depth)
            elif kind == "string":
                yield from _strings(schema)
            elif kind in ("integer", "number"):
                yield from _numbers(schema, integer=kind == "integer")
            elif kind == "boolean":
                yield from (False, True)
            elif kind == "null":
                yield None

    def merged(self, schema: dict[str, Any]) -> dict[str, Any]:
        """An allOf laid into one schema (validation against the original still decides)."""
        result = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part, _ = self.resolve(part)
            if isinstance(part, dict):
                if isinstance(part.get("allOf"), list):
                    part = self.merged(part)
                result = _merge(result, part)
        return result

    def _branches(self, schema: dict[str, Any], keyword: str, depth: int) -> Iterator[Any]:
        rest = {k: v for k, v in schema.items() if k not in (keyword, "discriminator")}
        discriminator = schema.get("discriminator")
        branches = sorted(schema[keyword], key=lambda b: self.resolve(b)[0] == {"type": "null"})
        for branch in branches:
            tag = _tag(discriminator, branch) if isinstance(discriminator, dict) else None
            resolved, _ = self.resolve(branch)
            combined = _merge(rest, resolved) if isinstance(resolved, dict) else resolved
            if isinstance(combined, dict) and isinstance(combined.get("allOf"), list):
                combined = self.merged(combined)
            _, value = self.value(combined, depth + 1, tag)
            if value is not NO_SCHEMA:
                yield value

    def _objects(self, schema: dict[str, Any], ref: str | None, depth: int, tag: Tag | None) -> Iterator[Any]:
        if isinstance(schema.get("allOf"), list):
            schema = self.merged(schema)
        properties = _dict(schema.get("properties"))
        required = [n for n in schema.get("required") or [] if isinstance(n, str)]
        names = list(dict.fromkeys(required))
        for name in properties:  # minProperties may ask for more than the required ones
            if len(names) >= int(schema.get("minProperties", 0)):
                break
            names.append(name) if name not in names else None
        tag = tag or _inherited_tag(schema, ref)
        if tag is not None and tag.name in properties and self.problem(properties[tag.name], tag.value):
            tag = None  # an implicit mapping (the schema's name) its own property refuses: use its value
        result: dict[str, Any] = {}
        for name in names:
            if tag is not None and name == tag.name:
                result[name] = tag.value
                continue
            sub = properties.get(name)
            if sub is None:
                extra = schema.get("additionalProperties")
                sub = extra if isinstance(extra, dict) else {}
            _, result[name] = self.value(sub, depth + 1)
            if result[name] is NO_SCHEMA:
                return  # a required value that cannot be built: no candidate of this shape
        if tag is not None and tag.name not in result:
            result[tag.name] = tag.value
        yield result

    def _arrays(self, schema: dict[str, Any], depth: int) -> Iterator[Any]:
        prefix = _list(schema.get("prefixItems"))
        count = max(int(schema.get("minItems", 0)), len(prefix))
        if count == 0 and "contains" not in schema:
            yield []
            return
        items: list[Any] = []
        for sub in prefix[:count]:
            items.append(self.value(sub, depth + 1)[1])
        if "contains" in schema:
            items.append(self.value(schema["contains"], depth + 1)[1])
        item_schema = schema.get("items", {})
        if len(items) < count:
            resolved, ref = self.resolve(item_schema)
            pool = [self.value(item_schema, depth + 1)[1]]
            if schema.get("uniqueItems"):
                more = itertools.islice(self.candidates(resolved, ref, depth + 1, None), 2 * count)
                pool += [c for c in more if self.problem(item_schema, c) is None]
                pool = list({json.dumps(v, sort_keys=True): v for v in pool}.values())
            while len(items) < count:
                n = len(items)
                items.append(pool[n] if n < len(pool) else _variant(pool[0], n))
        if any(item is NO_SCHEMA for item in items):
            return
        yield items


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _given_values(schema: dict[str, Any]) -> Iterator[Any]:
    """What the schema itself offers: its examples, const, default and enum values."""
    if isinstance(schema.get("examples"), list):
        yield from schema["examples"]
    if "example" in schema:
        yield schema["example"]
    if "const" in schema:
        yield schema["const"]
    if "default" in schema:
        yield schema["default"]
    if isinstance(schema.get("enum"), list):
        yield from schema["enum"]


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return sorted((k for k in kind if isinstance(k, str)), key=lambda k: k == "null")
    if isinstance(kind, str):
        return [kind]
    if any(k in schema for k in ("properties", "required", "additionalProperties", "minProperties")):
        return ["object"]
    if any(k in schema for k in ("items", "prefixItems", "minItems", "contains")):
        return ["array"]
    if any(k in schema for k in ("pattern", "minLength", "maxLength", "format")):
        return ["string"]
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "multipleOf")):
        return ["number"]
    return ["string", "object", "null"]


def _strings(schema: dict[str, Any]) -> Iterator[str]:
    low = int(schema.get("minLength", 0))
    high = int(schema["maxLength"]) if isinstance(schema.get("maxLength"), int) else None
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMAT_SAMPLES:
        yield FORMAT_SAMPLES[fmt]
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        yield from _pattern_samples(pattern, low, high)
    text = "string" if low <= 6 else "s" * low
    yield text if high is None else text[:high]


def _pattern_samples(pattern: str, low: int, high: int | None) -> Iterator[str]:
    try:
        re.compile(pattern)
    except re.error:
        return  # an ECMA-only pattern Python cannot read: the plain candidates may still match
    for seed in range(PATTERN_SEEDS):
        try:
            sample = rstr.Rstr(random.Random(seed)).xeger(pattern)
        except Exception:  # rstr refuses some constructs (look-behind, ...)
            return
        if len(sample) >= low and (high is None or len(sample) <= high):
            yield sample


def _numbers(schema: dict[str, Any], *, integer: bool) -> Iterator[int | float]:
    low = schema.get("minimum")
    high = schema.get("maximum")
    step = schema.get("multipleOf") if isinstance(schema.get("multipleOf"), int | float) else None
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    gap = 1 if integer else (step or 0.5)
    if isinstance(ex_low, int | float) and not isinstance(ex_low, bool):
        low = max(low, ex_low + gap) if isinstance(low, int | float) else ex_low + gap
    if isinstance(ex_high, int | float) and not isinstance(ex_high, bool):
        high = min(high, ex_high - gap) if isinstance(high, int | float) else ex_high - gap
    value: float = 0
    if isinstance(low, int | float) and value < low:
        value = low
    if isinstance(high, int | float) and value > high:
        value = high
    if step and step > 0:
        value = -(-value // step) * step
    if integer:
        yield int(-(-value // 1))
    else:
        yield int(value) if float(value).is_integer() else value


def _variant(value: Any, n: int) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value + n
    if isinstance(value, str):
        return f"{value}{n}"
    return value


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two schemas' keywords as one: properties joined (a property in both must satisfy both), required
    joined, types intersected, bounds tightened; other keywords: the first one's stand."""
    result = dict(a)
    for key, value in b.items():
        if key not in result:
            result[key] = value
        elif key == "properties" and isinstance(value, dict) and isinstance(result[key], dict):
            props = dict(result[key])
            for name, sub in value.items():
                props[name] = {"allOf": [props[name], sub]} if name in props else sub
            result[key] = props
        elif key == "required" and isinstance(value, list) and isinstance(result[key], list):
            result[key] = list(dict.fromkeys([*result[key], *value]))
        elif key == "type":
            left = set(result[key] if isinstance(result[key], list) else [result[key]])
            right = set(value if isinstance(value, list) else [value])
            both = left & right or ({"integer"} if {"integer", "number"} <= left | right else set())
            result[key] = sorted(both) if len(both) != 1 else next(iter(both))
        elif key in ("minimum", "minLength", "minItems", "minProperties", "exclusiveMinimum"):
            result[key] = max(result[key], value)
        elif key in ("maximum", "maxLength", "maxItems", "maxProperties", "exclusiveMaximum"):
            result[key] = min(result[key], value)
        elif key == "allOf" and isinstance(value, list):
            result[key] = [*result[key], *value]
    return result


def _tag(discriminator: dict[str, Any], branch: Any) -> Tag | None:
    name = discriminator.get("propertyName")
    if not isinstance(name, str):
        return None
    ref = branch.get("$ref") if isinstance(branch, dict) else None
    if not isinstance(ref, str):
        return None
    mapping = _dict(discriminator.get("mapping"))
    for key, target in mapping.items():
        if target == ref or (not target.startswith("#") and ref.rsplit("/", 1)[-1] == target):
            return Tag(name, key)
    return Tag(name, ref.rsplit("/", 1)[-1])


def _inherited_tag(schema: dict[str, Any], ref: str | None) -> Tag | None:
    """A schema built through allOf from a parent with a discriminator carries its own name there."""
    discriminator = schema.get("discriminator")
    if ref is None or not isinstance(discriminator, dict):
        return None
    return _tag(discriminator, {"$ref": ref})


def _without_write_only(node: Any) -> Any:
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            hidden = {n for n, p in props.items() if isinstance(p, dict) and p.get("writeOnly") is True}
            if hidden:
                node["properties"] = {n: p for n, p in props.items() if n not in hidden}
                if isinstance(node.get("required"), list):
                    node["required"] = [r for r in node["required"] if r not in hidden]
        for value in node.values():
            _without_write_only(value)
    elif isinstance(node, list):
        for value in node:
            _without_write_only(value)
    return node


# --- answers --------------------------------------------------------------------------------------


def example(
    builder: Builder, media: dict[str, Any], schema: Any, refused: list[tuple[str, str]] | None = None
) -> tuple[Any, str | None]:
    """The body for one media type: the first valid example the contract gives, else a built value.
    Returns (value, problem): `problem` says why no valid value was found (None when one was).
    `refused` collects the examples that break their schema: (the key they stand under, why)."""
    candidates = []
    if "example" in media:
        candidates.append(("example", media["example"]))
    for name, named in _dict(media.get("examples")).items():
        named, _ = builder.resolve(named)
        if isinstance(named, dict) and "value" in named:
            candidates.append((f"examples/{name}", named["value"]))
    for where, candidate in candidates:
        # a response never carries writeOnly properties, even where the spec's example shows them
        candidate = strip_write_only(builder, schema, candidate)
        problem = builder.problem(schema, candidate)
        if problem is None:
            return candidate, None
        if refused is not None:
            refused.append((where, problem))
    ok, value = builder.value(schema)
    if value is NO_SCHEMA:
        value = None
    return value, None if ok else (builder.problem(schema, value) or "no value was found")


def strip_write_only(builder: Builder, schema: Any, value: Any, depth: int = 0) -> Any:
    """`value` less the properties its schema marks writeOnly (read in the contract as written)."""
    schema, _ = builder.resolve(schema, source=True)
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return value
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            value = strip_write_only(builder, branch, value, depth + 1)
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        kept = {}
        for name, item in value.items():
            sub, _ = builder.resolve(schema["properties"].get(name), source=True)
            if isinstance(sub, dict) and sub.get("writeOnly") is True:
                continue
            kept[name] = strip_write_only(builder, sub, item, depth + 1) if sub is not None else item
        return kept
    if isinstance(value, list) and "items" in schema:
        return [strip_write_only(builder, schema["items"], item, depth + 1) for item in value]
    return value


def mock_answers(document: dict[str, Any], diagnostics: Diagnostics | None = None) -> dict[str, Any]:
    """Every operation's mock answer, by "METHOD /path", in the contract's order."""
    builder = Builder(document)
    answers: dict[str, Any] = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if method not in _METHODS or not isinstance(operation, dict):
                continue
            pointer = join_pointer("", "paths", path, method)
            warnings: list[tuple[str, str]] = []
            answer, problem = _answer(builder, operation, pointer, f"{method.upper()} {path}", warnings)
            if diagnostics is not None:
                for at, message in warnings:
                    diagnostics.warning("invalid-example", at, message)
                if problem is not None:
                    diagnostics.warning("mock-unsatisfied", answer["unsatisfied"], problem)
            answers[f"{method.upper()} {path}"] = answer
    return answers


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _answer(
    builder: Builder, operation: dict[str, Any], pointer: str, name: str, warnings: list[tuple[str, str]]
) -> tuple[dict[str, Any], str | None]:
    responses = _dict(operation.get("responses"))
    # the first success, else the first redirect (an operation may declare only a 307), else default
    key = next(
        (str(s) for prefix in "23" for s in responses if str(s).startswith(prefix)),
        "default" if "default" in responses else None,
    )
    if key is None:
        return {"status": 204}, None
    status = int(key) if key.isdigit() else 200 if key == "default" else int(key[0]) * 100
    response, _ = builder.resolve(responses[key])
    response = response if isinstance(response, dict) else {}
    answer: dict[str, Any] = {"status": status}
    headers: dict[str, str] = {}
    for header_name, header in _dict(response.get("headers")).items():
        header, _ = builder.resolve(header)
        if isinstance(header, dict) and header.get("required") and header_name.lower() != "content-type":
            headers[header_name] = _header_text(builder.sample(header.get("schema", {"type": "string"})))
    if headers:
        answer["headers"] = headers
    content = _dict(response.get("content"))
    if not content or status in (204, 304):
        return answer, None
    media_type, media = next(iter(content.items()))
    media = media if isinstance(media, dict) else {}
    answer["media_type"] = media_type
    refused: list[tuple[str, str]] = []
    value, problem = example(builder, media, media.get("schema", {}), refused)
    if media_type.split(";")[0].strip().lower().endswith("json"):
        answer["body"] = value
        for where, why in refused[:1]:  # one per operation: a spec's examples tend to share a fault
            at = join_pointer(pointer, "responses", key, "content", media_type, *where.split("/", 1))
            warnings.append((at, f"example breaks its schema ({why}); the mock of {name} serves another"))
    else:
        answer["text"] = value if isinstance(value, str) else ""
        problem = None  # text and binary bodies are not checked against a JSON schema
    if problem is not None:
        answer["unsatisfied"] = join_pointer(pointer, "responses", key, "content", media_type, "schema")
        return answer, f"mock of {name}: no body found valid for the response schema ({problem})"
    return answer, None


def _header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_header_text(v) for v in value)
    return "" if value is None else str(value)


def mocks_json(answers: dict[str, Any]) -> str:
    return json.dumps(answers, indent=1, ensure_ascii=False) + "\n"
