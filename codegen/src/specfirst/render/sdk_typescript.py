"""The TypeScript SDK package: a fetch-based `Client`, resources per tag, typed errors, interfaces, the core.

Everything a template needs is computed here from the IR (and the normalised contract for the schemas of
parameters and inline bodies), so templates only place text. Every string taken from the spec reaches
generated source through `ts_string` (a JS string literal) or `ts_comment` (text that cannot end a
comment); identifiers are built from ASCII words only. The hand-written core (`codegen/sdk_ts_runtime/`)
is copied in verbatim.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .. import ir
from ..names import NameAllocator
from .sdk_python import (
    _default_base_url,
    _error_classes,
    _password_flow,
    distribution_name,
    licence,
    request_body_kind,
)

RUNTIME_DIR = Path(__file__).resolve().parent.parent / "sdk_ts_runtime"
RUNTIME_FILES = ("core.ts",)
TYPESCRIPT_VERSION = "5.6.3"
RETRYABLE_WITHOUT_KEY = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
LINE_MEDIA_TYPES = ("text/csv", "text/tab-separated-values", "application/x-ndjson", "application/jsonl")

TS_RESERVED = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "implements",
        "interface",
        "let",
        "package",
        "private",
        "protected",
        "public",
        "static",
        "yield",
        "any",
        "boolean",
        "number",
        "string",
        "symbol",
        "unknown",
        "never",
        "object",
        "bigint",
        "undefined",
        "await",
        "async",
        "of",
        "type",
        "declare",
        "namespace",
        "module",
        "abstract",
        "as",
        "readonly",
        "keyof",
        "infer",
        "is",
        "asserts",
        "global",
        "require",
        "arguments",
        "eval",
        "constructor",
        "prototype",
    ]
)
# exported by core.ts / used as globals in generated modules: a model of the same name is renamed
TS_TAKEN = frozenset(
    [
        "APIError",
        "APIConnectionError",
        "APITimeoutError",
        "APIResponseValidationError",
        "APIUserAbortError",
        "SDKError",
        "APIPromise",
        "BaseClient",
        "BaseClientOptions",
        "ClientOptions",
        "RequestOptions",
        "EventStream",
        "ServerSentEvent",
        "OffsetPage",
        "WithResponse",
        "Operation",
        "SchemeSpec",
        "Security",
        "BodyKind",
        "ResponseKind",
        "Fetch",
        "Client",
        "paginate",
        "retryDelay",
        "makeError",
        "DeclaredError",
        "isDeclaredError",
        "Record",
        "Partial",
        "Required",
        "Readonly",
        "Pick",
        "Omit",
        "Array",
        "Promise",
        "PromiseLike",
        "AsyncIterable",
        "AsyncGenerator",
        "Blob",
        "File",
        "FormData",
        "Headers",
        "Response",
        "Request",
        "URL",
        "URLSearchParams",
        "Date",
        "Error",
        "Map",
        "Set",
        "Object",
        "String",
        "Number",
        "Boolean",
        "Symbol",
        "JSON",
        "Math",
        "AbortSignal",
        "AbortController",
        "Uint8Array",
        "ArrayBuffer",
        "BodyInit",
        "models",
        "errors",
        "core",
    ]
)
REQUEST_OPTION_KEYS = frozenset({"headers", "timeout", "maxRetries", "signal", "idempotencyKey"})
CLIENT_MEMBERS = frozenset(
    [
        "baseURL",
        "timeout",
        "maxRetries",
        "defaultHeaders",
        "credentials",
        "schemes",
        "makeError",
        "setCredential",
        "withOptions",
        "buildURL",
        "request",
        "login",
        "send",
        "parse",
        "applySecurity",
        "encodeBody",
        "retryable",
        "fetchImpl",
        "constructor",
        "toString",
        "valueOf",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "__proto__",
    ]
)
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)


# -- escaping -------------------------------------------------------------------------------------------


def ts_string(value: object) -> str:
    """A JS/TS string literal that evaluates to `str(value)`, safe anywhere a literal may stand.

    json.dumps with ensure_ascii escapes quotes, backslashes, every control character and every non-ASCII
    character (U+2028/U+2029 included); `</` is broken up so the text can never close a <script> element.
    Lone surrogates are kept as `\\udxxx` escapes, which JS accepts.
    """
    return json.dumps(str(value), ensure_ascii=True).replace("</", "<\\/")


def ts_comment(value: object) -> str:
    """Text safe inside a `/** ... */` block on one line: no line breaks, no `*/`, printable only."""
    text = "".join(c if c.isprintable() else " " for c in str(value))
    text = " ".join(text.split())
    while "*/" in text:
        text = text.replace("*/", "* /")
    return text


def ts_key(name: str) -> str:
    """A property name as written in an interface or object literal: bare when it can be, else quoted."""
    return name if _IDENT.match(name) else ts_string(name)


def ts_json(value: Any) -> str:
    """Data (JSON-like) as a TS expression; every string goes through the same escaping."""
    return json.dumps(value, ensure_ascii=True).replace("</", "<\\/")


# -- names ----------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", folded)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def camel_case(text: str, *, fallback: str = "value") -> str:
    words = _words(text)
    if not words:
        return fallback
    name = words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])
    if name.isupper() and len(words) == 1:
        name = name.lower()
    if name[0].isdigit():
        name = fallback + name
    return name + "_" if name in TS_RESERVED else name


def pascal(text: str, *, fallback: str = "Model") -> str:
    words = _words(text)
    name = "".join(w[0].upper() + w[1:] for w in words) or fallback
    if name[0].isdigit():
        name = fallback + name
    return name + "_" if name in TS_RESERVED else name


def npm_version(version: str) -> str:
    text = version.strip().removeprefix("v")
    if _SEMVER.match(text):
        return text
    parts = text.split(".")
    if 1 <= len(parts) <= 3 and all(p.isdigit() for p in parts):
        return ".".join(str(int(p)) for p in ([*parts, "0", "0"])[:3])
    return "0.0.0"


# -- types ----------------------------------------------------------------------------------------------


class TypeMapper:
    """JSON Schema -> TypeScript type text, with model references by their TS names."""

    def __init__(self, contract: dict[str, Any], model_names: dict[str, str], prefix: str = "") -> None:
        self.contract = contract
        self.models = model_names  # IR model class name -> TS name
        self.prefix = prefix  # "models." outside models.ts

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
            target = self._pointer(node["$ref"])
            if target is None:
                return {}
            node, seen = target, seen + 1
        return node

    def _pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return None
        node: Any = self.contract
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def model_for_ref(self, ref: str, direction: str) -> str | None:
        if not ref.startswith("#/components/schemas/"):
            return None
        name = ref.rsplit("/", 1)[1]
        for candidate in (name + direction, name) if direction else (name,):
            if candidate in self.models:
                return self.prefix + self.models[candidate]
        return None

    def type(self, schema: Any, direction: str = "", depth: int = 0, eager: set[str] | None = None) -> str:
        """The type text of `schema`; `eager` collects the models it names outside any object or array.

        TypeScript resolves those references when it resolves the alias itself (members of an object type
        and array elements are deferred), so they are the ones that can make an alias circular.
        """
        if depth > 12 or schema is True or schema is None:
            return "unknown"
        if schema is False:
            return "never"
        if not isinstance(schema, dict):
            return "unknown"
        ref = schema.get("$ref")
        if isinstance(ref, str):
            model = self.model_for_ref(ref, direction)
            if model is not None:
                if eager is not None:
                    eager.add(model)
                return model
            return self.type(self.resolve(schema), direction, depth + 1, eager)
        if "const" in schema:
            return self._literal(schema["const"])
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return " | ".join(dict.fromkeys(self._literal(v) for v in schema["enum"]))
        for key, sep in (("oneOf", " | "), ("anyOf", " | "), ("allOf", " & ")):
            variants = schema.get(key)
            if isinstance(variants, list) and variants:
                parts = [self.type(v, direction, depth + 1, eager) for v in variants]
                return sep.join(dict.fromkeys(f"({p})" if " " in p else p for p in parts))
        types = schema.get("type")
        kinds = types if isinstance(types, list) else [types] if isinstance(types, str) else []
        if not kinds:
            if "properties" in schema:
                kinds = ["object"]
            elif "items" in schema:
                kinds = ["array"]
            else:
                return "unknown"
        parts = [self._of_kind(kind, schema, direction, depth) for kind in kinds]
        return " | ".join(dict.fromkeys(parts))

    def _literal(self, value: Any) -> str:
        if isinstance(value, str):
            return ts_string(value)
        if isinstance(value, bool) or value is None:
            return json.dumps(value)
        if isinstance(value, (int, float)):
            return json.dumps(value)
        return "unknown"

    def _of_kind(self, kind: str, schema: dict[str, Any], direction: str, depth: int) -> str:
        if kind == "null":
            return "null"
        if kind == "string":
            binary = schema.get("format") == "binary"
            return "Blob" if binary else "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "array":
            item = self.type(schema.get("items", True), direction, depth + 1)
            return f"Array<{item}>"  # Array<T> (an interface) defers T: `type Tree = Array<Tree>` is legal
        if kind == "object":
            return self.object_literal(schema, direction, depth)
        return "unknown"

    def fields(self, schema: dict[str, Any], direction: str, depth: int = 0) -> list[dict[str, Any]]:
        props = schema.get("properties")
        required = set(schema.get("required") or [])
        result = []
        if isinstance(props, dict):
            for name, prop in props.items():
                prop_schema = prop if isinstance(prop, dict) else {}
                result.append(
                    {
                        "key": ts_key(str(name)),
                        "optional": name not in required,
                        "type": self.type(prop, direction, depth + 1),
                        "description": ts_comment(prop_schema.get("description", "")),
                        "readonly": bool(prop_schema.get("readOnly")),
                    }
                )
        return result

    def extra(self, schema: dict[str, Any], direction: str, depth: int) -> str | None:
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            return self.type(extra, direction, depth + 1)
        return None

    def object_literal(self, schema: dict[str, Any], direction: str, depth: int) -> str:
        fields = self.fields(schema, direction, depth)
        extra = self.extra(schema, direction, depth)
        if not fields and extra is None:
            return "Record<string, unknown>"
        # an index signature, not Record<string, T>: Record is an alias, which TypeScript expands at once,
        # so `type Map = Record<string, Map>` is circular where `{ [key: string]: Map }` is not
        members = [f"{f['key']}{'?' if f['optional'] else ''}: {f['type']}" for f in fields]
        if extra is not None:
            members.append(f"[key: string]: {index_type(extra, bool(fields))}")
        return "{ " + "; ".join(members) + " }"


def index_type(extra: str, has_fields: bool) -> str:
    """The type of an index signature: beside named properties it must admit theirs too, so `unknown`."""
    return f"{extra} | unknown" if has_fields else extra


def _model_decls(api: ir.Api, mapper: TypeMapper) -> list[dict[str, Any]]:
    """One declaration per model: objects and maps as interfaces, everything else as a type alias.

    An alias that reaches itself through nothing but unions, intersections and other aliases (`A = string
    | B`, `B = number | A`: a schema that never bottoms out) is not legal TypeScript; those become
    `unknown`, which is what such a value can be.
    """
    decls: list[dict[str, Any]] = []
    eager: dict[str, set[str]] = {}
    for name, schema in api.model_schemas.items():
        ts_name = mapper.models[name]
        direction = "Out" if name.endswith("Out") else "In" if name.endswith("In") else ""
        schema = schema if isinstance(schema, dict) else {}
        description = ts_comment(schema.get("description", ""))
        is_object = (schema.get("type") == "object" or "properties" in schema) and not any(
            k in schema for k in ("oneOf", "anyOf", "allOf", "enum", "const")
        )
        extra = mapper.extra(schema, direction, 0) if is_object else None
        if is_object and ("properties" in schema or extra is not None):
            fields = mapper.fields(schema, direction)
            decls.append(
                {
                    "kind": "interface",
                    "name": ts_name,
                    "description": description,
                    "fields": fields,
                    "index": index_type(extra, bool(fields)) if extra is not None else None,
                }
            )
        else:
            eager[ts_name] = set()
            decls.append(
                {
                    "kind": "alias",
                    "name": ts_name,
                    "description": description,
                    "type": mapper.type(schema, direction, eager=eager[ts_name]),
                }
            )
    circular = _circular(eager)
    for decl in decls:
        if decl["name"] in circular:
            decl["type"] = "unknown"
            note = "(`unknown`: the contract defines it only in terms of itself.)"
            decl["description"] = f"{decl['description']} {note}".strip()
    return decls


def _circular(edges: dict[str, set[str]]) -> set[str]:
    """The nodes that can reach themselves along `edges` (only edges between keys count)."""
    found = set()
    for start in edges:
        seen: set[str] = set()
        todo = [t for t in edges[start] if t in edges]
        while todo:
            node = todo.pop()
            if node == start:
                found.add(start)
                break
            if node not in seen:
                seen.add(node)
                todo.extend(t for t in edges[node] if t in edges)
    return found


# -- operations -----------------------------------------------------------------------------------------


@dataclass
class _Field:
    key: str  # property of the params object (a TS identifier)
    wire: str
    location: str
    required: bool
    type: str
    description: str


@dataclass
class _Op:
    name: str
    params_type: str
    summary: str
    description: str
    deprecated: bool
    method: str
    path_expr: str
    positional: list[tuple[str, str, str]]  # (argument, type, description)
    fields: list[_Field]
    body: dict[str, Any] | None
    security: str
    response: str
    returns: str
    params_required: bool
    unexploded: list[str]
    statuses: list[str] = field(default_factory=list)
    pager: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _raw_operation(api: ir.Api, op: ir.Operation) -> tuple[dict[str, Any], list[Any]]:
    path_item = (api.contract.get("paths") or {}).get(op.path) or {}
    raw = path_item.get(op.method.lower()) or {}
    params = list(path_item.get("parameters") or []) + list(raw.get("parameters") or [])
    return raw, params


def _param_schemas(mapper: TypeMapper, raw_params: list[Any]) -> dict[tuple[str, str], Any]:
    result: dict[tuple[str, str], Any] = {}
    for param in raw_params:
        param = mapper.resolve(param)
        if isinstance(param, dict) and "name" in param and "in" in param:
            schema = param.get("schema")
            if schema is None and isinstance(param.get("content"), dict):
                first: Any = next(iter(param["content"].values()), {})
                schema = first.get("schema") if isinstance(first, dict) else None
            result[(str(param["in"]), str(param["name"]))] = schema
    return result


def _hint_type(hint: ir.TypeExpr | None, mapper: TypeMapper) -> str | None:
    if hint is None or not hint.models:
        return None
    parts = hint.text.split(" | ")
    if set(parts) <= hint.models and all(p in mapper.models for p in parts):
        return " | ".join(f"models.{mapper.models[p]}" for p in parts)
    return None


def _response_kind(content: ir.BodyContent | None) -> str:
    if content is None or content.kind is ir.BodyKind.EMPTY:
        return "empty"
    if content.kind is ir.BodyKind.JSON:
        return "json"
    if content.kind is ir.BodyKind.EVENT_STREAM:
        return "events"
    if content.kind is ir.BodyKind.TEXT:
        return "text"
    base = content.media_type.split(";")[0].strip().lower()
    if base in LINE_MEDIA_TYPES or base.startswith("text/"):
        return "text"
    return "bytes"


def _raw_content_schema(mapper: TypeMapper, holder: Any, media_type: str) -> Any:
    holder = mapper.resolve(holder)
    content = holder.get("content") if isinstance(holder, dict) else None
    entry = content.get(media_type) if isinstance(content, dict) else None
    return entry.get("schema") if isinstance(entry, dict) else None


def _response_body_type(mapper: TypeMapper, raw: dict[str, Any], response: ir.Response) -> str:
    """The TypeScript type of one response's body, as the runtime hands it over."""
    kind = _response_kind(response.primary)
    if kind == "empty" or response.primary is None:
        return "undefined"
    if kind != "json":
        return "string" if kind in ("text", "bytes") else "unknown"
    found = _hint_type(response.primary.hint, mapper)
    if found is None:
        raw_response = (raw.get("responses") or {}).get(response.status)
        schema = _raw_content_schema(mapper, raw_response, response.primary.media_type)
        found = mapper.type(schema, "Out") if schema is not None else "unknown"
    return found


