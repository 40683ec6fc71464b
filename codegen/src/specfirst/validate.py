"""Validate a bundled document: openapi-spec-validator, then the rules the generator itself needs.

openapi-spec-validator knows the OpenAPI schema; it does not check that local refs resolve (an unresolvable
one raises with the whole document in the message), that operationIds are unique, or that defaults fit
their schemas with a usable location. Those rules are checked here first, with exact pointers.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostics, did_you_mean, join_pointer, split_pointer
from .extensions import is_extension, is_name_map, without_extensions
from .formats import format_checker
from .normalize import iter_schemas
from .parallel import ChildFailed, Pending
from .patterns import engine

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
STATUS_CODE = re.compile(r"^(default|[1-5][0-9][0-9]|[1-5]XX)$")
PATH_TEMPLATE = re.compile(r"\{([^{}]+)\}")
# openapi-spec-validator reports these with a usable path; in --lenient mode they become warnings.
# datamodel-code-generator names enum members in superlinear time (2,000 values: 0.5 s; 50,000: minutes)
MAX_ENUM_VALUES = 2_000
RECOVERABLE_MESSAGES = (
    "nevaluated properties are not allowed",
    "dditional properties are not allowed",
)


def validate(document: dict[str, Any], diagnostics: Diagnostics, *, openapi_30: bool) -> SchemaCheck | None:
    """Check `document`, adding every problem found to `diagnostics`.

    openapi-spec-validator's check is returned still running: call `finish` on it before trusting the
    result (the pipeline parses and renders meanwhile).
    """
    broken = check_refs(document, diagnostics)
    # openapi-spec-validator stops at a $ref it cannot follow: it checks a copy in which each broken ref
    # is an empty object, and what it says about those objects is dropped (the ref's own error says it)
    checked = _without(document, broken) if broken else document
    schema_check = SchemaCheck(checked, openapi_30, skip=broken)
    check_operations(document, diagnostics)
    check_schemas(document, diagnostics)
    return schema_check


def resolve_pointer(document: Any, ref: str) -> Any:
    """The node a local `#/...` ref names, or raise KeyError."""
    if not ref.startswith("#"):
        raise KeyError(ref)
    node = document
    for token in split_pointer(ref[1:]):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(ref)
    return node


def deref(document: Any, node: Any, limit: int = 64) -> Any:
    """Follow a chain of refs to the object it ends at (refs were checked for cycles already)."""
    for _ in range(limit):
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = resolve_pointer(document, node["$ref"])
        else:
            return node
    raise KeyError("ref chain too long")


def _without(document: dict[str, Any], pointers: list[str]) -> dict[str, Any]:
    """A copy of `document` with the object at each of `pointers` replaced by `{}`."""
    copied = copy.deepcopy(document)
    for pointer in pointers:
        *parents, last = split_pointer(pointer)
        node: Any = copied
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        if isinstance(node, list):
            node[int(last)] = {}
        else:
            node[last] = {}
    return copied


def unresolved_hint(document: Any, ref: str) -> str:
    """Which step of a local ref finds nothing, and the name there closest to it."""
    if not ref.startswith("#/"):
        return ""
    node, pointer = document, ""
    tokens = split_pointer(ref[1:])
    for index, token in enumerate(tokens):
        if isinstance(node, dict) and token in node:
            node, pointer = node[token], join_pointer(pointer, token)
            continue
        if not isinstance(node, dict):
            return ""
        hint = did_you_mean(token, map(str, node))
        return hint if index == len(tokens) - 1 else f": no {token!r} in {pointer or '/'}{hint}"
    return ""


def check_refs(document: dict[str, Any], diagnostics: Diagnostics) -> list[str]:
    """Every `$ref` resolves, and no chain of refs loops without reaching an object.

    Returns the pointers of the objects whose `$ref` is broken (the document root is never one)."""
    broken: list[str] = []
    stack: list[tuple[Any, str, bool]] = [(document, "", False)]
    while stack:
        node, pointer, names = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and names:
                continue  # a map of names by reference: the loader reported it
            if isinstance(ref, str):
                where = join_pointer(pointer, "$ref")
                try:
                    target = resolve_pointer(document, ref)
                except KeyError:
                    hint = unresolved_hint(document, ref)
                    diagnostics.error("ref", where, f"$ref {ref!r} does not resolve{hint}")
                    broken.append(pointer)
                else:
                    if _loops(document, target, ref):
                        diagnostics.error("ref-cycle", where, f"$ref {ref!r} refers back to itself")
                        broken.append(pointer)
            via = split_pointer(pointer)[-1] if pointer else ""
            for key, value in node.items():
                if isinstance(value, dict | list) and not is_extension(key, in_name_map=names):
                    child_names = is_name_map(key, key_is_name=names, parent=via)
                    stack.append((value, join_pointer(pointer, key), child_names))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append((value, join_pointer(pointer, index), False))
    return [pointer for pointer in broken if pointer]


def _loops(document: Any, target: Any, first: str) -> bool:
    seen = {first}
    while isinstance(target, dict) and isinstance(target.get("$ref"), str) and len(target) == 1:
        ref = target["$ref"]
        if ref in seen:
            return True
        seen.add(ref)
        try:
            target = resolve_pointer(document, ref)
        except KeyError:
            return False
    return False


def iter_operations(
    document: dict[str, Any],
) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(path, method, operation, path item) for every operation, in document order."""
    found = []
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return []
    for path, item in without_extensions(paths).items():
        try:
            item = deref(document, item)
        except KeyError:
            continue
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found.append((path, method, operation, item))
    return found


