"""The Python SDK package: a client and an async client, resources per tag, errors, models, the runtime.

Everything a template needs is computed here from the IR, so templates only place text. The SDK's
hand-written core (`codegen/sdk_runtime/`) is copied in verbatim; `models.py` is the same
datamodel-code-generator output the server uses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .. import ir
from ..literals import comment, docstring, py_literal
from ..names import NameAllocator, pascal_case, snake_case

RUNTIME_DIR = Path(__file__).resolve().parent.parent / "sdk_runtime"
RUNTIME_MODULES = (
    "_base",
    "_errors",
    "_files",
    "_forward",
    "_pagination",
    "_response",
    "_retry",
    "_streaming",
)
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
# keyword arguments every method takes; a parameter of the same name is renamed
CALL_OPTIONS = frozenset(
    {"self", "extra_headers", "extra_query", "timeout", "max_retries", "idempotency_key"}
)
# attributes of the generated clients: a tag of the same name gets a trailing underscore
CLIENT_ATTRIBUTES = frozenset(
    {
        "base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "request",
        "close",
        "set_credential",
        "password_login",
        "login",
        "with_raw_response",
        "with_options",
    }
)
LINE_MEDIA_TYPES = ("text/csv", "text/tab-separated-values", "application/x-ndjson", "application/jsonl")
# PEP 440, as packaging spells it (public and local versions)
_PEP440 = re.compile(
    r"^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?"
    r"(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$",
    re.IGNORECASE,
)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("specfirst", "templates/sdk_python"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["lit"] = py_literal
    env.filters["doc"] = lambda text, indent="    ": docstring(str(text), indent=indent)
    env.filters["comment"] = comment
    env.filters["toml"] = toml_string
    return env


def toml_string(text: object) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    out = []
    for char in str(text):
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F or 0xD800 <= ord(char) <= 0xDFFF:
            out.append(f"\\u{ord(char) if ord(char) < 0xD800 else 0xFFFD:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# -- names ----------------------------------------------------------------------------------------------


def distribution_name(text: str) -> str:
    """`Item Store API` -> `item-store-api` (a valid, normalised distribution name)."""
    words = [w.lower() for w in re.split(r"[^A-Za-z0-9]+", snake_case(text, fallback="api")) if w]
    return "-".join(words) or "api-client"


def package_name(distribution: str) -> str:
    name = snake_case(distribution, fallback="api").rstrip("_")
    return name if name.isidentifier() and not name[0].isdigit() else f"api_{name}"


def package_version(version: str) -> str:
    return version.strip() if _PEP440.match(version.strip()) else "0.0.0"


def _status_label(status: str) -> str:
    if status.isdigit():
        try:
            phrase = HTTPStatus(int(status)).phrase
        except ValueError:
            return f"Status{status}"
        return re.sub(r"[^A-Za-z0-9]", "", phrase.title())
    return "Status" + status


# -- operations -----------------------------------------------------------------------------------------


_BODY_KINDS = {
    ir.BodyKind.JSON: "json",
    ir.BodyKind.FORM: "form",
    ir.BodyKind.MULTIPART: "multipart",
    ir.BodyKind.TEXT: "text",
    ir.BodyKind.EVENT_STREAM: "text",
}


def request_body_kind(content: ir.BodyContent) -> str:
    """How both SDKs encode a request body: json, form, multipart, text or binary."""
    return _BODY_KINDS.get(content.kind, "binary")


@dataclass
class _Arg:
    name: str
    type: str
    default: str | None = None  # None: required


@dataclass
class _Op:
    name: str
    summary: str
    description: str
    deprecated: bool
    method: str
    path: str
    positional: list[_Arg]
    keyword: list[_Arg]
    path_params: list[tuple[str, str]]
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    cookies: list[tuple[str, str]]
    unexploded: list[str]
    body: dict[str, Any] | None
    security: tuple[tuple[str, ...], ...]
    success: list[tuple[str, str, str]]  # status, kind, type expression
    errors: list[tuple[str, str]]  # status, type expression
    returns: str
    async_returns: str
    idempotency_key: bool
    pager: dict[str, Any] | None = None
    types: list[ir.TypeExpr | None] = field(default_factory=list)


def _is_models(hint: ir.TypeExpr | None) -> bool:
    """True when the hint is one model or a union of models (so a plain dict may stand in)."""
    return hint is not None and bool(hint.models) and set(hint.text.split(" | ")) <= hint.models


def _response_kind(content: ir.BodyContent | None) -> str:
    if content is None or content.kind is ir.BodyKind.EMPTY:
        return "empty"
    if content.kind is ir.BodyKind.JSON:
        return "json"
    if content.kind is ir.BodyKind.EVENT_STREAM:
        return "events"
    if content.kind is ir.BodyKind.TEXT:
        base = content.media_type.split(";")[0].strip().lower()
        return "lines" if base in LINE_MEDIA_TYPES else "text"
    if content.kind is ir.BodyKind.BINARY:
        base = content.media_type.split(";")[0].strip().lower()
        return "lines" if base in LINE_MEDIA_TYPES else "bytes"
    return "text"


_RETURN = {
    "empty": ("None", "None"),
    "events": ("_streaming.EventStream", "_streaming.AsyncEventStream"),
    "lines": ("_streaming.LineStream", "_streaming.AsyncLineStream"),
    "text": ("str", "str"),
    "bytes": ("bytes", "bytes"),
}


def _operation(op: ir.Operation, schemas: dict[str, Any], taken: NameAllocator) -> _Op:
    names = NameAllocator(CALL_OPTIONS)
    positional: list[_Arg] = []
    keyword: list[_Arg] = []
    by_location: dict[ir.Location, list[tuple[str, str]]] = {loc: [] for loc in ir.Location}
    types: list[ir.TypeExpr | None] = []
    for param in op.parameters:
        py_name = names.claim(param.py_name, sep="_")
        by_location[param.location].append((param.name, py_name))
        types.append(param.type)
        if param.location is ir.Location.PATH:
            positional.append(_Arg(py_name, param.type.text))
        elif param.required:
            keyword.append(_Arg(py_name, param.type.text))
        else:
            text = param.type.text if param.default == "None" else f"{param.type.text} | None"
            keyword.append(_Arg(py_name, text, "None"))
    body = None
    if op.body is not None and op.body.contents:
        content = op.body.contents[0]
        kind = request_body_kind(content)
        if kind in ("json", "form", "multipart"):
            if content.hint is None:
                text = "_typing.Any"
            elif _is_models(content.hint) or kind != "json":
                text = f"{content.hint.text} | _typing.Mapping[str, _typing.Any]"
            else:
                text = content.hint.text
            types.append(content.hint)
        elif kind == "text":
            text = "str"
        else:
            text = "bytes | _files.FileInput"
        py_name = names.claim(op.body.py_name, sep="_")
        if not op.body.required:
            text += " | None"
        keyword.append(_Arg(py_name, text, None if op.body.required else "None"))
        body = {
            "name": py_name,
            "kind": kind,
            "content_type": content.media_type,
            "file_fields": {f.name: list(f.media_types) for f in content.file_fields},
        }
    success: list[tuple[str, str, str]] = []
    returns: list[str] = []
    async_returns: list[str] = []
    for response in op.success_responses:
        kind = _response_kind(response.primary)
        if kind == "json":
            hint = response.primary.hint if response.primary else None
            expr = hint.text if hint is not None else "_typing.Any"
            types.append(hint)
            sync_type = async_type = expr
            if _is_models(hint) and " | " in expr:  # a union of models: a newer server's variant
                sync_type = async_type = f"{expr} | _forward.UnknownVariant"
        else:
            expr = "None"
            sync_type, async_type = _RETURN[kind]
        success.append((response.status, kind, expr))
        returns.append(sync_type)
        async_returns.append(async_type)
    errors = []
    for response in op.error_responses:
        error_content = response.primary
        if error_content is not None and error_content.kind is ir.BodyKind.JSON and error_content.hint:
            errors.append((response.status, error_content.hint.text))
            types.append(error_content.hint)
    name = taken.claim(op.name, sep="_")
    result = _Op(
        name=name,
        summary=op.summary or op.name,
        description=("Deprecated. " if op.deprecated else "") + op.description,
        deprecated=op.deprecated,
        method=op.method,
        path=op.path,
        positional=positional,
        keyword=keyword,
        path_params=by_location[ir.Location.PATH],
        query=by_location[ir.Location.QUERY],
        headers=by_location[ir.Location.HEADER],
        cookies=by_location[ir.Location.COOKIE],
        unexploded=[p.name for p in op.parameters if p.is_array and not p.explode],
        body=body,
        security=tuple(tuple(scheme for scheme, _scopes in req.schemes) for req in op.security),
        success=success,
        errors=errors,
        returns=" | ".join(dict.fromkeys(returns)) or "None",
        async_returns=" | ".join(dict.fromkeys(async_returns)) or "None",
        idempotency_key=op.method not in IDEMPOTENT,
        types=types,
    )
    result.pager = _pager(op, result, schemas, taken)
    return result


def _pager(
    op: ir.Operation, rendered: _Op, schemas: dict[str, Any], taken: NameAllocator
) -> dict[str, Any] | None:
    """An `<op>_iter` method when the operation pages with offsets (see `_pagination`)."""
    query = {wire: py for wire, py in rendered.query}
    if "offset" not in query or op.method != "GET" or len(rendered.success) != 1:
        return None
    _status, kind, expr = rendered.success[0]
    if kind != "json":
        return None
    schema = schemas.get(expr) if expr.isidentifier() else None
    props = schema.get("properties") if isinstance(schema, dict) else None
    item_type = "_typing.Any"
    if isinstance(props, dict) and isinstance(props.get("items"), dict):
        items = props["items"].get("items")
        ref = items.get("$ref") if isinstance(items, dict) else None
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            candidate = ref.rsplit("/", 1)[1]
            if candidate in schemas and candidate.isidentifier():
                item_type = candidate
        mode = "next_offset" if "next_offset" in props else "offset"
        if mode == "offset" and "limit" not in query:
            return None
    elif expr.startswith("list[") and "limit" in query:
        mode = "offset"
        inner = expr[len("list[") : -1]
        item_type = inner if inner.isidentifier() else "_typing.Any"
    else:
        return None
    return {
        "name": taken.claim(f"{rendered.name}_iter", sep="_"),
        "item_type": item_type,
        "mode": mode,
        "offset": query["offset"],
        "limit": query.get("limit"),
    }


def _imports(types: list[ir.TypeExpr | None]) -> tuple[list[str], list[str]]:
    lines: set[str] = set()
    models: set[str] = set()
    for tp in types:
        if tp is not None:
            lines |= tp.imports
            models |= tp.models
    return sorted(lines), sorted(models)


# -- the package ----------------------------------------------------------------------------------------


def _auth_arguments(api: ir.Api) -> list[dict[str, str]]:
    names = NameAllocator({"self", "base_url", "timeout", "max_retries", "default_headers", "http_client"})
    result = []
    for scheme in api.security_schemes:
        if scheme.kind in ("bearer", "oauth2", "openid_connect"):
            base = scheme.py_name if scheme.py_name.endswith("token") else f"{scheme.py_name}_token"
            kind, type_ = "bearer", "str | None"
            what = "a bearer token, sent as `Authorization: Bearer <token>`"
        elif scheme.kind == "api_key":
            base = scheme.py_name if scheme.py_name.endswith("key") else f"{scheme.py_name}_key"
            kind, type_ = "api_key", "str | None"
            what = f"an API key, sent in the {scheme.location} {scheme.parameter_name!r}"
        elif scheme.kind == "basic":
            base = f"{scheme.py_name}_auth" if scheme.py_name != "basic" else "basic_auth"
            kind, type_ = "basic", "tuple[str, str] | None"
            what = "(username, password) for HTTP basic authentication"
        else:
            continue
        result.append(
            {
                "name": names.claim(snake_case(base, fallback="credential"), sep="_"),
                "scheme": scheme.py_name,
                "kind": kind,
                "location": scheme.location or "",
                "parameter": scheme.parameter_name or "",
                "type": type_,
                "doc": f"{scheme.name}: {what}. {scheme.description}".strip(),
            }
        )
    return result


def _password_flow(api: ir.Api) -> dict[str, str] | None:
    raw = (api.contract.get("components") or {}).get("securitySchemes") or {}
    for scheme in api.security_schemes:
        if scheme.kind != "oauth2":
            continue
        flows = (raw.get(scheme.name) or {}).get("flows") or {}
        token_url = (flows.get("password") or {}).get("tokenUrl")
        if isinstance(token_url, str) and token_url:
            return {"scheme": scheme.py_name, "token_url": token_url}
    return None


def _error_bodies(api: ir.Api) -> dict[str, dict[str, ir.TypeExpr] | None]:
    """Per declared error status, the JSON models the operations declare for it, by type text; None
    when one of them declares none (its body is then not typed)."""
    bodies: dict[str, dict[str, ir.TypeExpr] | None] = {}
    for op in api.operations:
        for response in op.error_responses:
            content = response.primary
            hint = content.hint if content is not None and content.kind is ir.BodyKind.JSON else None
            found = bodies.setdefault(response.status, {})
            if hint is None or re.search(r"\bAny\b", hint.text):
                bodies[response.status] = None
            elif found is not None:
                found[hint.text] = hint
    return bodies


# the classes every SDK has (openai-python's set), by status; the runtime maps them when the contract
# declares nothing for a status, and a declared status's class subclasses its standard one
STANDARD_ERRORS = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
    "500": "InternalServerError",
}
RUNTIME_ERRORS = (
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    *STANDARD_ERRORS.values(),
)


def _error_classes(api: ir.Api) -> list[dict[str, str]]:
    """One class per declared error status, with `body` typed as the union of its models (or "").

    A standard status keeps the standard name (`NotFoundError`) and subclasses the runtime's class of
    that name, so `except item_store_api.NotFoundError` catches it whether or not the contract declares
    a body for it; the HTTP phrase's name (`UnauthorizedError`) stays as an alias when it differs.
    """
    declared: dict[str, dict[str, str]] = {}
    bodies = _error_bodies(api)
    known = {e.status: e for e in reversed(api.errors)}
    names = NameAllocator(set(RUNTIME_ERRORS) - set(STANDARD_ERRORS.values()))
    for op in api.operations:
        for response in op.error_responses:
            if response.status == "default" or response.status in declared:
                continue
            error = known.get(response.status)
            union = bodies.get(response.status)
            label = _status_label(response.status) + "Error"
            standard = STANDARD_ERRORS.get(response.status)
            if standard is not None:
                base = standard
            elif response.status[0] == "5":
                base = "InternalServerError"
            else:
                base = "APIStatusError"
            name = names.claim(standard or label)
            declared[response.status] = {
                "status": response.status,
                "name": name,
                "base": base,
                "alias": names.claim(label) if standard is not None and label != standard else "",
                "description": error.description if error else response.description,
                "body": " | ".join(sorted(union)) if union else "",
            }
    return sorted(declared.values(), key=lambda e: e["status"])


def licence(api: ir.Api) -> str | None:
    """The contract's `info.license` as an SPDX expression (its `identifier`, else a one-word name)."""
    info = api.contract.get("info") or {}
    licence = info.get("license") if isinstance(info, dict) else None
    if not isinstance(licence, dict):
        return None
    for key in ("identifier", "name"):
        value = licence.get(key)
        if isinstance(value, str) and re.fullmatch(
            r"[A-Za-z0-9.+-]+(?: (?:AND|OR|WITH) [A-Za-z0-9.+-]+)*", value
        ):
            return value
    return None