def _error_body_types(api: ir.Api, mapper: TypeMapper) -> dict[str, str]:
    """Per declared error status, the union of the bodies every operation declares for it."""
    found: dict[str, dict[str, None]] = {}
    for op in api.operations:
        raw, _params = _raw_operation(api, op)
        for response in op.error_responses:
            found.setdefault(response.status, {})[_response_body_type(mapper, raw, response)] = None
    return {
        status: "unknown" if "unknown" in types else " | ".join(sorted(types))
        for status, types in found.items()
    }


def _operation(
    api: ir.Api, op: ir.Operation, mapper: TypeMapper, method_names: NameAllocator, type_names: NameAllocator
) -> _Op:
    raw, raw_params = _raw_operation(api, op)
    schemas = _param_schemas(mapper, raw_params)
    args = NameAllocator(TS_RESERVED | {"params", "options", "models", "core"})
    keys = NameAllocator(REQUEST_OPTION_KEYS | {"body"} if op.body is not None else REQUEST_OPTION_KEYS)
    positional: list[tuple[str, str, str]] = []
    fields: list[_Field] = []
    path_args: dict[str, str] = {}
    for param in op.parameters:
        schema = schemas.get((param.location.value, param.name))
        type_text = mapper.type(schema, "In") if schema is not None else "unknown"
        if param.location is ir.Location.PATH:
            arg = args.claim(camel_case(param.name, fallback="param"), sep="")
            path_args[param.name] = arg
            positional.append((arg, type_text, ts_comment(param.description)))
        else:
            key = keys.claim(camel_case(param.name, fallback="param"))
            fields.append(
                _Field(
                    key,
                    param.name,
                    param.location.value,
                    param.required,
                    type_text,
                    ts_comment(param.description),
                )
            )
    body = None
    if op.body is not None and op.body.contents:
        content = op.body.contents[0]
        kind = request_body_kind(content)
        body_type: str | None
        if kind in ("json", "form", "multipart"):
            body_type = _hint_type(content.hint, mapper)
            if body_type is None:
                schema = _raw_content_schema(mapper, raw.get("requestBody"), content.media_type)
                body_type = mapper.type(schema, "In") if schema is not None else "unknown"
            if kind == "multipart":
                body_type = (
                    f"{body_type} | FormData"
                    if body_type != "unknown"
                    else "FormData | Record<string, unknown>"
                )
        elif kind == "text":
            body_type = "string"
        else:
            body_type = "Blob | ArrayBuffer | ArrayBufferView | string"
        body = {"kind": kind, "content_type": content.media_type, "type": body_type}
        fields.append(
            _Field("body", "", "body", op.body.required, body_type, ts_comment(op.body.description))
        )
    success = op.success_responses
    kinds = [_response_kind(r.primary) for r in success] or ["empty"]
    response = kinds[0] if len(set(kinds)) == 1 else ("json" if "json" in kinds else kinds[0])
    returns: list[str] = []
    for resp in success:
        kind = _response_kind(resp.primary)
        if kind == "json":
            resp_type = _hint_type(resp.primary.hint if resp.primary else None, mapper)
            if resp_type is None and resp.primary is not None:
                raw_resp = (raw.get("responses") or {}).get(resp.status)
                schema = _raw_content_schema(mapper, raw_resp, resp.primary.media_type)
                resp_type = mapper.type(schema, "Out") if schema is not None else "unknown"
            returns.append(resp_type or "unknown")
        else:
            returns.append(
                {"empty": "void", "text": "string", "bytes": "Uint8Array", "events": "EventStream"}[kind]
            )
    if response == "json" and any(k == "empty" for k in kinds):
        returns = [r if r != "void" else "undefined" for r in returns]
    returns_text = " | ".join(dict.fromkeys(returns)) or "void"
    # the path as a concatenation of escaped literals and encoded arguments
    pieces = re.split(r"(\{[^{}]+\})", op.path)
    exprs = []
    for piece in pieces:
        if piece.startswith("{") and piece.endswith("}") and piece[1:-1] in path_args:
            exprs.append(f"BaseClient.pathParam({path_args[piece[1:-1]]})")
        elif piece:
            exprs.append(ts_string(piece))
    name = method_names.claim(camel_case(op.operation_id, fallback="call"))
    security = (
        "["
        + ", ".join("[" + ", ".join(ts_string(s) for s, _scopes in req.schemes) + "]" for req in op.security)
        + "]"
    )
    result = _Op(
        name=name,
        params_type=type_names.claim(pascal(op.operation_id, fallback="Call") + "Params"),
        summary=ts_comment(op.summary or op.operation_id),
        description=ts_comment(op.description),
        deprecated=op.deprecated,
        method=op.method,
        path_expr=" + ".join(exprs) or '""',
        positional=positional,
        fields=fields,
        body=body,
        security=security,
        response=response,
        returns=returns_text,
        params_required=any(f.required for f in fields),
        unexploded=[p.name for p in op.parameters if p.is_array and not p.explode],
        statuses=[r.status for r in success],
    )
    result.pager = _pager(api, op, result, mapper, method_names)
    return result


