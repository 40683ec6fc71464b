"""Schemas as the generated layer sees them: request/response variants, hoisted inline models, annotations.

A component schema that has `readOnly` or `writeOnly` properties (or reaches one that has, through refs) is
split in two: `<Name>In` (request side: no readOnly properties) and `<Name>Out` (response side: no writeOnly
properties, extra keys ignored so a handler can pass a row that still carries a password). Other schemas keep
their name. Only the variants something uses are emitted. Inline object schemas of bodies and responses are
hoisted into named models; everything else becomes an annotation (`TypeExpr`) directly.
"""

from __future__ import annotations

import copy
from enum import StrEnum
from typing import Any

from specfirst_runtime.formats import FORMAT_PATTERNS

from .extensions import SCHEMA_NAME_MAPS, is_extension
from .ir import TypeExpr
from .literals import py_literal
from .names import NameAllocator, pascal_case
from .patterns import field_argument

COMPONENT_PREFIX = "#/components/schemas/"
OBJECT_KEYS = ("properties", "allOf", "oneOf", "anyOf", "additionalProperties", "patternProperties")
# Formats the models validate (pydantic and the standard library know them). Any other format stays a
# plain string: datamodel-code-generator would otherwise import a third-party type for it (`ulid`).
# `uri` is left out on purpose: pydantic's AnyUrl rewrites values (a trailing slash, punycode), so a
# response would not echo what the client sent, and length limits would apply to the rewritten text.
KNOWN_FORMATS = frozenset(
    {
        "date-time",
        "date",
        "time",
        "duration",
        "uuid",
        "email",
        "ipv4",
        "ipv6",
        "binary",
        "byte",
        "int32",
        "int64",
        "float",
        "double",
        "password",
    }
)
# Keys datamodel-code-generator reads as instructions (custom types, imports, base classes, factories).
# A spec is untrusted: none of them may reach it, so `x-*` keys and these are dropped from model schemas.
GENERATOR_KEYS = frozenset(
    {"customTypePath", "customBasePath", "default_factory", "javaType", "$id", "$schema"}
)
CONSTRAINTS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "multipleOf": "multiple_of",
    "minItems": "min_length",
    "maxItems": "max_length",
}


class Side(StrEnum):
    REQUEST = "In"
    RESPONSE = "Out"


# keywords that say something about a value without constraining it
ANNOTATIONS = frozenset({"description", "title", "examples", "example", "deprecated", "$comment", "summary"})


def _component(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
        return ref[len(COMPONENT_PREFIX) :].replace("~1", "/").replace("~0", "~")
    return None


def _walk_refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        name = _component(node.get("$ref"))
        if name is not None:
            found.add(name)
        disc = node.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("mapping"), dict):
            found.update(n for n in map(_component, disc["mapping"].values()) if n)
        for key, value in node.items():
            if key not in ("examples", "example", "default", "const", "enum"):
                _walk_refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk_refs(item, found)


def discriminator_tags(schemas: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """component -> {discriminating property: the values that select it}, from every discriminator.

    pydantic's discriminated unions need each branch to declare the property as a Literal; contracts often
    declare a plain `type: string` and let the mapping (or the schema's name) say the value.
    """
    tags: dict[str, dict[str, list[str]]] = {}
    for schema in schemas:
        disc = schema.get("discriminator")
        branches = schema.get("oneOf") or schema.get("anyOf")
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
            continue
        tag: str = disc["propertyName"]
        mapping = disc["mapping"] if isinstance(disc.get("mapping"), dict) else {}
        values: dict[str, list[str]] = {}
        for value, ref in mapping.items():
            if (component := _component(ref)) is not None:
                values.setdefault(component, []).append(str(value))
        for branch in branches if isinstance(branches, list) else []:
            component = _component(branch.get("$ref")) if isinstance(branch, dict) else None
            if component is not None and component not in values:
                values[component] = [component]  # implicit: the schema's name
        for component, found in values.items():
            known = tags.setdefault(component, {}).setdefault(tag, [])
            known.extend(v for v in found if v not in known)
    return tags


def _with_tags(schema: Any, tags: dict[str, list[str]]) -> Any:
    """`schema` with each discriminating property that is a plain string narrowed to its values."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return schema
    narrowed = dict(props)
    for tag, values in tags.items():
        prop = props.get(tag)
        if (
            isinstance(prop, dict)
            and prop.get("type") == "string"
            and not {"enum", "const", "$ref"} & set(prop)
        ):
            narrowed[tag] = {**prop, "const": values[0]} if len(values) == 1 else {**prop, "enum": values}
    return {**schema, "properties": narrowed} if narrowed != props else schema


def _has_flag(node: Any, flag: str) -> bool:
    """True if a property directly inside this schema (not behind a ref) carries `flag: true`."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict) and any(
            isinstance(p, dict) and p.get(flag) is True for p in props.values()
        ):
            return True
        return any(
            _has_flag(v, flag)
            for k, v in node.items()
            if k not in ("examples", "example", "default", "const", "enum", "properties")
        ) or (isinstance(props, dict) and any(_has_flag(p, flag) for p in props.values()))
    if isinstance(node, list):
        return any(_has_flag(item, flag) for item in node)
    return False