def check_operations(document: dict[str, Any], diagnostics: Diagnostics) -> None:
    seen_ids: dict[str, str] = {}
    for path, method, operation, item in iter_operations(document):
        op_ptr = join_pointer("/paths", path, method)
        op_id = operation.get("operationId")
        if isinstance(op_id, str):
            if op_id in seen_ids:
                diagnostics.error(
                    "duplicate-operation-id",
                    join_pointer(op_ptr, "operationId"),
                    f"operationId {op_id!r} is already used by {seen_ids[op_id]}",
                )
            else:
                seen_ids[op_id] = f"{method.upper()} {path}"
        declared: dict[str, str] = {}
        for where, params in (
            (join_pointer("/paths", path, "parameters"), item.get("parameters")),
            (join_pointer(op_ptr, "parameters"), operation.get("parameters")),
        ):
            for index, param in enumerate(params if isinstance(params, list) else []):
                try:
                    param = deref(document, param)
                except KeyError:
                    continue
                if isinstance(param, dict) and param.get("in") == "path":
                    declared[str(param.get("name"))] = join_pointer(where, index)
        templated = PATH_TEMPLATE.findall(path)
        for name in templated:
            if name not in declared:
                diagnostics.error(
                    "undeclared-path-parameter",
                    op_ptr,
                    f"path parameter {{{name}}} of {path!r} is not declared in `parameters`",
                )
        for name, where in declared.items():
            if name not in templated:
                diagnostics.error(
                    "unused-path-parameter",
                    where,
                    f"path parameter {name!r} does not appear in the path {path!r}",
                )
        responses = operation.get("responses")
        if isinstance(responses, dict):
            for code in without_extensions(responses):
                if not STATUS_CODE.match(str(code)):
                    diagnostics.error(
                        "status-code",
                        join_pointer(op_ptr, "responses", str(code)),
                        f"{str(code)!r} is not an HTTP status code (100-599, 1XX-5XX or default)",
                    )


def check_schemas(document: dict[str, Any], diagnostics: Diagnostics) -> None:
    """Every schema's enum within bounds, its pattern compilable and its default valid against it."""
    schemas = iter_schemas(document)
    for pointer, schema in schemas:
        enum = schema.get("enum")
        if isinstance(enum, list) and len(enum) > MAX_ENUM_VALUES:
            diagnostics.error(
                "enum-too-large",
                join_pointer(pointer, "enum"),
                f"an enum of {len(enum):,} values is more than the generator supports "
                f"({MAX_ENUM_VALUES:,}); with --lenient it is dropped and the value is not checked",
                recoverable=True,
            )
            if diagnostics.lenient:
                del schema["enum"]
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and engine(pattern) is None:
            diagnostics.error(
                "invalid-pattern",
                join_pointer(pointer, "pattern"),
                f"pattern {pattern!r} is not a regular expression Rust's or Python's engine compiles; "
                "with --lenient it is dropped and the value is not checked",
                recoverable=True,
            )
            if diagnostics.lenient:
                del schema["pattern"]
    if any("default" in schema for _, schema in schemas):
        check_defaults(document, diagnostics, schemas)