def _default_base_url(api: ir.Api) -> str | None:
    servers = api.contract.get("servers") or []
    url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    if isinstance(url, str) and re.match(r"^https?://[^{}\s]+$", url):
        return url.rstrip("/")
    return None


def render_sdk(api: ir.Api, models_source: str, *, distribution: str, version: str) -> dict[str, str]:
    """Every file of the SDK folder (pyproject.toml, src/<package>/...), by relative path."""
    env = environment()
    package = package_name(distribution)
    root = f"src/{package}"
    header = {"source": api.source, "digest": api.digest}
    model_names = set(api.model_schemas)
    class_names = NameAllocator(model_names | {"Client", "AsyncClient"})
    attributes = NameAllocator(CLIENT_ATTRIBUTES)
    resources = []
    files: dict[str, str] = {}
    for tag in api.tags:
        stem = pascal_case(tag.name, fallback="Tag")
        taken = NameAllocator({"with_raw_response", "_client"})
        ops = [_operation(op, api.model_schemas, taken) for op in tag.operations]
        imports, models = _imports([t for op in ops for t in op.types])
        resource = {
            "module": tag.py_name,
            "attribute": attributes.claim(tag.py_name, sep="_"),
            "name": tag.name,
            "description": tag.description,
            "sync": class_names.claim(f"{stem}Resource"),
            "async": class_names.claim(f"Async{stem}Resource"),
            "sync_raw": class_names.claim(f"{stem}ResourceWithRawResponse"),
            "async_raw": class_names.claim(f"Async{stem}ResourceWithRawResponse"),
        }
        resources.append(resource)
        files[f"{root}/resources/{tag.py_name}.py"] = env.get_template("resource.py.jinja").render(
            resource=resource, operations=ops, imports=imports, models=models, **header
        )
    errors = _error_classes(api)
    typed = {e["status"] for e in errors if e["body"]}
    bodies = _error_bodies(api)
    error_types = [t for status in sorted(typed) for t in (bodies[status] or {}).values()]
    error_imports, error_models = _imports(list(error_types))
    login = _password_flow(api)
    context = {
        "title": api.title,
        "version": version,
        "api_version": api.version,
        "description": api.description,
        "distribution": distribution,
        "package": package,
        "resources": resources,
        "errors": errors,
        "runtime_errors": [e for e in RUNTIME_ERRORS if e not in {d["name"] for d in errors}],
        "error_imports": error_imports,
        "error_models": error_models,
        "auth": _auth_arguments(api),
        "login": login,
        "login_name": "login",
        "base_url": _default_base_url(api),
        "license": licence(api),
        "email": "EmailStr" in models_source or "NameEmail" in models_source,
        **header,
    }
    files[f"{root}/resources/__init__.py"] = env.get_template("resources_init.py.jinja").render(**context)
    files[f"{root}/_client.py"] = env.get_template("client.py.jinja").render(**context)
    files[f"{root}/errors.py"] = env.get_template("errors.py.jinja").render(**context)
    files[f"{root}/__init__.py"] = env.get_template("init.py.jinja").render(**context)
    files[f"{root}/models.py"] = forward_compatible_models(models_source)
    files[f"{root}/py.typed"] = ""
    for module in RUNTIME_MODULES:
        files[f"{root}/{module}.py"] = (RUNTIME_DIR / f"{module}.py").read_text(encoding="utf-8")
    files["pyproject.toml"] = env.get_template("pyproject.toml.jinja").render(**context)
    files["README.md"] = env.get_template("README.md.jinja").render(**context)
    return files