IMPORTS_MARK = "/* imports */"
# what a resource module may take from the core, and whether it is used as a type only
_CORE_NAMES = (("APIPromise", True), ("BaseClient", False), ("EventStream", True), ("RequestOptions", True))


def _resource_imports(text: str) -> str:
    """The import lines of a rendered resource module: only the names it uses (tsc --noUnusedLocals)."""
    body = text.replace(IMPORTS_MARK, "")
    names = [f"type {n}" if only_type else n for n, only_type in _CORE_NAMES if re.search(rf"\b{n}\b", body)]
    if re.search(r"\bpaginate\b", body):
        names.append("paginate")
    lines = [f'import {{ {", ".join(names)} }} from "../core.js";'] if names else []
    if re.search(r"\bmodels\.", body):
        lines.append('import type * as models from "../models.js";')
    return "\n".join(lines)


STANDARD_TS_ERRORS = (
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
)


def _pager(
    api: ir.Api, op: ir.Operation, rendered: _Op, mapper: TypeMapper, method_names: NameAllocator
) -> dict[str, Any] | None:
    """An `<op>Iter` method when the operation pages with `offset` and answers `items` + `next_offset`."""
    offset = next((f for f in rendered.fields if f.location == "query" and f.wire == "offset"), None)
    if offset is None or op.method != "GET" or len(op.success_responses) != 1 or rendered.response != "json":
        return None
    primary = op.success_responses[0].primary
    hint = primary.hint if primary else None
    if hint is None or hint.text not in api.model_schemas:
        return None
    schema = api.model_schemas[hint.text]
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict) or "next_offset" not in props or not isinstance(props.get("items"), dict):
        return None
    item_type = mapper.type(props["items"].get("items", True), "Out")
    return {
        "name": method_names.claim(rendered.name + "Iter"),
        "item_type": item_type,
        "offset": offset.key,
    }


