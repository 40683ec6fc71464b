"""The server package: handler interfaces, result and error classes, routers, security and `create_app`.

Everything a template needs is computed here from the IR, so templates only place text.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .. import ir
from ..diagnostics import Diagnostics
from ..literals import comment, docstring, py_literal
from ..mock_data import mock_answers, mocks_json
from ..runtime_requirement import RuntimeRequirement

RUNTIME_IMPORT = "import specfirst_runtime as rt"


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("specfirst", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["lit"] = py_literal
    env.filters["lit_tuple"] = lambda values: py_literal(tuple(values))
    env.filters["doc"] = lambda text, indent="    ": docstring(str(text), indent=indent)
    env.filters["comment"] = comment
    env.filters["content"] = _content
    env.filters["shape"] = _shape
    return env


def _content(content: ir.BodyContent) -> str:
    args = [py_literal(content.media_type), py_literal(content.kind.value)]
    if content.type is not None:
        args.append(content.type.text)
    if content.file_fields:
        parts = [
            f"rt.FilePart({py_literal(f.name)}, {py_literal(f.max_bytes)}, {py_literal(f.media_types)})"
            for f in content.file_fields
        ]
        args.append("files=(" + "".join(p + ", " for p in parts) + ")")
    return f"rt.Content({', '.join(args)})"


def _shape(shape: ir.ErrorShape) -> str:
    fields = (
        "None"
        if shape.fields is None
        else (
            "frozenset({" + ", ".join(py_literal(f) for f in shape.fields) + "})"
            if shape.fields
            else "frozenset()"
        )
    )
    if shape.template is None:
        return f"rt.ErrorShape({shape.status}, {py_literal(shape.media_type)}, {fields})"
    own = ", ".join(
        f"{name}={py_literal(value)}"
        for name, value in (
            ("template", shape.template),
            ("message", shape.message_key),
            ("errors", shape.errors_key),
            ("code", shape.status_key),
        )
        if value is not None
    )
    return f"rt.ErrorShape({shape.status}, {py_literal(shape.media_type)}, {fields}, {own})"


@dataclass(frozen=True)
class _Argument:
    name: str
    type: str


def _imports(types: list[ir.TypeExpr | None], extra: list[str], models_from: str) -> list[str]:
    """Import lines for the given annotations (ruff sorts them and drops any left unused)."""
    lines = set(extra)
    models: set[str] = set()
    for tp in types:
        if tp is not None:
            lines |= tp.imports
            models |= tp.models
    result = sorted(lines)
    if models:
        result.append(f"from {models_from} import {', '.join(sorted(models))}")
    return result


def _return_type(op: ir.Operation) -> tuple[str, list[ir.TypeExpr | None]]:
    if not op.plain_return:
        names = [f"responses.{r.class_name}" for r in op.success_responses]
        return " | ".join(names) if names else "None", []
    if not op.success_responses:
        return "None", []
    content = op.success_responses[0].primary
    if content is None or content.kind is ir.BodyKind.EMPTY:
        return "None", []
    return _body_type(content), [content.hint]


def _body_type(content: ir.BodyContent) -> str:
    if content.kind is ir.BodyKind.JSON:
        return content.hint.text if content.hint else "Any"
    if content.kind is ir.BodyKind.EVENT_STREAM:
        return "rt.EventStream"
    if content.kind is ir.BodyKind.TEXT:
        return "str | rt.StreamBody"
    return "bytes | rt.StreamBody"


def _request_type(body: ir.RequestBody) -> tuple[str, list[ir.TypeExpr | None]]:
    parts: list[str] = []
    types: list[ir.TypeExpr | None] = []
    for content in body.contents:
        if content.hint is not None:
            parts.append(content.hint.text)
            types.append(content.hint)
        elif content.kind in (ir.BodyKind.TEXT, ir.BodyKind.EVENT_STREAM):
            parts.append("str")
        elif content.kind in (ir.BodyKind.FORM, ir.BodyKind.MULTIPART):
            parts.append("dict[str, Any]")
        elif content.kind is ir.BodyKind.JSON:
            parts.append("Any")
        else:
            parts.append("bytes")
    text = " | ".join(dict.fromkeys(parts)) or "bytes"
    if not body.required:
        text += " | None"
    return text, types


def handler_tags(api: ir.Api) -> tuple[list[dict[str, Any]], list[ir.TypeExpr | None], bool]:
    """Per tag, each operation's handler method (name, keyword arguments, return type), the types they
    use, and whether any returns a result class: what the interfaces declare and `init`'s stubs implement.
    """
    tags = []
    types: list[ir.TypeExpr | None] = []
    any_results = False
    for tag in api.tags:
        ops = []
        for op in tag.operations:
            arguments = [_Argument(p.py_name, p.type.text) for p in op.parameters]
            types.extend(p.type for p in op.parameters)
            if op.body is not None:
                body_text, body_types = _request_type(op.body)
                arguments.append(_Argument(op.body.py_name, body_text))
                types.extend(body_types)
            returns, return_types = _return_type(op)
            types.extend(return_types)
            any_results = any_results or not op.plain_return
            ops.append(
                {
                    "name": op.name,
                    "operation_id": op.operation_id,
                    "summary": op.summary,
                    "description": op.description,
                    "arguments": arguments,
                    "returns": returns,
                    "operation": op,
                }
            )
        tags.append(
            {
                "class_name": tag.class_name,
                "name": tag.name,
                "py_name": tag.py_name,
                "description": tag.description,
                "operations": ops,
            }
        )
    return tags, types, any_results


def render_handlers(env: Environment, api: ir.Api, header: dict[str, str]) -> str:
    tags, types, any_results = handler_tags(api)
    extra = ["from typing import Any, Protocol", RUNTIME_IMPORT]
    if any_results:
        extra.append("from . import responses")
    imports = _imports(types, extra, ".models")
    return env.get_template("handlers.py.jinja").render(tags=tags, imports=imports, **header)


def render_responses(env: Environment, api: ir.Api, header: dict[str, str]) -> str:
    results = []
    types: list[ir.TypeExpr | None] = []
    for op in api.operations:
        if op.plain_return:
            continue
        for response in op.success_responses:
            content = response.primary
            body = None
            if content is not None and content.kind is not ir.BodyKind.EMPTY:
                body = _body_type(content)
                types.append(content.hint)
            types.extend(h.type for h in response.headers)
            results.append(
                {
                    "name": response.class_name,
                    "status": response.code or 200,
                    "description": response.description,
                    "body": body,
                    "headers": response.headers,
                    "header_map": {h.py_name: h.name for h in response.headers},
                }
            )
    extra = [
        "from dataclasses import dataclass",
        "from typing import Any, ClassVar",
        RUNTIME_IMPORT,
    ]
    imports = _imports(types, extra, ".models")
    return env.get_template("responses.py.jinja").render(results=results, imports=imports, **header)


def render_errors(env: Environment, api: ir.Api, header: dict[str, str]) -> str:
    errors = []
    types: list[ir.TypeExpr | None] = []
    for error in api.errors:
        types.append(error.body)  # error bodies are constructed by the user: the hint is enough
        types.extend(h.type for h in error.headers)
        errors.append(
            {
                "name": error.name,
                "status": error.status,
                "code": int(error.status) if error.status.isdigit() else None,
                "description": error.description,
                "media_type": error.media_type,
                "body": error.body.text if error.body else ("None" if error.media_type is None else "Any"),
                "headers": error.headers,
                "header_map": {h.py_name: h.name for h in error.headers},
            }
        )
    extra = ["from typing import Any, ClassVar", RUNTIME_IMPORT]
    imports = _imports(types, extra, ".models")
    return env.get_template("errors.py.jinja").render(errors=errors, imports=imports, **header)


def parameter_keys(parameters: Sequence[ir.Parameter]) -> list[str]:
    """Each parameter's key in the operation's parameter model: its wire name, unless another
    parameter in another location has the same name (OpenAPI keys parameters by name and location);
    then `name (location)`, made unique."""
    counts = Counter(p.name for p in parameters)
    keys: list[str] = []
    for p in parameters:
        key = p.name if counts[p.name] == 1 else f"{p.name} ({p.location.value})"
        while key in keys or (key != p.name and key in counts):
            key += "'"
        keys.append(key)
    return keys


def render_router(env: Environment, api: ir.Api, tag: ir.Tag, header: dict[str, str]) -> str:
    operations = []
    types: list[ir.TypeExpr | None] = []
    needs_results = False
    needs_errors = False
    for op in tag.operations:
        types.extend(p.annotation for p in op.parameters)
        keys = parameter_keys(op.parameters)
        locations = []
        for location in ir.Location:
            names = tuple(keys[i] for i, p in enumerate(op.parameters) if p.location is location)
            if names:
                locations.append((location.value, names))
        replies = []
        for response in op.responses:
            content = response.primary
            if content is not None:
                types.append(content.type)
            result = None if op.plain_return or not response.is_success else response.class_name
            needs_results = needs_results or result is not None
            replies.append(
                {
                    "status_literal": str(response.code) if response.code else py_literal(response.status),
                    "content": content,
                    "header_specs": tuple((h.py_name, h.name, h.required) for h in response.headers)
                    if response.is_success
                    else (),
                    "result": result,
                }
            )
        if op.body is not None:
            types.extend(c.type for c in op.body.contents)
        error_classes = list(dict.fromkeys(r.class_name for r in op.error_responses))
        needs_errors = needs_errors or bool(error_classes)
        operations.append(
            {
                "operation_id": op.operation_id,
                "name": op.name,
                "method": op.method,
                "path": op.path,
                "params_class": f"{op.class_prefix}Params" if op.parameters else None,
                "parameters": tuple(zip(op.parameters, keys, strict=True)),
                "locations": locations,
                "wire": tuple((k, p.name) for p, k in zip(op.parameters, keys, strict=True) if k != p.name),
                "arrays": tuple(k for p, k in zip(op.parameters, keys, strict=True) if p.is_array),
                "nullable": tuple(
                    k
                    for p, k in zip(op.parameters, keys, strict=True)
                    if p.nullable and p.location is not ir.Location.PATH
                ),
                "unexploded": tuple(
                    k for p, k in zip(op.parameters, keys, strict=True) if p.is_array and not p.explode
                ),
                "body": op.body,
                "replies": replies,
                "plain": op.plain_return,
                "error_classes": error_classes,
                "security": tuple(req.schemes for req in op.security),
                "shapes": op.error_shapes,
                "validation": op.validation_error,
            }
        )
    extra = ["from pydantic import BaseModel, ConfigDict, Field", RUNTIME_IMPORT]
    if needs_results:
        extra.append("from .. import responses")
    if needs_errors:
        extra.append("from .. import errors")
    imports = _imports(types, extra, "..models")
    return env.get_template("router.py.jinja").render(
        tag=tag, operations=operations, imports=imports, **header
    )


def render_init(api: ir.Api, header_vars: dict[str, str], runtime: RuntimeRequirement) -> str:
    """The package's `__init__`: the runtime version check first, then the public names."""
    return (
        environment()
        .get_template("init.py.jinja")
        .render(title=api.title, version=api.version, tags=api.tags, runtime=runtime, **header_vars)
    )


def render_server(
    api: ir.Api, header_vars: dict[str, str], diagnostics: Diagnostics | None = None
) -> dict[str, str]:
    """Every file of the server package except `models.py` and `__init__.py`, by relative path."""
    env = environment()
    context = {"title": api.title, "version": api.version, "tags": api.tags, **header_vars}
    files = {
        "handlers.py": render_handlers(env, api, header_vars),
        "responses.py": render_responses(env, api, header_vars),
        "errors.py": render_errors(env, api, header_vars),
        "security.py": env.get_template("security.py.jinja").render(
            schemes=api.security_schemes, **header_vars
        ),
        "app.py": env.get_template("app.py.jinja").render(**context),
        "routers/__init__.py": env.get_template("routers_init.py.jinja").render(**context),
        "openapi.json": contract_json(api.contract),
        "mocks.json": mocks_json(mock_answers(api.contract, diagnostics)),
        "py.typed": "",
    }
    for tag in api.tags:
        files[f"routers/{tag.py_name}.py"] = render_router(env, api, tag, header_vars)
    return files


def contract_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