_CLASS = re.compile(r"^class (\w+)\((.*)\):", re.MULTILINE)


def forward_compatible_models(source: str) -> str:
    """The server's `models.py` made a client's: what a newer server sends is kept, absent reads as None.

    datamodel-code-generator writes the models for the server (closed enums, `extra="forbid"` where the
    contract says `additionalProperties: false`, pydantic's `MISSING` for absent optional fields). An SDK
    reads answers from servers newer than itself, so here:

    - every model allows extra fields (kept as attributes and in `model_extra`), as openai-python's do;
    - every `StrEnum`/`IntEnum` is open (`_forward.OpenStrEnum`): an unknown value is a member, not a
      validation failure (and a page with one such value is not parsed again leniently);
    - an absent optional field reads `None` (`model_fields_set` still tells absent from null), where
      `MISSING` was truthy, printed "MISSING" and needed a pydantic import to narrow.
    RootModels keep their config (pydantic refuses `extra` on them).
    """
    source = re.sub(r" \| MISSING(?= \| None\b)", "", source)
    source = re.sub(r"\bMISSING \| ", "", source)
    source = re.sub(r" \| MISSING\b", " | None", source)
    source = re.sub(r"= MISSING$", "= None", source, flags=re.MULTILINE)
    source = re.sub(r"^(class \w+\()StrEnum\):", r"\1_OpenStrEnum):", source, flags=re.MULTILINE)
    source = re.sub(r"^(class \w+\()IntEnum\):", r"\1_OpenIntEnum):", source, flags=re.MULTILINE)
    parts = []
    classes = list(_CLASS.finditer(source))
    cursor = 0
    for index, match in enumerate(classes):
        end = classes[index + 1].start() if index + 1 < len(classes) else len(source)
        body = source[match.start() : end]
        if "RootModel" not in match.group(2):
            body = re.sub(r"""\bextra=["']\w+["'],?\s*""", "", body)
            config = "\n    model_config = ConfigDict("
            body = body.replace(config, config + 'extra="allow", ', 1)
        parts.append(source[cursor : match.start()] + body)
        cursor = end
    source = "".join(parts) + source[cursor:]
    used = {"_OpenStrEnum": "OpenStrEnum", "_OpenIntEnum": "OpenIntEnum"}
    wanted = [f"{name} as {alias}" for alias, name in used.items() if alias in source]

    def keep_used(match: re.Match[str]) -> str:
        names = [n.strip() for n in match.group(2).split(",")]
        names = [n for n in names if re.search(rf"\b{re.escape(n.split(' as ')[-1])}\b", body_text)]
        return f"{match.group(1)}{', '.join(names)}\n" if names else ""

    body_text = re.sub(r"^from [\w.]+ import .*$", "", source, flags=re.MULTILINE)
    source = re.sub(r"^(from (?:enum|pydantic) import )(.*)\n", keep_used, source, flags=re.MULTILINE)
    if wanted:
        source = source.replace(
            "\nfrom __future__ import annotations\n",
            f"\nfrom __future__ import annotations\n\nfrom ._forward import {', '.join(wanted)}\n",
            1,
        )
    return source


def models_header(api: ir.Api) -> str:
    header = environment().get_template("header.jinja").render(source=api.source, digest=api.digest)
    return header.rstrip("\n")


def contract_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