# -- the package ----------------------------------------------------------------------------------------


def _auth(api: ir.Api) -> list[dict[str, str]]:
    names = NameAllocator({"baseURL", "timeout", "maxRetries", "defaultHeaders", "fetch"} | TS_RESERVED)
    result = []
    for scheme in api.security_schemes:
        if scheme.kind in ("bearer", "oauth2", "openid_connect"):
            base, kind, type_ = camel_case(scheme.py_name, fallback="auth"), "bearer", "string"
            base = base if base.lower().endswith("token") else base + "Token"
            what = "a bearer token, sent as `Authorization: Bearer <token>`"
        elif scheme.kind == "api_key":
            base = camel_case(scheme.py_name, fallback="api")
            base = base if base.lower().endswith("key") else base + "Key"
            kind = {"query": "apiKeyQuery", "cookie": "apiKeyCookie"}.get(
                scheme.location or "", "apiKeyHeader"
            )
            type_ = "string"
            what = f"an API key, sent in the {scheme.location} {scheme.parameter_name}"
        elif scheme.kind == "basic":
            base, kind, type_ = (
                camel_case(scheme.py_name, fallback="basic") + "Auth",
                "basic",
                "[string, string]",
            )
            what = "[username, password] for HTTP basic authentication"
        else:
            continue
        result.append(
            {
                "option": names.claim(base),
                "scheme": ts_string(scheme.py_name),
                "kind": ts_string(kind),
                "basic": "1" if kind == "basic" else "",
                "parameter": ts_string(scheme.parameter_name or ""),
                "type": type_,
                "doc": ts_comment(f"{scheme.name}: {what}. {scheme.description}".strip()),
            }
        )
    return result