def check_defaults(
    document: dict[str, Any],
    diagnostics: Diagnostics,
    schemas: list[tuple[str, dict[str, Any]]] | None = None,
) -> None:
    """A `default` must be valid against its own schema (formats included)."""
    from jsonschema import Draft202012Validator  # imported here: only documents with defaults pay

    checker = format_checker()
    for pointer, schema in iter_schemas(document) if schemas is None else schemas:
        if "default" not in schema or "$ref" in schema:
            continue
        if schema["default"] is None and schema.get("nullable") is True:
            continue  # a 3.0 document is checked before `nullable` becomes a type (normalize)
        try:
            resolved = _resolve_local_refs(document, {k: v for k, v in schema.items() if k != "default"})
        except (KeyError, RecursionError):
            continue
        validator = Draft202012Validator(resolved, format_checker=checker)
        error = next(iter(validator.iter_errors(schema["default"])), None)
        if error is not None:
            diagnostics.error(
                "invalid-default",
                join_pointer(pointer, "default"),
                f"default {schema['default']!r} does not match its schema: {error.message}",
                recoverable=True,
            )
            if diagnostics.lenient:
                del schema["default"]


def _resolve_local_refs(document: Any, schema: Any, depth: int = 0) -> Any:
    if depth > 20:
        raise RecursionError
    if isinstance(schema, dict):
        if isinstance(schema.get("$ref"), str):
            return _resolve_local_refs(document, resolve_pointer(document, schema["$ref"]), depth + 1)
        return {k: _resolve_local_refs(document, v, depth + 1) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve_local_refs(document, v, depth + 1) for v in schema]
    return schema


# (absolute JSON pointer, one-line message, recoverable with --lenient)
SpecFinding = tuple[str, str, bool]
OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
OAS31_VOCABULARY = "https://spec.openapis.org/oas/3.1/meta/base"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DEFINITION = {"$ref": "#/definitions/Schema"}  # in the OpenAPI 3.0 document metaschema
REFERENCE_DEFINITION = {"$ref": "#/definitions/Reference"}
# the words of the type keyword, for a message that says what was meant
JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")


def spec_validator_findings(document: dict[str, Any], openapi_30: bool) -> list[SpecFinding]:
    """Every schema object checked against its metaschema, then openapi-spec-validator on the rest."""
    schemas = iter_schemas(document)
    findings = schema_object_findings(document, openapi_30, schemas)
    try:
        errors = list(_with_located_defaults(_spec_validator(openapi_30), schemas)(document).iter_errors())
    except Exception as exc:  # the validator raises on what it cannot follow; report, don't crash
        return [*findings, ("", f"openapi-spec-validator failed: {exc}", False)]
    for error in errors:
        message = str(getattr(error, "message", error)).split("\n", 1)[0]
        pointer = join_pointer("", *(getattr(error, "absolute_path", ()) or ()))
        unexpected = UNEXPECTED.search(message)
        if unexpected is not None:
            keys = UNEXPECTED_KEY.findall(unexpected["keys"])
            message += "".join(did_you_mean(key, _document_keywords(openapi_30), cutoff=0.75) for key in keys)
        findings.append((pointer, message, any(text in message for text in RECOVERABLE_MESSAGES)))
    return _without_vague(findings)


UNEXPECTED = re.compile(r"properties are not allowed \((?P<keys>.*) (?:was|were) unexpected\)")
UNEXPECTED_KEY = re.compile(r"'([^']*)'")


