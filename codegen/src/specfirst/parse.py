"""Parse a validated, normalised document into the IR (`ir.Api`)."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from . import ir
from .diagnostics import Diagnostics, join_pointer
from .error_bodies import error_body, problem_fits
from .extensions import without_extensions
from .literals import py_literal
from .names import NameAllocator, field_name, pascal_case, snake_case
from .normalize import iter_schemas
from .schemas import ModelSet, Side, TypeRenderer, discriminator_tags
from .validate import deref, iter_operations

DEFAULT_TAG = "default"
# what the runtime answers about the request itself, in the `default` response's shape when that is all the
# contract declares (401, 403, 500 and 501 keep their problem bodies: `default` is often a success shape)
DEFAULT_COVERS = frozenset({400, 404, 405, 413, 422})
ERROR_STATUSES_PRODUCED = (400, 401, 403, 404, 405, 406, 413, 415, 422, 429, 500, 501, 503)
# create_app's keyword arguments are the tags' names: they must not shadow what app.py uses
RESERVED_TAG_NAMES = frozenset(
    {
        "contract",
        "create_app",
        "error_map",
        "errors",
        "fastapi_kwargs",
        "functools",
        "handlers",
        "json",
        "max_body_bytes",
        "max_file_bytes",
        "mock",
        "models",
        "responses",
        "routers",
        "rt",
        "security",
    }
)
SCHEME_KINDS = {
    "http:bearer": "bearer",
    "http:basic": "basic",
    "apiKey": "api_key",
    "oauth2": "oauth2",
}


def media_kind(media_type: str) -> ir.BodyKind:
    base = media_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return ir.BodyKind.JSON
    if base == "application/x-www-form-urlencoded":
        return ir.BodyKind.FORM
    if base.startswith("multipart/"):
        return ir.BodyKind.MULTIPART
    if base == "text/event-stream":
        return ir.BodyKind.EVENT_STREAM
    if base.startswith("text/") or base in ("application/xml", "application/yaml"):
        return ir.BodyKind.TEXT
    return ir.BodyKind.BINARY


def parse_api(document: dict[str, Any], diagnostics: Diagnostics, *, source: str, digest: str) -> ir.Api:
    return _Parser(document, diagnostics).parse(source, digest)


class _Parser:
    def __init__(self, document: dict[str, Any], diagnostics: Diagnostics) -> None:
        self.doc = document
        self.diagnostics = diagnostics
        components = document.get("components") or {}
        tags = discriminator_tags([schema for _, schema in iter_schemas(document)])
        self.models = ModelSet(dict(components.get("schemas") or {}), tags)
        self.types = TypeRenderer(self.models)
        self.bare_types = TypeRenderer(self.models, constraints=False)
        self.class_names = NameAllocator(set(self.models.names._taken))
        self.errors: dict[tuple[str, str, str | None, tuple[str, ...]], ir.ErrorClass] = {}
        self.error_names = NameAllocator()
        self.schemes = self._security_schemes(components.get("securitySchemes") or {})
        for component, class_name in self.models.renamed.items():
            diagnostics.warning(
                "name-collision",
                join_pointer("/components/schemas", component),
                f"schema {component!r} collides with another after conversion; its model is {class_name}",
            )

    def parse(self, source: str, digest: str) -> ir.Api:
        info = self.doc.get("info") or {}
        tag_docs = {t.get("name"): t for t in self.doc.get("tags") or [] if isinstance(t, dict)}
        by_tag: dict[str, list[ir.Operation]] = {}
        tag_names = NameAllocator(RESERVED_TAG_NAMES)
        tag_py: dict[str, str] = {}
        op_names = NameAllocator()
        for path, method, operation, item in iter_operations(self.doc):
            tags = operation.get("tags") or [DEFAULT_TAG]
            tag = str(tags[0])
            if tag not in tag_py:
                # a tag names a module file: keep it well inside any file system's name limit
                module = snake_case(tag, fallback="tag")
                if len(module) > 60:
                    module = snake_case(module[:60], fallback="tag")
                tag_py[tag] = tag_names.claim(module, sep="_")
            op = self._operation(path, method, operation, item, tag_py[tag], op_names)
            by_tag.setdefault(tag, []).append(op)
        class_names = NameAllocator()
        tags = tuple(
            ir.Tag(
                name=tag,
                py_name=tag_py[tag],
                class_name=class_names.claim(pascal_case(tag, fallback="Tag") + "Handlers"),
                description=str((tag_docs.get(tag) or {}).get("description", "")),
                operations=tuple(ops),
            )
            for tag, ops in by_tag.items()
        )
        return ir.Api(
            title=str(info.get("title", "API")),
            version=str(info.get("version", "0")),
            description=str(info.get("description", "")),
            source=source,
            digest=digest,
            tags=tags,
            security_schemes=tuple(self.schemes.values()),
            errors=tuple(self.errors.values()),
            model_schemas=self.models.schemas,
            contract=self.doc,
        )

    # -- security ------------------------------------------------------------------------------------

    def _security_schemes(self, raw: dict[str, Any]) -> dict[str, ir.SecurityScheme]:
        names = NameAllocator()
        schemes = {}
        for key, scheme in raw.items():
            scheme = deref(self.doc, scheme)
            if not isinstance(scheme, dict):
                continue
            kind_key = scheme.get("type", "")
            if kind_key == "http":
                kind_key = f"http:{str(scheme.get('scheme', '')).lower()}"
            kind = SCHEME_KINDS.get(kind_key, "openid_connect" if kind_key == "openIdConnect" else "")
            if not kind:
                self.diagnostics.warning(
                    "security-scheme",
                    join_pointer("/components/securitySchemes", key),
                    f"security scheme type {kind_key!r} is not supported; requests are not checked for it",
                )
                kind = "unsupported"
            schemes[key] = ir.SecurityScheme(
                name=key,
                py_name=names.claim(snake_case(key, fallback="scheme"), sep="_"),
                kind=kind,
                location=scheme.get("in") if kind == "api_key" else None,
                parameter_name=scheme.get("name") if kind == "api_key" else None,
                description=str(scheme.get("description", "")),
            )
        return schemes

    def _security(self, operation: dict[str, Any]) -> tuple[ir.SecurityRequirement, ...]:
        raw = operation.get("security", self.doc.get("security")) or []
        requirements = []
        for alternative in raw:
            if not isinstance(alternative, dict):
                continue
            if not alternative:
                return ()  # `{}` among the alternatives: anonymous access is allowed
            schemes = tuple(
                (self.schemes[name].py_name, tuple(str(s) for s in scopes or ()))
                for name, scopes in alternative.items()
                if name in self.schemes
            )
            if schemes:
                requirements.append(ir.SecurityRequirement(schemes))
        return tuple(requirements)

    # -- operations ----------------------------------------------------------------------------------

    def _operation(
        self,
        path: str,
        method: str,
        operation: dict[str, Any],
        item: dict[str, Any],
        tag: str,
        op_names: NameAllocator,
    ) -> ir.Operation:
        pointer = join_pointer("/paths", path, method)
        op_id = str(operation.get("operationId") or f"{method}_{path}")
        name = op_names.claim(snake_case(op_id, fallback="operation"), sep="_")
        if name != snake_case(op_id, fallback="operation"):
            self.diagnostics.warning(
                "name-collision",
                join_pointer(pointer, "operationId"),
                f"operationId {op_id!r} collides with another after conversion; its handler is {name!r}",
            )
        prefix = self.class_names.claim(pascal_case(name, fallback="Operation"))
        params = self._parameters(item.get("parameters"), operation.get("parameters"), prefix)
        body = self._body(operation.get("requestBody"), prefix, {p.py_name for p in params})
        responses = self._responses(operation.get("responses") or {}, prefix)
        shapes = tuple(
            shape
            for status in ERROR_STATUSES_PRODUCED
            if (shape := self._error_shape(operation.get("responses") or {}, status)) is not None
        )
        validation = next((s for s in shapes if s.status == 422), None) or next(
            (s for s in shapes if s.status == 400), None
        )
        return ir.Operation(
            operation_id=op_id,
            name=name,
            class_prefix=prefix,
            method=method.upper(),
            path=path,
            tag=tag,
            summary=str(operation.get("summary", "")),
            description=str(operation.get("description", "")),
            deprecated=bool(operation.get("deprecated", False)),
            parameters=params,
            body=body,
            responses=responses,
            security=self._security(operation),
            validation_error=validation,
            error_shapes=shapes,
        )

    def _parameters(self, shared: Any, own: Any, prefix: str) -> tuple[ir.Parameter, ...]:
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for group in (shared or [], own or []):
            for raw in group:
                param = deref(self.doc, raw)
                if isinstance(param, dict) and "name" in param and "in" in param:
                    merged[(str(param["in"]), str(param["name"]))] = param
        names = NameAllocator({"self", "body"})
        result = []
        # path first, then required before optional: the order a person would write the signature in
        ordered = sorted(
            merged.values(),
            key=lambda p: (p["in"] != "path", not p.get("required", False)),
        )
        for param in ordered:
            location = ir.Location(param["in"]) if param["in"] in ir.Location.__members__.values() else None
            if location is None:
                continue
            if location is ir.Location.HEADER and str(param["name"]).lower() in (
                "accept",
                "content-type",
                "authorization",
            ):
                continue  # OpenAPI says these are ignored as parameters
            schema = param.get("schema")
            if schema is None and isinstance(param.get("content"), dict) and param["content"]:
                schema = next(iter(param["content"].values())).get("schema")
            schema = schema if isinstance(schema, dict) else {}
            resolved = deref(self.doc, schema)
            required = bool(param.get("required", False)) or location is ir.Location.PATH
            py_name = names.claim(field_name(str(param["name"]), fallback="param"), sep="_")
            hoist_as = f"{prefix}{pascal_case(py_name)}"
            annotation = self.types.render(schema, Side.REQUEST, hoist_as)
            type_ = self.bare_types.render(schema, Side.REQUEST, hoist_as)
            is_array = isinstance(resolved, dict) and resolved.get("type") == "array"
            nullable = admits_null(self.doc, schema)
            default = None
            if isinstance(resolved, dict) and "default" in resolved and not required:
                default = py_literal(resolved["default"])
            elif not required:
                if not nullable:  # absent is None for the handler; a nullable type has it already
                    type_ = type_.wrap("{} | None")
                    annotation = annotation.wrap("{} | None")
                default = "None"
            result.append(
                ir.Parameter(
                    name=str(param["name"]),
                    py_name=py_name,
                    location=location,
                    required=required,
                    type=type_,
                    annotation=annotation,
                    default=default,
                    is_array=is_array,
                    nullable=nullable,
                    explode=bool(param.get("explode", param.get("style", "form") == "form")),
                    description=str(param.get("description", "")),
                )
            )
        return tuple(result)

    def _body(self, raw: Any, prefix: str, taken: set[str]) -> ir.RequestBody | None:
        if raw is None:
            return None
        body = deref(self.doc, raw)
        if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
            return None
        contents: list[ir.BodyContent] = []
        for media_type, media in body["content"].items():
            kind = media_kind(media_type)
            schema = (media or {}).get("schema")
            type_ = hint = None
            files: tuple[ir.FilePart, ...] = ()
            if isinstance(schema, dict) and kind in (
                ir.BodyKind.JSON,
                ir.BodyKind.FORM,
                ir.BodyKind.MULTIPART,
            ):
                suffix = "Body" if len(contents) == 0 else f"Body{len(contents) + 1}"
                type_ = self.types.render(schema, Side.REQUEST, f"{prefix}{suffix}")
                hint = self.bare_types.render(schema, Side.REQUEST, f"{prefix}{suffix}")
                if kind is ir.BodyKind.MULTIPART:
                    files = self._file_fields(schema, (media or {}).get("encoding") or {})
            contents.append(ir.BodyContent(media_type, kind, type_, hint, files))
        py_name = "body" if "body" not in taken else "request_body"
        limit = body.get("x-max-body-bytes")  # the operation's own body limit (an int, else ignored)
        return ir.RequestBody(
            required=bool(body.get("required", False)),
            contents=tuple(contents),
            description=str(body.get("description", "")),
            py_name=py_name,
            max_bytes=limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None,
        )

    def _file_fields(self, schema: dict[str, Any], encoding: dict[str, Any]) -> tuple[ir.FilePart, ...]:
        resolved = deref(self.doc, schema)
        props = resolved.get("properties") if isinstance(resolved, dict) else None
        fields = []
        for name, prop in (props or {}).items():
            prop = deref(self.doc, prop)
            items = deref(self.doc, prop.get("items", {})) if prop.get("type") == "array" else prop
            if isinstance(items, dict) and (
                items.get("format") == "binary" or "contentMediaType" in items or items.get("contentEncoding")
            ):
                declared = (
                    (encoding.get(name) or {}).get("contentType") or items.get("contentMediaType") or ""
                )
                media_types = tuple(t.strip().lower() for t in str(declared).split(",") if t.strip())
                limit = items.get("maxLength")
                fields.append(ir.FilePart(str(name), limit if isinstance(limit, int) else None, media_types))
        return tuple(fields)

    def _responses(self, raw: dict[str, Any], prefix: str) -> tuple[ir.Response, ...]:
        result = []
        for status, response in without_extensions(raw).items():
            status = str(status)
            response = deref(self.doc, response)
            if not isinstance(response, dict):
                continue
            label = _status_label(status)
            contents: list[ir.BodyContent] = []
            for media_type, media in (response.get("content") or {}).items():
                kind = media_kind(media_type)
                schema = (media or {}).get("schema")
                type_ = hint = None
                if isinstance(schema, dict) and kind in (ir.BodyKind.JSON,):
                    type_ = self.types.render(schema, Side.RESPONSE, f"{prefix}{label}Response")
                    hint = self.bare_types.render(schema, Side.RESPONSE, f"{prefix}{label}Response")
                contents.append(ir.BodyContent(media_type, kind, type_, hint))
            headers = self._headers(response.get("headers") or {}, f"{prefix}{label}")
            success = status.startswith("2")
            if success:
                class_name = self.class_names.claim(f"{prefix}{label}")
            else:
                class_name = self._error_class(
                    status, contents, headers, str(response.get("description", ""))
                )
            result.append(
                ir.Response(
                    status,
                    str(response.get("description", "")),
                    tuple(contents),
                    headers,
                    class_name,
                )
            )
        return tuple(sorted(result, key=lambda r: (r.status == "default", r.status)))

    def _headers(self, raw: dict[str, Any], hoist_prefix: str) -> tuple[ir.Header, ...]:
        names = NameAllocator({"body"})
        headers = []
        for name, header in raw.items():
            if str(name).lower() == "content-type":
                continue
            header = deref(self.doc, header)
            if not isinstance(header, dict):
                continue
            schema = header.get("schema") if isinstance(header.get("schema"), dict) else {"type": "string"}
            type_ = self.bare_types.render(schema, Side.RESPONSE, f"{hoist_prefix}{pascal_case(name)}")
            required = bool(header.get("required", False))
            headers.append(
                ir.Header(
                    name=str(name),
                    py_name=names.claim(field_name(str(name), fallback="header"), sep="_"),
                    required=required,
                    type=type_ if required else type_.wrap("{} | None"),
                    description=str(header.get("description", "")),
                )
            )
        return tuple(headers)

    def _error_class(
        self,
        status: str,
        contents: list[ir.BodyContent],
        headers: tuple[ir.Header, ...],
        description: str,
    ) -> str:
        primary = contents[0] if contents else None
        body = primary.hint if primary else None
        key = (
            status,
            body.text if body else "",
            primary.media_type if primary else None,
            tuple(h.name for h in headers),
        )
        if key not in self.errors:
            base = _status_label(status) if status != "default" else "Default"
            if not base.endswith("Error"):
                base += "Error"
            name = (
                self.error_names.claim(base)
                if base not in self.error_names
                else self.error_names.claim((body.text if body and body.text.isidentifier() else "") + base)
            )
            self.class_names.claim(name)
            self.errors[key] = ir.ErrorClass(
                name=name,
                status=status,
                body=body,
                media_type=primary.media_type if primary else None,
                headers=headers,
                description=description,
            )
        return self.errors[key].name

    def _error_shape(self, responses: dict[str, Any], status: int) -> ir.ErrorShape | None:
        raw = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
        if raw is None and status in DEFAULT_COVERS:
            raw = responses.get("default")
        if raw is None:
            return None
        response = deref(self.doc, raw)
        content = response.get("content") if isinstance(response, dict) else None
        if not content:
            return ir.ErrorShape(status, "", None)
        media_type, media = next(iter(content.items()))
        schema = deref(self.doc, (media or {}).get("schema") or {})
        fields = None
        if isinstance(schema, dict):
            props = {}
            for part in [schema, *[deref(self.doc, s) for s in schema.get("allOf", [])]]:
                if isinstance(part, dict) and isinstance(part.get("properties"), dict):
                    props.update(part["properties"])
            # FastAPI's HTTPValidationError: `detail` is the list of errors, not a sentence
            detail = deref(self.doc, props.get("detail", {}))
            if isinstance(detail, dict) and detail.get("type") == "array":
                props = {("detail[]" if name == "detail" else name): value for name, value in props.items()}
            fields = tuple(props) if props else None
            if not problem_fits(self.doc, schema, status, fields):
                own = error_body(self.doc, schema, status)
                if own is not None:
                    return ir.ErrorShape(
                        status, media_type, fields, own.template, own.message, own.errors, own.status
                    )
        return ir.ErrorShape(status, media_type, fields)


def _status_label(status: str) -> str:
    if status.isdigit():
        try:
            phrase = HTTPStatus(int(status)).phrase
        except ValueError:
            return f"Status{status}"
        return re.sub(r"[^A-Za-z0-9]", "", phrase.title())
    return "Status" + status if status != "default" else "Default"


def admits_null(doc: dict[str, Any], schema: Any, depth: int = 0) -> bool:
    """Whether `schema` (3.1 shape) accepts null: `type: null` or a list with it, or a branch that does."""
    schema = deref(doc, schema)
    if not isinstance(schema, dict) or depth > 20:
        return False
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if "const" in schema and schema["const"] is None:
        return True
    if isinstance(schema.get("enum"), list) and None in schema["enum"] and kind is None:
        return True
    branches = [b for key in ("anyOf", "oneOf") if isinstance(schema.get(key), list) for b in schema[key]]
    return any(admits_null(doc, branch, depth + 1) for branch in branches)