def render_sdk(api: ir.Api, *, package: str, version: str) -> dict[str, str]:
    """Every file of the SDK folder (package.json, tsconfig.json, src/...), by relative path."""
    env = Environment(
        loader=PackageLoader("specfirst", "templates/sdk_typescript"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["str"] = ts_string
    env.filters["comment"] = ts_comment
    env.filters["json"] = ts_json
    header = {"source": ts_comment(api.source), "digest": ts_comment(api.digest)}

    type_names = NameAllocator(TS_TAKEN | TS_RESERVED)
    error_names = {e["status"]: type_names.claim(e["name"]) for e in _error_classes(api)}
    resource_classes = {
        tag.py_name: type_names.claim(pascal(tag.name, fallback="Tag") + "Resource") for tag in api.tags
    }
    model_names = {name: type_names.claim(pascal(name)) for name in api.model_schemas}
    mapper = TypeMapper(api.contract, model_names, "models.")
    bodies = _error_body_types(api, mapper)
    errors = []
    for error in _error_classes(api):
        code = int(error["status"]) if error["status"].isdigit() else None
        errors.append(
            {
                "name": error_names[error["status"]],
                "status": error["status"],
                "code": code,
                "range": int(error["status"][0]) if re.match(r"^[1-5]XX$", error["status"], re.I) else None,
                "status_type": str(code) if code is not None else "number",
                "body": bodies.get(error["status"], "unknown"),
                # the type text holds the contract's string literals: in a comment it must not end it
                "body_doc": ts_comment(bodies.get(error["status"], "unknown")),
                "description": ts_comment(error["description"]),
                "base": error["base"],
                "alias": type_names.claim(error["alias"]) if error["alias"] else "",
            }
        )

    attributes = NameAllocator(CLIENT_MEMBERS | TS_RESERVED)
    files: dict[str, str] = {}
    resources = []
    for tag in api.tags:
        method_names = NameAllocator({"client", "constructor"} | CLIENT_MEMBERS)
        ops = [_operation(api, op, mapper, method_names, type_names) for op in tag.operations]
        module = re.sub(r"[^a-z0-9_]", "_", tag.py_name.lower()) or "tag"
        resource = {
            "module": module,
            "attribute": attributes.claim(camel_case(tag.name, fallback="tag")),
            "class": resource_classes[tag.py_name],
            "description": ts_comment(tag.description or tag.name),
        }
        resources.append(resource)
        text = env.get_template("resource.ts.jinja").render(
            resource=resource, operations=ops, imports=IMPORTS_MARK, **header
        )
        files[f"src/resources/{module}.ts"] = text.replace(IMPORTS_MARK, _resource_imports(text), 1)
    login = _password_flow(api)
    context = {
        "title": ts_comment(api.title),
        "package": package,
        "version": version,
        "description": ts_comment(api.description),
        "resources": resources,
        "errors": errors,
        "standard_errors": [name for name in STANDARD_TS_ERRORS if name not in {e["name"] for e in errors}],
        "user_agent": f"{package}/{version} (typescript; fetch)",
        # npm's word for "no licence granted" when the contract names none
        "license": licence(api) or "UNLICENSED",
        "errors_use_models": any("models." in str(e["body"]) for e in errors),
        "declared_union": "".join(f"\n  | {e['name']}" for e in errors) or " never",
        "declared_test": " ||\n    ".join(f"error instanceof {e['name']}" for e in errors) or "false",
        "auth": _auth(api),
        "login": login,
        "base_url": _default_base_url(api),
        "models": _model_decls(api, TypeMapper(api.contract, model_names)),
        "typescript": TYPESCRIPT_VERSION,
        **header,
    }
    for template, target in (
        ("models.ts.jinja", "src/models.ts"),
        ("errors.ts.jinja", "src/errors.ts"),
        ("client.ts.jinja", "src/client.ts"),
        ("index.ts.jinja", "src/index.ts"),
        ("package.json.jinja", "package.json"),
        ("tsconfig.json.jinja", "tsconfig.json"),
        ("README.md.jinja", "README.md"),
    ):
        files[target] = env.get_template(template).render(**context)
    for name in RUNTIME_FILES:
        files[f"src/{name}"] = (RUNTIME_DIR / name).read_text(encoding="utf-8")
    files["src/policy.ts"] = policy_ts()
    return files


def policy_ts() -> str:
    """`src/policy.ts`: the retry policy's constants, read from the Python SDK's `_retry` (its one source)."""
    from ..sdk_runtime import _retry

    constants = {
        "DEFAULT_MAX_RETRIES": _retry.DEFAULT_MAX_RETRIES,
        "DEFAULT_TIMEOUT_MS": round(_retry.DEFAULT_TIMEOUT * 1000),
        "INITIAL_RETRY_DELAY_MS": round(_retry.INITIAL_DELAY * 1000),
        "MAX_RETRY_DELAY_MS": round(_retry.MAX_DELAY * 1000),
        "JITTER": _retry.JITTER,
        "MAX_RETRY_AFTER_MS": round(_retry.MAX_RETRY_AFTER * 1000),
        "RETRY_STATUSES": sorted(_retry.RETRY_STATUSES),
        "IDEMPOTENT_METHODS": sorted(_retry.IDEMPOTENT_METHODS),
        "SHOULD_RETRY_HEADER": _retry.SHOULD_RETRY_HEADER,
        "RETRY_COUNT_HEADER": _retry.RETRY_COUNT_HEADER,
        "IDEMPOTENCY_HEADER": _retry.IDEMPOTENCY_HEADER,
        "IDEMPOTENCY_KEY_PREFIX": _retry.IDEMPOTENCY_KEY_PREFIX,
    }
    lines = [
        "// The retry policy, rendered from the generator's sdk_runtime/_retry.py (the Python SDK's copy):",
        "// both SDKs retry, wait and mark attempts the same way. Read _retry.py's docstring for the rules.",
        "",
    ]
    for name, value in constants.items():
        if isinstance(value, list):
            text = "[" + ", ".join(ts_string(v) if isinstance(v, str) else str(v) for v in value) + "]"
            element = "string" if value and isinstance(value[0], str) else "number"
            lines.append(f"export const {name}: readonly {element}[] = {text};")
        else:
            lines.append(f"export const {name} = {ts_string(value) if isinstance(value, str) else value};")
    return "\n".join(lines) + "\n"


def npm_package_name(text: str) -> str:
    return distribution_name(text)[:214]