@functools.cache
def _document_keywords(openapi_30: bool) -> frozenset[str]:
    """Every field name of an OpenAPI object (not a schema's), for "did you mean" on an unknown one."""
    from openapi_spec_validator.schemas import schema_v30, schema_v31

    return frozenset(_property_names(schema_v30 if openapi_30 else schema_v31))


@functools.cache
def _schema_keywords() -> frozenset[str]:
    """The 3.0 Schema Object's keywords (a 3.1 schema may hold any keyword)."""
    from openapi_spec_validator.schemas import schema_v30

    return frozenset(schema_v30["definitions"]["Schema"]["properties"])


def _property_names(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            yield from (key for key in properties if not key.startswith("x-"))
        for value in node.values():
            yield from _property_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _property_names(value)


def _without_vague(findings: list[SpecFinding]) -> list[SpecFinding]:
    """Drop "is not valid under any of the schemas" at a pointer where a finding inside it says more."""
    vague = "is not valid under any of the"
    specific = [pointer for pointer, message, _ in findings if vague not in message]
    return [
        finding
        for finding in findings
        if vague not in finding[1] or not any(p.startswith(finding[0] + "/") for p in specific)
    ]


def schema_object_findings(
    document: dict[str, Any], openapi_30: bool, schemas: list[tuple[str, dict[str, Any]]] | None = None
) -> list[SpecFinding]:
    """Every invalid keyword of every schema object, at its absolute pointer.

    Each outermost schema (a component, a parameter's, a body's...) is validated against the metaschema
    of its dialect with every error kept: openapi-spec-validator keeps one per schema, with a path
    relative to it, and a 3.0 document's metaschema wraps them in an opaque oneOf error.
    """
    findings: list[SpecFinding] = []
    outermost = ""
    for pointer, schema in iter_schemas(document) if schemas is None else schemas:
        if outermost and pointer.startswith(outermost + "/"):
            continue  # inside the schema just checked
        outermost = pointer
        if openapi_30:
            dialect = "oas30"
        else:
            dialect = schema.get("$schema", document.get("jsonSchemaDialect", OAS31_DIALECT))
        findings.extend(_metaschema_findings(pointer, schema, dialect, openapi_30))
    return findings


def _metaschema_findings(
    pointer: str, schema: dict[str, Any], dialect: Any, openapi_30: bool
) -> list[SpecFinding]:
    if not isinstance(dialect, str):
        return [(join_pointer(pointer, "$schema"), f"{dialect!r} is not a JSON Schema dialect URI", False)]
    validator = _schema_validator(dialect)
    if validator is None:
        return _python_metaschema_findings(pointer, schema, dialect)
    findings = []
    for error in validator.iter_errors(schema):
        path = error.instance_path
        kind = error.kind.name
        if openapi_30 and kind == "uniqueItems" and path and path[-1] == "required":
            continue  # normalize reports a repeated `required` entry (recoverable), after this fork
        if kind == "additionalProperties":
            for key in error.kind.as_dict()["unexpected"]:
                hint = did_you_mean(key, _schema_keywords(), cutoff=0.75)
                message = f"{key!r} is not a Schema Object keyword{hint}"
                findings.append((join_pointer(pointer, *path, key), message, True))
            continue
        findings.append((join_pointer(pointer, *path), _schema_message(error, openapi_30), False))
    return list(dict.fromkeys(findings))  # 3.0's `type` fails its type and its enum: one message


def _schema_message(error: Any, openapi_30: bool) -> str:
    """jsonschema-rs's message, reworded where it names the metaschema's structure instead of the fault."""
    path, kind, value = error.instance_path, error.kind.name, error.instance
    if path and path[-1] == "type" and kind in ("anyOf", "enum", "type"):
        types = [t for t in JSON_TYPES if not (openapi_30 and t == "null")]
        hint = did_you_mean(value, types) if isinstance(value, str) else ""
        return f"{value!r} is not a valid type (one of {', '.join(types)}){hint}"
    if kind == "type":
        expected = error.kind.as_dict()["types"]
        return f"{value!r} is not of type {' or '.join(repr(t) for t in expected)}"
    if kind == "enum":
        return f"{value!r} is not one of {error.kind.as_dict()['options']!r}"
    return str(error.message)


def _python_metaschema_findings(pointer: str, schema: dict[str, Any], dialect: str) -> list[SpecFinding]:
    """A schema naming a dialect other than OpenAPI's or 2020-12 (draft 7...), checked by jsonschema."""
    from jsonschema.validators import validator_for

    cls = validator_for({"$schema": dialect}, default=None)
    if cls is None:
        return [(pointer, f"unknown JSON Schema dialect {dialect!r}", False)]
    return [
        (join_pointer(pointer, *error.absolute_path), error.message, False)
        for error in cls(cls.META_SCHEMA).iter_errors(schema)
    ]


@functools.cache
def _schema_validator(dialect: str) -> Any:
    """A jsonschema-rs validator of schemas written in `dialect`, or None for the ones it is not built for."""
    import jsonschema_rs

    if dialect == "oas30":
        return jsonschema_rs.Draft7Validator(_oas30_schema_metaschema(), validate_formats=False)
    if dialect in (OAS31_DIALECT, DRAFT_2020_12):
        from openapi_schema_validator._specifications import REGISTRY

        resources = [(uri, REGISTRY.contents(uri)) for uri in (OAS31_DIALECT, OAS31_VOCABULARY)]
        return jsonschema_rs.Draft202012Validator(
            REGISTRY.contents(dialect) if dialect == OAS31_DIALECT else {"$ref": DRAFT_2020_12},
            registry=jsonschema_rs.Registry(resources),
            validate_formats=False,  # `format: regex` on `pattern`: check_schemas judges patterns
        )
    return None


def _oas30_schema_metaschema() -> dict[str, Any]:
    """The 3.0 Schema Object definition, with each `oneOf: [Schema, Reference]` made an if/then/else
    on `$ref` so an error inside a nested schema is reported where it is, not as a oneOf failure."""
    from openapi_spec_validator.schemas import schema_v30

    definitions = schema_v30["definitions"]
    wanted = ("Schema", "Reference", "Discriminator", "XML", "ExternalDocumentation")
    kept = {name: _reference_as_condition(definitions[name]) for name in wanted}
    return {
        "definitions": kept,
        **_reference_as_condition({"oneOf": [SCHEMA_DEFINITION, REFERENCE_DEFINITION]}),
    }


def _reference_as_condition(node: Any) -> Any:
    """`node` (part of a 3.0 metaschema) with each `oneOf: [X, Reference]` made an if/then/else on `$ref`,
    so a fault inside X (a schema, a parameter, a response...) is reported at its keyword, not as a oneOf
    failure on the whole object; and draft 4's boolean exclusiveMinimum in draft 7's form."""
    if isinstance(node, list):
        return [_reference_as_condition(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _reference_as_condition(value) for key, value in node.items()}
    choices = node.get("oneOf")
    if isinstance(choices, list) and REFERENCE_DEFINITION in choices:
        others = [c for c in choices if c not in (REFERENCE_DEFINITION, {"type": "boolean"})]
        if len(others) == 1:
            del node["oneOf"]
            branch: dict[str, Any] = {
                "if": {"required": ["$ref"]},
                "then": REFERENCE_DEFINITION,
                "else": others[0],
            }
            if {"type": "boolean"} in choices:  # additionalProperties: true/false
                branch = {"if": {"type": "boolean"}, "then": True, "else": branch}
            node.update(branch)
    if node.get("exclusiveMinimum") is True:  # draft 4's boolean form, in multipleOf's definition
        node["exclusiveMinimum"] = node.pop("minimum", 0)
    return node


@functools.cache
def _spec_validator(openapi_30: bool) -> Any:
    """openapi-spec-validator without its checks of schema objects, which `schema_object_findings` makes.

    Its schema keyword validator keeps only the first error of a schema, with a path relative to it; the
    3.0 document metaschema reports a bad schema as "not valid under any of the schemas listed in oneOf"
    on the schema, or on the parameter or response holding it. Both are switched off here.
    """
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.schemas.backend import get_validator_for
    from openapi_spec_validator.validation import keywords

    base = OpenAPIV30SpecValidator if openapi_30 else OpenAPIV31SpecValidator
    schema_keyword = keywords.OpenAPIV30SchemaValidator if openapi_30 else keywords.OpenAPIV31SchemaValidator

    class SchemaKeyword(schema_keyword):  # type: ignore[misc, valid-type]
        def _validate_schema_meta(self, schema: Any, schema_value: Any) -> None:
            return None  # a private hook of openapi-spec-validator 0.9 (pinned)

    attributes: dict[str, Any] = {"keyword_validators": {**base.keyword_validators, "schema": SchemaKeyword}}
    if openapi_30:
        from openapi_spec_validator.schemas import schema_v30

        document_schema = _reference_as_condition(copy.deepcopy(dict(schema_v30)))
        # draft 4 has no if/then/else: the same document schema read as draft 7 (its one draft-4-only
        # form, a boolean exclusiveMinimum, is rewritten by _reference_as_condition)
        document_schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        document_schema["$id"] = document_schema.pop("id")
        # any object without $ref passes as a schema here: schema_object_findings checks them
        document_schema["definitions"]["Schema"] = {"type": "object", "not": {"required": ["$ref"]}}
        # a bad `in` is otherwise only "not valid under any of the schemas" (of the four locations)
        parameter = document_schema["definitions"]["Parameter"]["properties"]
        parameter["in"] = {"enum": ["path", "query", "header", "cookie"]}
        attributes["schema_validator"] = get_validator_for(document_schema)
    return type("SpecValidator", (base,), attributes)


def _with_located_defaults(base: Any, schemas: list[tuple[str, dict[str, Any]]]) -> Any:
    """`base` whose check of defaults reports each at its schema's `default`, not at a path inside it.

    openapi-spec-validator reaches a schema through `$ref`s and names it by that route, or not at all;
    the schema object itself is the one in the document, so its pointer is found by identity.
    """
    pointers = {id(schema): pointer for pointer, schema in schemas}
    value_keyword = base.keyword_validators["default"]

    class DefaultKeyword(value_keyword):  # type: ignore[misc, valid-type]
        def __call__(self, schema: Any, value: Any) -> Iterator[Any]:
            pointer = pointers.get(id(schema.read_value()))
            for error in super().__call__(schema, value):
                if pointer is not None:
                    error.message = f"default {value!r} does not match its schema: {error.message}"
                    error.path.clear()
                    error.path.extend([*split_pointer(pointer), "default"])
                yield error

    keyword_validators = {**base.keyword_validators, "default": DefaultKeyword}
    return type("SpecValidator", (base,), {"keyword_validators": keyword_validators})


class SchemaCheck:
    """Schema objects and openapi-spec-validator, run in a forked process beside the rest of the pipeline.

    It is the slowest check (most of a second on a 1.5 MB spec) and needs nothing from the other stages,
    so on a machine with two cores it costs no wall time.
    """

    def __init__(self, document: dict[str, Any], openapi_30: bool, skip: list[str] | None = None) -> None:
        self._pending = Pending(spec_validator_findings, document, openapi_30)
        self._skip = tuple(skip or ())

    def finish(self, diagnostics: Diagnostics) -> None:
        try:
            findings = self._pending.result()
        except ChildFailed as exc:
            findings = [("", f"openapi-spec-validator failed: {str(exc).strip().splitlines()[-1]}", False)]
        own_rules_found = bool(diagnostics.items)
        reported = {d.pointer for d in diagnostics.items}
        for pointer, message, recoverable in findings:
            if not pointer and own_rules_found:
                # Path-less errors (duplicate operationId, undeclared path parameter, bad default) are the
                # ones our own rules report with a location; don't say them twice without one.
                continue
            if message.endswith("is not a 'regex'"):
                # judged by Python's `re` alone, with no location; check_schemas reports the patterns
                # that neither Rust's engine (pydantic's) nor Python's compiles, where they are
                continue
            if pointer in reported:
                continue  # a default or pattern our own rules judged at the same place
            if any(pointer == p or pointer.startswith(p + "/") for p in self._skip):
                continue  # a broken $ref, checked as an empty object: its own error says it
            diagnostics.error("openapi", pointer, message, recoverable=recoverable)
