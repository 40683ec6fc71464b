"""One operation of the contract, compiled once at start-up into a fast request handler.

The generated router modules declare each operation as data (`Operation`): where each parameter lives,
the body's media types and types, every declared response. `Endpoint` turns that into the code that runs
per request: one Pydantic validation for all parameters, one for the body (strict, straight from the JSON
bytes), the handler call, and one serialisation of the result by the declared type. Nothing is inspected
per request that could be decided at start-up, which is where the speed over plain FastAPI comes from.
"""

from __future__ import annotations

import inspect
import json
import logging
import types
import typing
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Scope

from .errors import (
    DEFAULT_SHAPE,
    ApiError,
    ContractViolation,
    ErrorMap,
    ErrorResponse,
    ErrorShape,
    problem_body,
)
from .limits import (
    BODY_READ,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_FILE_BYTES,
    BoundedReceive,
    TooLarge,
)
from .results import Result, ServerSentEvent
from .security import Authenticator, InsufficientScope

logger = logging.getLogger("contract")


@dataclass(frozen=True, slots=True)
class Params:
    """The operation's parameters: one model, and where each of its keys (aliases) lives.

    A key is the parameter's wire name, except when parameters in two locations share a name (OpenAPI
    tells parameters apart by name and location): `wire` maps those keys to the name on the wire.
    """

    model: type[BaseModel]
    path: tuple[str, ...] = ()
    query: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    cookie: tuple[str, ...] = ()
    wire: tuple[tuple[str, str], ...] = ()  # (key, wire name) where they differ
    arrays: frozenset[str] = frozenset()  # keys of array parameters
    unexploded: frozenset[str] = frozenset()  # arrays sent comma-separated
    nullable: frozenset[str] = frozenset()  # keys whose schema accepts null

    def pairs(self, keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """(key, wire name) of `keys`."""
        names = dict(self.wire)
        return tuple((key, names.get(key, key)) for key in keys)


@dataclass(frozen=True, slots=True)
class FilePart:
    """A multipart file field: its size limit (413) and accepted media types (415), from the contract."""

    name: str
    max_bytes: int | None = None
    media_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Content:
    media_type: str
    kind: str  # json, form, multipart, binary, text, event-stream, empty
    type: Any = None  # the Python type of the body, or None for raw bytes/str/stream
    files: tuple[FilePart, ...] = ()


@dataclass(frozen=True, slots=True)
class Body:
    name: str  # the handler argument
    required: bool
    contents: tuple[Content, ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """A declared response: status, body content and headers, and the result class that selects it."""

    status: int | str
    content: Content | None = None
    headers: tuple[tuple[str, str, bool], ...] = ()  # (attribute, wire name, required)
    result: type[Result] | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    handler: str  # method name on the tag's handler interface
    method: str
    path: str
    params: Params | None = None
    body: Body | None = None
    replies: tuple[Reply, ...] = ()
    plain: bool = True  # the handler returns the body of the one success reply
    errors: tuple[type[ApiError], ...] = ()
    security: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = ()
    shapes: tuple[ErrorShape, ...] = ()
    validation: ErrorShape | None = None
    max_body_bytes: int | None = None  # the contract's `x-max-body-bytes`; None: create_app's default
    adapters: dict[Any, TypeAdapter[Any]] = field(default_factory=dict, compare=False, repr=False)


class Encoded(Response):
    """A response whose body is already bytes: its header list is written as it is, not parsed again.

    What `Response(body, status, headers, media_type)` sends, for a media type without a charset
    parameter to add (JSON), in one step.
    """

    def __init__(self, body: bytes, status: int, media_type: str, headers: dict[str, str]) -> None:
        self.status_code = status
        self.body = body
        self.background = None
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        if status >= 200 and status not in (204, 304):
            raw.append((b"content-length", str(len(body)).encode("latin-1")))
        raw.append((b"content-type", media_type.encode("latin-1")))
        self.raw_headers = raw


class UploadedFile(bytes):
    """A multipart file's bytes, with the name and media type the client sent beside them."""

    filename: str | None = None
    content_type: str | None = None


class RequestInvalid(Exception):
    def __init__(self, errors: list[dict[str, Any]], detail: str = "The request is not valid.") -> None:
        self.errors = errors
        self.detail = detail


class Unsupported(Exception):
    """415: a body whose media type the operation does not accept."""


def _adapter(cache: dict[Any, TypeAdapter[Any]], tp: Any) -> TypeAdapter[Any]:
    adapter = cache.get(tp)
    if adapter is None:
        adapter = cache[tp] = TypeAdapter(tp)
    return adapter


def parse_query(query_string: bytes) -> dict[str, list[str]]:
    """The query string's values by name, as Starlette's `QueryParams` (`parse_qsl`) reads them.

    A plain `name=value` piece, the usual case, is split without the percent-decoder.
    """
    values: dict[str, list[str]] = {}
    if not query_string:
        return values
    for piece in query_string.decode("latin-1").split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        if "%" in piece or "+" in piece:
            name, value = unquote_plus(name), unquote_plus(value)
        found = values.get(name)
        if found is None:
            values[name] = [value]
        else:
            found.append(value)
    return values


def _null_literals(spec: Params, raw: dict[str, Any], exc: ValidationError) -> BaseModel | None:
    """The parameters again with `null` read as null where the value was refused, or None.

    A query string has no null; clients (and schemathesis) send the word `null` for a nullable
    parameter. A value that is valid as it stands (the string "null") is kept as it is.
    """
    keys = {
        error["loc"][0]
        for error in exc.errors(include_url=False)
        if error["loc"] and error["loc"][0] in spec.nullable and error.get("input") == "null"
    }
    if not keys:
        return None
    try:
        return spec.model.model_validate({**raw, **dict.fromkeys(keys)})
    except ValidationError:
        return None


def _array_aliases(tp: Any) -> frozenset[str]:
    """The wire names of a form model's fields whose type is a list (possibly optional)."""
    if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return frozenset()
    names = set()
    for name, info in tp.model_fields.items():
        options = typing.get_args(info.annotation) if _is_union(info.annotation) else (info.annotation,)
        if any(typing.get_origin(option) in (list, tuple, set, frozenset) for option in options):
            names.add(info.alias or name)
    return frozenset(names)


def _json_part_aliases(tp: Any) -> frozenset[str]:
    """The wire names of a multipart model's fields that take an object (or a list of objects): such
    a part's media type is application/json unless the contract's encoding says otherwise (OpenAPI's
    Encoding Object), so its text is decoded before validation."""
    if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return frozenset()
    return frozenset(
        info.alias or name for name, info in tp.model_fields.items() if _takes_object(info.annotation)
    )


def _takes_object(tp: Any, depth: int = 0) -> bool:
    if depth > 8:
        return False
    if type(tp).__name__ == "TypeAliasType":  # typing's or typing_extensions': the type it names
        tp = tp.__value__
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _takes_object(typing.get_args(tp)[0], depth + 1)
    if _is_union(tp):
        return any(_takes_object(option, depth + 1) for option in typing.get_args(tp))
    if origin in (list, tuple):
        return any(_takes_object(item, depth + 1) for item in typing.get_args(tp))
    return tp is dict or origin is dict or (isinstance(tp, type) and issubclass(tp, BaseModel))


def _json_part(value: str) -> Any:
    """The JSON a part's text holds, else the text (validation then says what is wrong with it)."""
    if value[:1] not in ("{", "[") and value != "null":
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _list_item_model(tp: Any) -> type[BaseModel] | None:
    """`Item` for `list[Item]` (a model class), else None."""
    if typing.get_origin(tp) is not list:
        return None
    (item,) = typing.get_args(tp) or (None,)
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def _base_media(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _content_headers(scope: Scope) -> tuple[str, int | None]:
    """The body's media type (`_base_media`) and its declared length, in one pass over the headers."""
    media = b""
    length = None
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = media or value
        elif name == b"content-length" and value.isdigit():  # servers refuse any other value
            length = int(value)
    return _base_media(media.decode("latin-1")), length


def _media_matches(declared: str, actual: str) -> bool:
    declared = _base_media(declared)  # `application/json; charset=utf-8` accepts application/json bodies
    if declared in ("*/*", actual):
        return True
    if declared.endswith("/*"):
        return actual.startswith(declared[:-1])
    return False


class Endpoint:
    """The request handler of one operation, bound to an implementation and the app's verifiers."""

    def __init__(
        self,
        operation: Operation,
        implementation: Any,
        authenticator: Authenticator | None,
        error_shapes: dict[int, ErrorShape],
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_file_bytes: int | None = None,
        error_map: ErrorMap | None = None,
    ) -> None:
        self.op = operation
        self.impl = implementation
        self.auth = authenticator
        self.shapes = error_shapes
        self.error_map = dict(error_map or {})
        self.max_file_bytes = max_file_bytes
        self.body_limit = self._body_limit(max_body_bytes)
        self.adapters = operation.adapters
        self.success = next((r for r in operation.replies if str(r.status).startswith("2")), None)
        self.by_result = {r.result: r for r in operation.replies if r.result is not None}
        self.declared_errors = tuple(operation.errors)
        self.error_replies = {r.status: r for r in operation.replies if not str(r.status).startswith("2")}
        # how the handler method is found per request: `_method()` for an instance or a class without
        # dependencies, `_injected(request, stack)` for a class whose constructor asks for some
        self._method: Callable[[], Any] | None = None
        self._injected: Callable[[Request, AsyncExitStack], Awaitable[tuple[Any, Any]]] | None = None
        self._is_async = False
        if implementation is not None:
            self._compile_handler(implementation)
        self._by_media: dict[str, Content] = {}  # the body's exact media types (no wildcards)
        for content in operation.body.contents if operation.body else ():
            if "*" not in content.media_type:
                self._by_media.setdefault(_base_media(content.media_type), content)
        # multipart fields that take objects: their parts' text is JSON
        self._json_parts = {
            content.media_type: _json_part_aliases(content.type)
            for content in (operation.body.contents if operation.body else ())
            if content.kind == "multipart"
        }
        # form fields that are arrays: a single value sent for one is a list of one
        self._form_arrays = {
            content.media_type: _array_aliases(content.type)
            for content in (operation.body.contents if operation.body else ())
            if content.kind in ("form", "multipart")
        }
        spec = operation.params
        self._path = spec.pairs(spec.path) if spec else ()  # (model key, wire name) per location
        self._query = spec.pairs(spec.query) if spec else ()
        self._header = spec.pairs(spec.header) if spec else ()
        self._cookie = spec.pairs(spec.cookie) if spec else ()
        self._places = (
            ("path", self._path),
            ("query", self._query),
            ("header", self._header),
            ("cookie", self._cookie),
        )
        # list[Model] types whose elements need no validation when they are instances of Model
        self._list_of: dict[Any, type[BaseModel]] = {}
        for content in self._all_contents():
            if content.type is not None:
                _adapter(self.adapters, content.type)
                item = _list_item_model(content.type)
                if item is not None:
                    self._list_of[content.type] = item

    def file_limit(self, part: FilePart | None) -> int:
        """A file part's limit: its maxLength, lowered to `max_file_bytes` if that is smaller."""
        declared = part.max_bytes if part is not None else None
        if declared is None:
            return self.max_file_bytes if self.max_file_bytes is not None else DEFAULT_MAX_FILE_BYTES
        return declared if self.max_file_bytes is None else min(declared, self.max_file_bytes)

    def _body_limit(self, default: int) -> int:
        """The whole body's limit: the contract's `x-max-body-bytes`, else `default`, plus room for
        each declared file part of a multipart body (so a file at its limit still fits)."""
        if self.op.max_body_bytes is not None:
            return self.op.max_body_bytes
        files = max(
            (
                sum(self.file_limit(part) for part in content.files)
                for content in (self.op.body.contents if self.op.body else ())
            ),
            default=0,
        )
        return default + files

    def _all_contents(self) -> list[Content]:
        contents = [r.content for r in self.op.replies if r.content is not None]
        if self.op.body is not None:
            contents.extend(self.op.body.contents)
        return contents

    def _compile_handler(self, impl: Any) -> None:
        name = self.op.handler
        if not inspect.isclass(impl):
            bound = getattr(impl, name)
            self._is_async = inspect.iscoroutinefunction(bound)
            self._method = lambda: bound
            return
        cls = impl
        self._is_async = inspect.iscoroutinefunction(getattr(cls, name))
        init_params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
        if not init_params or all(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in init_params):
            self._method = lambda: getattr(cls(), name)  # a fresh instance per request, as documented
            return
        from fastapi.dependencies.utils import get_dependant, solve_dependencies

        dependant = get_dependant(path=self.op.path, call=cls)

        async def injected(request: Request, stack: AsyncExitStack) -> tuple[Any, Any]:
            # FastAPI closes yield-dependencies through these stacks; ours closes after the response
            # is rendered, so a database session is still open while the result is serialised.
            request.scope["fastapi_inner_astack"] = stack
            request.scope["fastapi_function_astack"] = stack
            solved = await solve_dependencies(
                request=request,
                dependant=dependant,
                async_exit_stack=stack,
                embed_body_fields=False,
                dependency_overrides_provider=request.app,
            )
            if solved.errors:
                raise RequestInvalid(
                    [
                        {
                            "location": list(e.get("loc", ())),
                            "message": e.get("msg", ""),
                            "type": e.get("type", ""),
                        }
                        for e in solved.errors
                    ]
                )
            return getattr(cls(**solved.values), name), solved.background_tasks

        self._injected = injected

    # -- per request -------------------------------------------------------------------------------

    async def __call__(self, request: Request, path_values: dict[str, str]) -> Response:
        if self._method is None and self._injected is None:
            return self.problem(501, "Not Implemented", f"{self.op.operation_id} is not implemented yet.")
        try:
            if self.auth is not None:
                identity = await self.auth.authenticate(request)
                if identity is None:
                    return self.problem(
                        401,
                        "Unauthorized",
                        "Missing or invalid credentials.",
                        headers={"WWW-Authenticate": self.auth.challenge},
                    )
                state = request.scope.setdefault("state", {})  # what `request.state` reads
                state["security_scheme"], state["principal"] = identity
            kwargs = self.parse_params(request, path_values) if self.op.params is not None else {}
            if self.op.body is not None:
                value = await self.parse_body(request)
                if value is not None or not self.op.body.required:
                    kwargs[self.op.body.name] = value
            if self._method is not None:
                method = self._method()
                if self._is_async:
                    return self.render(await method(**kwargs))
                return self.render(await run_in_threadpool(method, **kwargs))
            assert self._injected is not None
            async with AsyncExitStack() as stack:
                method, tasks = await self._injected(request, stack)
                if self._is_async:
                    result = await method(**kwargs)
                else:
                    result = await run_in_threadpool(method, **kwargs)
                response = self.render(result)
            if tasks is not None:
                response.background = tasks
            return response
        except ApiError as exc:
            return self.render_error(exc)
        except RequestInvalid as exc:
            return self.invalid(exc)
        except InsufficientScope as exc:
            if 403 in self.shapes or self.auth is None:
                return self.problem(403, "Forbidden", str(exc) or "The credentials lack a required scope.")
            return self.problem(
                401,
                "Unauthorized",
                str(exc) or "The credentials lack a required scope.",
                headers={"WWW-Authenticate": self.auth.challenge},
            )
        except Unsupported as exc:
            return self.problem(415, "Unsupported Media Type", str(exc))
        except TooLarge as exc:
            return self.problem(413, "Content Too Large", str(exc))
        except ContractViolation as exc:
            logger.error("contract violation in %s: %s", self.op.operation_id, exc)
            return self.problem(500, "Internal Server Error", "The server broke its contract.")
        except ClientDisconnect:
            raise
        except Exception as exc:
            mapped = self._mapped(exc)
            if mapped is None:
                raise
            logger.warning("%s in %s answered %s", type(exc).__name__, self.op.operation_id, mapped.status)
            title = mapped.problem_title()
            return self.problem(mapped.status, title, mapped.detail or title, headers=dict(mapped.headers))

    def _mapped(self, exc: Exception) -> ErrorResponse | None:
        """What `create_app(error_map=...)` answers to `exc`, by its class or its nearest base."""
        if not self.error_map:
            return None
        for cls in type(exc).__mro__:
            found = self.error_map.get(cls)
            if found is not None:
                return found if isinstance(found, ErrorResponse) else found(exc)
        return None

    def parse_params(self, request: Request, path_values: dict[str, str]) -> dict[str, Any]:
        spec = self.op.params
        if spec is None:
            return {}
        raw: dict[str, Any] = {}
        for key, name in self._path:
            if name in path_values:
                raw[key] = path_values[name]
        if self._query:
            query = parse_query(request.scope["query_string"])
            for key, name in self._query:
                values = query.get(name)
                if values is None:
                    continue
                if key not in spec.arrays:
                    raw[key] = values[-1]  # a repeated scalar: the last one, as Starlette reads it
                else:
                    raw[key] = values[0].split(",") if key in spec.unexploded else values
        if self._header:
            headers = request.headers
            for key, name in self._header:
                value = headers.get(name)
                if value is not None:
                    raw[key] = [v.strip() for v in value.split(",")] if key in spec.arrays else value
        if self._cookie:
            cookies = request.cookies
            for key, name in self._cookie:
                if name in cookies:
                    raw[key] = cookies[name]
        try:
            model = spec.model.model_validate(raw)
        except ValidationError as exc:
            retried = _null_literals(spec, raw, exc) if spec.nullable else None
            if retried is None:
                raise RequestInvalid(self._locate(exc, spec)) from None
            model = retried
        return dict(model.__dict__)

    def _locate(self, exc: ValidationError, spec: Params) -> list[dict[str, Any]]:
        places = {key: (place, name) for place, pairs in self._places for key, name in pairs}
        errors = []
        for error in exc.errors(include_url=False, include_input=False):
            loc = list(error["loc"])
            if loc and isinstance(loc[0], str):
                place, loc[0] = places.get(loc[0], ("query", loc[0]))
                loc.insert(0, place)
            errors.append({"location": loc, "message": error["msg"], "type": error["type"]})
        return errors

    async def parse_body(self, request: Request) -> Any:
        body = self.op.body
        assert body is not None
        media, declared = _content_headers(request.scope)
        if declared is not None and declared > self.body_limit:  # 413 before any of it is read
            raise TooLarge(f"The body ({declared} bytes) is larger than {self.body_limit} bytes.")
        content = self._by_media.get(media) if media else None
        # a form is parsed as it streams in (files spooled); every other body is read whole, bounded
        is_form = content is not None and content.kind in ("form", "multipart")
        raw = b"" if is_form else await _body(request, self.body_limit)
        if not raw and not media:
            if body.required:
                raise RequestInvalid(
                    [
                        {
                            "location": ["body"],
                            "message": "A request body is required.",
                            "type": "missing",
                        }
                    ]
                )
            return None
        content = content or next((c for c in body.contents if _media_matches(c.media_type, media)), None)
        if content is None:
            accepted = ", ".join(c.media_type for c in body.contents)
            raise Unsupported(f"Content-Type {media or '(none)'!r} is not accepted here; send {accepted}.")
        try:
            if content.kind == "json":
                if content.type is None:
                    import json

                    try:
                        return json.loads(raw)
                    except ValueError:
                        raise RequestInvalid(
                            [
                                {
                                    "location": ["body"],
                                    "message": "Invalid JSON.",
                                    "type": "json_invalid",
                                }
                            ]
                        ) from None
                return _validate_json(_adapter(self.adapters, content.type), raw)
            if content.kind in ("form", "multipart"):
                data: dict[str, Any] = {}
                parts = {part.name: part for part in content.files}
                source = request  # read already (a wildcard media type matched): parsed from its bytes
                if is_form:  # parsed as it streams in, counted against the limit
                    source = Request(
                        request.scope, BoundedReceive(request.receive, self.body_limit, request.scope)
                    )
                json_parts = self._json_parts.get(content.media_type, frozenset())
                async with _parsed_form(source) as form:
                    for key in form:
                        values = form.getlist(key)
                        if key in json_parts:
                            values = [_json_part(v) if isinstance(v, str) else v for v in values]
                        converted = [
                            await _read_file(v, parts.get(key), self.file_limit(parts.get(key)))
                            if isinstance(v, UploadFile)
                            else v
                            for v in values
                        ]
                        many = len(converted) > 1 or key in self._form_arrays.get(content.media_type, ())
                        data[key] = converted if many else converted[0]
                if content.type is None:
                    return data
                adapter = _adapter(self.adapters, content.type)
                return adapter.validate_python(data, by_alias=True, by_name=False)  # wire names only
            if content.kind in ("text", "event-stream"):
                return raw.decode(errors="replace")
            return raw
        except ValidationError as exc:
            errors = [
                {
                    "location": ["body", *error["loc"]],
                    "message": error["msg"],
                    "type": error["type"],
                }
                for error in exc.errors(include_url=False, include_input=False)
            ]
            raise RequestInvalid(errors) from None

    # -- responses ---------------------------------------------------------------------------------

    def render(self, result: Any) -> Response:
        if isinstance(result, Response):  # the escape hatch (and what mocks return): sent as it is
            return result
        if self.op.plain:
            reply = self.success
            if reply is None:
                raise ContractViolation("the operation declares no success response")
            return self._reply(reply, result, {})
        reply = self.by_result.get(type(result))
        if reply is None:
            raise ContractViolation(f"returned {type(result).__name__}, which the contract does not declare")
        headers = {}
        for attribute, wire, required in reply.headers:
            value = getattr(result, attribute, None)
            if value is None:
                if required:
                    raise ContractViolation(f"required response header {wire} is missing")
                continue
            headers[wire] = _header_value(value)
        return self._reply(reply, getattr(result, "body", None), headers)

    def _reply(self, reply: Reply, body: Any, headers: dict[str, str]) -> Response:
        status = reply.status if isinstance(reply.status, int) else 200
        content = reply.content
        if content is None or content.kind == "empty":
            return Response(status_code=status, headers=headers)
        media = content.media_type
        if content.kind == "json":
            return Encoded(self._json(content.type, body), status, media, headers)
        if content.kind == "event-stream":
            return StreamingResponse(_sse(body), status_code=status, headers=headers, media_type=media)
        if isinstance(body, str | bytes):
            return Response(body, status_code=status, headers=headers, media_type=media)
        return StreamingResponse(_chunks(body), status_code=status, headers=headers, media_type=media)

    def _json(self, tp: Any, body: Any) -> bytes:
        if tp is None:
            import pydantic_core

            return pydantic_core.to_json(body, by_alias=True)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and type(body) is tp:
            return body.__pydantic_serializer__.to_json(body, by_alias=True)
        adapter = _adapter(self.adapters, tp)
        item = self._list_of.get(tp)
        if item is not None and type(body) is list and all(type(each) is item for each in body):
            return adapter.dump_json(body, by_alias=True)  # models are valid already: no second pass
        try:
            value = adapter.validate_python(body, from_attributes=True)
        except ValidationError as exc:
            raise ContractViolation(f"the response body does not match its schema: {exc}") from None
        return adapter.dump_json(value, by_alias=True)

    def render_error(self, exc: ApiError) -> Response:
        if not isinstance(exc, self.declared_errors):
            logger.error(
                "contract violation in %s: raised %s (%s), which the operation does not declare",
                self.op.operation_id,
                type(exc).__name__,
                exc.status,
            )
            return self.problem(500, "Internal Server Error", "The server broke its contract.")
        media = exc.MEDIA_TYPE
        headers = {wire: _header_value(v) for wire, v in exc.headers.items()}
        if media is None or exc.body is None:
            return Response(status_code=exc.status, headers=headers)
        reply = self._error_reply(exc.status)
        tp = reply.content.type if reply is not None and reply.content is not None else None
        return Response(self._json(tp, exc.body), status_code=exc.status, headers=headers, media_type=media)

    def _error_reply(self, status: int) -> Reply | None:
        return (
            self.error_replies.get(status)
            or self.error_replies.get(f"{str(status)[0]}XX")
            or self.error_replies.get("default")
        )

    def invalid(self, exc: RequestInvalid) -> Response:
        shape = self.op.validation
        if shape is None:  # the contract declares nothing for invalid input: FastAPI's answer
            import pydantic_core

            detail = [{"loc": e["location"], "msg": e["message"], "type": e["type"]} for e in exc.errors]
            return Response(
                pydantic_core.to_json({"detail": detail}),
                status_code=422,
                media_type="application/json",
            )
        return self.problem(
            shape.status,
            "Unprocessable Content" if shape.status == 422 else "Bad Request",
            exc.detail,
            errors=exc.errors,
        )

    def problem(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        shape = self.shapes.get(status) or DEFAULT_SHAPE
        return problem_response(shape, status, title, detail, errors=errors, headers=headers)


def problem_response(
    shape: ErrorShape,
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    import pydantic_core

    body = problem_body(shape, status, title, detail, errors)
    if not shape.media_type:
        return Response(status_code=status, headers=headers)
    return Response(
        pydantic_core.to_json(body),
        status_code=status,
        headers=headers,
        media_type=shape.media_type,
    )


@asynccontextmanager
async def _parsed_form(request: Request) -> AsyncIterator[FormData]:
    """The form, with a body that does not parse reported as invalid input (the contract's 4xx)."""
    try:
        form = await request.form()
    except HTTPException as exc:  # Starlette's answer to a malformed multipart or urlencoded body
        raise RequestInvalid(
            [{"location": ["body"], "message": str(exc.detail), "type": "malformed"}],
            "The body does not parse.",
        ) from None
    try:
        yield form
    finally:
        await form.close()


async def _body(request: Request, limit: int) -> bytes:
    """The whole request body: `await request.body()`, reading the ASGI messages directly, and
    refused (TooLarge) the moment it passes `limit`.

    Kept on the request as Starlette keeps it, so a form parser or a dependency reading it later
    gets the same bytes.
    """
    cached: bytes | None = getattr(request, "_body", None)
    if cached is not None:
        return cached
    chunks: list[bytes] = []
    receive = request.receive
    size = 0
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "http.disconnect":
            request._is_disconnected = True
            raise ClientDisconnect()
        if kind != "http.request":
            continue
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The body is larger than {limit} bytes.")
        if not message.get("more_body", False):
            body = b"".join(chunks) + chunk if chunks else chunk
            break
        chunks.append(chunk)
    request.scope[BODY_READ] = True
    request._stream_consumed = True
    request._body = body
    return body


def _validate_json(adapter: TypeAdapter[Any], raw: bytes) -> Any:
    """Strict validation straight from the bytes, except that `3.0` is the integer 3, as in JSON Schema.

    Strict mode is what keeps `"5"` from becoming 5; it also refuses `5.0` for an integer, which JSON
    Schema accepts. Only when that is what failed are integral floats rewritten and the body validated
    again, so the common path stays one pass.

    Properties are read by their wire names only. The models accept Python field names too, so code
    can build them as `ItemOut(price_cents=...)`; a client must not: `class_` would otherwise pass
    `additionalProperties: false` as `class`.
    """
    try:
        return adapter.validate_json(raw, strict=True, by_alias=True, by_name=False)
    except ValidationError as exc:
        if not any(e["type"] == "int_type" and isinstance(e.get("input"), float) for e in exc.errors()):
            raise
        import json

        rewritten = json.dumps(_integral_floats_to_ints(json.loads(raw)))
        return adapter.validate_json(rewritten, strict=True, by_alias=True, by_name=False)


def _integral_floats_to_ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_to_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral_floats_to_ints(v) for k, v in value.items()}
    return value


async def _read_file(upload: UploadFile, part: FilePart | None, limit: int) -> bytes:
    """The file's bytes, refused (415, 413) if its type or size breaks the contract's limits.

    The form parser has spooled the part to a temporary file (on disk past 1 MiB), within the
    whole body's limit; only a part within its own limit is read into memory.
    """
    if part is not None and part.media_types:
        actual = _base_media(upload.content_type)
        if not any(_media_matches(declared, actual) for declared in part.media_types):
            accepted = ", ".join(part.media_types)
            raise Unsupported(f"{part.name}: {actual or 'no type'} is not accepted here; send {accepted}.")
    name = part.name if part is not None else (upload.filename or "file")
    if upload.size is not None and upload.size > limit:
        raise TooLarge(f"{name}: larger than {limit} bytes.")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{name}: larger than {limit} bytes.")
    uploaded = UploadedFile(data)
    uploaded.filename = upload.filename
    uploaded.content_type = _base_media(upload.content_type) or None
    return uploaded


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


async def _chunks(body: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterable[bytes]:
    iterator: AsyncIterable[Any] = (
        body if isinstance(body, AsyncIterable) else iterate_in_threadpool(iter(body))
    )
    async for chunk in iterator:
        yield chunk.encode() if isinstance(chunk, str) else bytes(chunk)


async def _sse(body: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterable[bytes]:
    async for event in _events(body):
        yield (event.encode() if isinstance(event, ServerSentEvent) else ServerSentEvent(event).encode())


async def _events(body: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterable[Any]:
    if isinstance(body, AsyncIterable):
        async for event in body:
            yield event
    else:
        async for event in iterate_in_threadpool(iter(body)):
            yield event
