"""Validate a bundled document: openapi-spec-validator, then the rules the generator itself needs.

openapi-spec-validator knows the OpenAPI schema; it does not check that local refs resolve (an unresolvable
one raises with the whole document in the message), that operationIds are unique, or that defaults fit
their schemas with a usable location. Those rules are checked here first, with exact pointers.
"""

from __future__ import annotations

import re
from typing import Any

from .diagnostics import Diagnostics, join_pointer, split_pointer
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
    schema_check = SchemaCheck(document, openapi_30) if check_refs(document, diagnostics) else None
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


def check_refs(document: dict[str, Any], diagnostics: Diagnostics) -> bool:
    """Every `$ref` resolves, and no chain of refs loops without reaching an object."""
    ok = True
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                where = join_pointer(pointer, "$ref")
                try:
                    target = resolve_pointer(document, ref)
                except KeyError:
                    diagnostics.error("ref", where, f"$ref {ref!r} does not resolve")
                    ok = False
                else:
                    if _loops(document, target, ref):
                        diagnostics.error("ref-cycle", where, f"$ref {ref!r} refers back to itself")
                        ok = False
            for key, value in node.items():
                if isinstance(value, dict | list) and not str(key).startswith("x-"):
                    stack.append((value, join_pointer(pointer, key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append((value, join_pointer(pointer, index)))
    return ok


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
    for path, item in paths.items():
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
            for code in responses:
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

    checker = Draft202012Validator.FORMAT_CHECKER
    for pointer, schema in iter_schemas(document) if schemas is None else schemas:
        if "default" not in schema or "$ref" in schema:
            continue
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


SpecFinding = tuple[tuple[str | int, ...], str]  # (path into the document, message)


def spec_validator_findings(document: dict[str, Any], openapi_30: bool) -> list[SpecFinding]:
    """openapi-spec-validator's errors as (path, first line of the message)."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_cls = OpenAPIV30SpecValidator if openapi_30 else OpenAPIV31SpecValidator
    try:
        errors = list(validator_cls(document).iter_errors())
    except Exception as exc:  # the validator raises on what it cannot follow; report, don't crash
        return [((), f"openapi-spec-validator failed: {exc}")]
    return [
        (
            tuple(getattr(error, "absolute_path", ()) or ()),
            str(getattr(error, "message", error)).split("\n", 1)[0],
        )
        for error in errors
    ]


class SchemaCheck:
    """openapi-spec-validator, run in a forked process beside the rest of the pipeline.

    It is the slowest check (most of a second on a 1.5 MB spec) and needs nothing from the other stages,
    so on a machine with two cores it costs no wall time.
    """

    def __init__(self, document: dict[str, Any], openapi_30: bool) -> None:
        self._pending = Pending(spec_validator_findings, document, openapi_30)

    def finish(self, diagnostics: Diagnostics) -> None:
        try:
            findings = self._pending.result()
        except ChildFailed as exc:
            findings = [((), f"openapi-spec-validator failed: {str(exc).strip().splitlines()[-1]}")]
        own_rules_found = bool(diagnostics.items)
        for path, message in findings:
            if not path and own_rules_found:
                # Path-less errors (duplicate operationId, undeclared path parameter, bad default) are the
                # ones our own rules report with a location; don't say them twice without one.
                continue
            if message.endswith("is not a 'regex'"):
                # judged by Python's `re` alone, with no location; check_schemas reports the patterns
                # that neither Rust's engine (pydantic's) nor Python's compiles, where they are
                continue
            recoverable = any(text in message for text in RECOVERABLE_MESSAGES)
            diagnostics.error("openapi", join_pointer("", *path), message, recoverable=recoverable)