def is_object_like(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if kind == "object" or (isinstance(kind, list) and "object" in kind):
        return True
    return any(key in schema for key in OBJECT_KEYS)


def _is_plain_value(schema: dict[str, Any]) -> bool:
    """A scalar or array schema that is no enum: nothing a class would add to."""
    return not is_object_like(schema) and "enum" not in schema and "$ref" not in schema


def _is_union(schema: dict[str, Any]) -> bool:
    """A bare oneOf/anyOf (no properties of its own beside it)."""
    branches = schema.get("oneOf") or schema.get("anyOf")
    return (
        isinstance(branches, list) and bool(branches) and "properties" not in schema and "allOf" not in schema
    )


class ModelSet:
    """The models to emit, keyed by class name, and the annotations that refer to them."""

    def __init__(
        self, components: dict[str, Any], tags: dict[str, dict[str, list[str]]] | None = None
    ) -> None:
        self.components = {
            name: _with_tags(schema, (tags or {}).get(name, {})) for name, schema in components.items()
        }
        self.tags = tags or {}
        self.names = NameAllocator()
        self.schemas: dict[str, Any] = {}  # class name -> prepared JSON schema
        self._plain: dict[str, str] = {}  # component -> class name (unsplit)
        self._variant: dict[tuple[str, Side], str] = {}  # (component, side) -> class name
        self._hoisted: dict[tuple[int, Side | None], str] = {}
        refs: dict[str, set[str]] = {name: set() for name in components}
        for name, schema in components.items():
            _walk_refs(schema, refs[name])
        self.split = self._needs_split(refs)
        self.renamed: dict[str, str] = {}  # component -> class name, where conversion collided
        for name in components:  # unsplit components keep their names and are always emitted
            if name not in self.split:
                self._plain[name] = self.names.claim(pascal_case(name))
                if self._plain[name] != pascal_case(name):
                    self.renamed[name] = self._plain[name]
        for name in components:
            if name in self.split:
                for side in Side:
                    self._variant[(name, side)] = self.names.claim(pascal_case(name) + side.value)
        for name, schema in components.items():
            # plain values (a constrained string, an array) are written in place wherever they are used
            if name not in self.split and not (isinstance(schema, dict) and _is_plain_value(schema)):
                self._emit(name, None)

    def _needs_split(self, refs: dict[str, set[str]]) -> set[str]:
        split = {
            name
            for name, schema in self.components.items()
            if _has_flag(schema, "readOnly") or _has_flag(schema, "writeOnly")
        }
        changed = True
        while changed:
            changed = False
            for name, targets in refs.items():
                if name not in split and targets & split:
                    split.add(name)
                    changed = True
        return split

    def class_for(self, component: str, side: Side | None) -> str:
        """The class name for a ref to `component` seen from `side`; queues it for emission."""
        if component not in self.split:
            return self._plain[component]
        chosen = side or Side.RESPONSE
        name = self._variant[(component, chosen)]
        if name not in self.schemas:
            self._emit(component, chosen)
        return name

    def _emit(self, component: str, side: Side | None) -> None:
        name = self._plain[component] if side is None else self._variant[(component, side)]
        self.schemas[name] = {}  # reserve first: schemas recurse
        self.schemas[name] = self.prepare(self.components[component], side)

    def hoist(self, schema: dict[str, Any], preferred: str, side: Side | None) -> str:
        key = (id(schema), side)
        if key in self._hoisted:  # the same inline schema rendered twice keeps one model
            return self._hoisted[key]
        name = self._hoisted[key] = self.names.claim(pascal_case(preferred))
        self.schemas[name] = {}
        self.schemas[name] = self.prepare(schema, side)
        return name

    def prepare(self, schema: Any, side: Side | None, depth: int = 0) -> Any:
        """A copy of `schema` for one side: flagged properties dropped, refs pointing at class names."""
        if isinstance(schema, list):
            return [self.prepare(item, side, depth) for item in schema]
        if not isinstance(schema, dict):
            return schema
        out: dict[str, Any] = {}
        drop = {"readOnly"} if side is Side.REQUEST else {"writeOnly"} if side is Side.RESPONSE else set()
        for key, value in schema.items():
            if key == "$ref":
                component = _component(value)
                target = self.components.get(component) if component else None
                if isinstance(target, dict) and _is_plain_value(target) and depth < 8:
                    # `Tag: {type: string, pattern: ...}`: the constraints go in place, so a field
                    # reads `list[Annotated[str, ...]]`, not a RootModel callers must wrap values in
                    inlined = self.prepare(target, side, depth + 1)
                    siblings = {k: self.prepare(v, side, depth + 1) for k, v in schema.items() if k != "$ref"}
                    return {**inlined, **siblings}
                out[key] = COMPONENT_PREFIX + self.class_for(component, side) if component else value
            elif key == "properties" and isinstance(value, dict):
                kept = {
                    prop: self.prepare(sub, side, depth)
                    for prop, sub in value.items()
                    if not (isinstance(sub, dict) and any(sub.get(flag) is True for flag in drop))
                }
                out[key] = kept
                if isinstance(schema.get("required"), list):
                    out["required"] = list(dict.fromkeys(r for r in schema["required"] if r in kept))
            elif key == "required" and isinstance(schema.get("properties"), dict):
                continue  # rebuilt with the properties above
            elif key == "discriminator" and isinstance(value, dict):
                disc = dict(value)
                if isinstance(value.get("mapping"), dict):
                    disc["mapping"] = {
                        k: COMPONENT_PREFIX + self.class_for(c, side) if (c := _component(v)) else v
                        for k, v in value["mapping"].items()
                    }
                out[key] = disc
            elif key == "additionalProperties" and value is False and side is Side.RESPONSE:
                continue  # response models ignore extras: a row with a password must not fail
            elif key in ("examples", "example", "default", "const", "enum"):
                out[key] = copy.deepcopy(value)
            elif is_extension(key, in_name_map=False) or key in GENERATOR_KEYS:
                continue  # never code: datamodel-code-generator turns some of these into imports
            elif key in SCHEMA_NAME_MAPS and isinstance(value, dict):
                # `$defs`, `patternProperties`...: the keys are names (an `x-` one too), the values schemas
                out[key] = {name: self.prepare(sub, side, depth) for name, sub in value.items()}
            elif key == "format" and value in FORMAT_PATTERNS:
                if "pattern" not in schema:
                    out["pattern"] = FORMAT_PATTERNS[value]
            elif key == "format" and value not in KNOWN_FORMATS:
                continue
            else:
                out[key] = self.prepare(value, side, depth)
        return out


class TypeRenderer:
    """Renders a schema as a Python annotation, hoisting inline objects into `models`."""

    def __init__(self, models: ModelSet, *, constraints: bool = True) -> None:
        self.models = models
        self.constraints = constraints  # False: the bare type, for signatures a person reads

    def render(self, schema: Any, side: Side | None, hoist_as: str, *, depth: int = 0) -> TypeExpr:
        if not isinstance(schema, dict) or depth > 32:
            return TypeExpr("Any", frozenset({"from typing import Any"}))
        ref = _component(schema.get("$ref"))
        if ref is not None and ref in self.models.components:
            target = self.models.components[ref]
            if (is_object_like(target) and not _is_union(target)) or depth > 8:
                cls = self.models.class_for(ref, side)
                return TypeExpr(cls, models=frozenset({cls}))
            # 3.1: keywords beside `$ref` apply too (`{$ref: Name, maxLength: 3}`)
            siblings = {k: v for k, v in schema.items() if k != "$ref" and k not in ANNOTATIONS}
            return self.render({**target, **siblings}, side, hoist_as, depth=depth + 1)
        if _is_union(schema):
            # Rendered in place rather than as the RootModel the models module would make (and then
            # collapse away): handlers take and return the variants themselves.
            branches: list[Any] = schema.get("oneOf") or schema.get("anyOf") or []
            parts = [
                self.render(branch, side, f"{hoist_as}{index + 1}", depth=depth + 1)
                for index, branch in enumerate(branches)
            ]
            union = _union(parts)
            disc = schema.get("discriminator")
            tag = disc.get("propertyName") if isinstance(disc, dict) else None
            # a branch selected by several values gets an enum, not a Literal: pydantic cannot discriminate on
            # that, but the union stays exclusive, as every branch's values are narrowed
            several = any(
                len(self.models.tags.get(_component(b.get("$ref")) or "", {}).get(str(tag), [])) > 1
                for b in branches
                if isinstance(b, dict)
            )
            if self.constraints and isinstance(tag, str) and len(parts) > 1 and not several:
                return TypeExpr(
                    f"Annotated[{union.text}, Field(discriminator={py_literal(tag)})]",
                    union.imports | {"from typing import Annotated", "from pydantic import Field"},
                    union.models,
                )
            return union
        if is_object_like(schema):
            cls = self.models.hoist(schema, hoist_as, side)
            return TypeExpr(cls, models=frozenset({cls}))
        kinds = schema.get("type")
        kinds = [kinds] if isinstance(kinds, str) else list(kinds) if isinstance(kinds, list) else []
        if "const" in schema:
            base = _literal([schema["const"]])
        elif isinstance(schema.get("enum"), list) and schema["enum"]:
            values = [v for v in schema["enum"] if v is not None]
            base = _literal(values) if values else TypeExpr("None")
            if self.constraints and values and all(type(v) in (int, bool) for v in values):
                # parameters arrive as text: "2" must match the integer 2 of the enum, "false" False
                base = TypeExpr(
                    f"Annotated[{base.text}, rt.ScalarText]",
                    base.imports | {"from typing import Annotated", "import specfirst_runtime as rt"},
                )
            if None in schema["enum"] and values:
                base = base.wrap("{} | None")
            return base
        else:
            parts = [self._scalar(schema, k, side, hoist_as, depth) for k in kinds if k != "null"]
            if not parts:
                parts = [TypeExpr("Any", frozenset({"from typing import Any"}))]
            base = _union(parts)
        constrained = _constrain(base, schema) if self.constraints else base
        if "null" in kinds:
            constrained = constrained.wrap("{} | None")
        return constrained

    def _scalar(
        self, schema: dict[str, Any], kind: str, side: Side | None, hoist_as: str, depth: int
    ) -> TypeExpr:
        fmt = schema.get("format")
        if kind == "string":
            if fmt == "date-time":
                return TypeExpr("datetime.datetime", frozenset({"import datetime"}))
            if fmt == "date":
                return TypeExpr("datetime.date", frozenset({"import datetime"}))
            if fmt == "uuid":
                return TypeExpr("uuid.UUID", frozenset({"import uuid"}))
            if fmt in ("binary", "byte") or schema.get("contentEncoding") in ("binary", "base64"):
                return TypeExpr("bytes")
            return TypeExpr("str")
        if kind == "integer":
            return TypeExpr("int")
        if kind == "number":
            return TypeExpr("float")
        if kind == "boolean":
            return TypeExpr("bool")
        if kind == "array":
            item = self.render(schema.get("items", {}), side, hoist_as + "Item", depth=depth + 1)
            return item.wrap("list[{}]")
        return TypeExpr("Any", frozenset({"from typing import Any"}))


def _literal(values: list[Any]) -> TypeExpr:
    rendered = ", ".join(py_literal(v) for v in values if isinstance(v, str | int | bool) or v is None)
    return TypeExpr(f"Literal[{rendered}]", frozenset({"from typing import Literal"}))


def _union(parts: list[TypeExpr]) -> TypeExpr:
    text = " | ".join(dict.fromkeys(p.text for p in parts))
    imports = frozenset().union(*(p.imports for p in parts))
    models = frozenset().union(*(p.models for p in parts))
    return TypeExpr(text, imports, models)


def _constrain(base: TypeExpr, schema: dict[str, Any]) -> TypeExpr:
    args = []
    for keyword, argument in CONSTRAINTS.items():
        value = schema.get(keyword)
        if value is None or isinstance(value, bool):
            continue
        if keyword == "pattern" and not isinstance(value, str):
            continue
        if keyword != "pattern" and not isinstance(value, int | float):
            continue
        literal = py_literal(value)
        args.append(f"{argument}={field_argument(value, literal) if keyword == 'pattern' else literal}")
    if not args:
        return base
    imports = base.imports | {"from typing import Annotated", "from pydantic import Field"}
    if any(arg.startswith("pattern=re.compile(") for arg in args):
        imports |= {"import re"}
    return TypeExpr(f"Annotated[{base.text}, Field({', '.join(args)})]", imports, base.models)
