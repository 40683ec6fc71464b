"""Build the FastAPI app from the generated operations and the app's implementations.

The app is a real FastAPI instance: middleware, lifespan, exception handlers, `dependency_overrides` and
TestClient all work as FastAPI users expect. What differs is routing and request handling, which are
compiled from the contract (see `operation` and `routing`), and the OpenAPI document, which is the
hand-written contract itself rather than one FastAPI reconstructs from Python types.
"""

from __future__ import annotations

import html
import inspect
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .docs import serve_offline_redoc
from .errors import DEFAULT_SHAPE, ErrorMap, ErrorShape
from .limits import DEFAULT_MAX_BODY_BYTES
from .mock import mock_response
from .operation import Endpoint, Operation, problem_response
from .routing import ContractDispatch, PathRoute, internal_error, specificity
from .security import Authenticator, Scheme

logger = logging.getLogger("contract")


def is_implemented(implementation: Any, interface: type, method: str) -> bool:
    """False when `method` is missing or still the interface's own stub."""
    if implementation is None:
        return False
    cls = implementation if inspect.isclass(implementation) else type(implementation)
    found = getattr(cls, method, None)
    return found is not None and found is not getattr(interface, method, None)


def build_app(
    *,
    title: str,
    version: str,
    contract: Callable[[], dict[str, Any]],
    tags: Sequence[tuple[str, type, Sequence[Operation]]],
    implementations: Mapping[str, Any],
    schemes: Sequence[Scheme],
    verifiers: Mapping[str, Callable[..., Any] | None],
    fastapi_kwargs: Mapping[str, Any],
    mock: bool = False,
    mock_answers: Callable[[], Mapping[str, Any]] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_file_bytes: int | None = None,
    error_map: ErrorMap | None = None,
) -> FastAPI:
    """A FastAPI app serving `tags` (name, interface, operations) with `implementations` by tag name.

    With `mock`, an operation without an implementation answers with its contract's example (or a
    value built from its schema: `mock_answers`, worked out by the generator) instead of 501; requests
    are still validated, security is not.

    Request bodies are bounded while they are read (413 past the limit, see `limits`):
    `max_body_bytes` is every operation's limit unless its request body sets `x-max-body-bytes`
    in the contract; a multipart body may be larger by its file parts' limits. A file part's
    limit is its schema's `maxLength`, lowered to `max_file_bytes` when that is given and
    smaller; a part without `maxLength` gets `max_file_bytes`, else 10 MiB. `error_map` maps
    exception types a handler may raise to the `ErrorResponse` answered instead of a 500.
    """
    # FastAPI refuses an empty title; the contract may have one (it is served as written anyway)
    # the title lands in the docs pages' HTML: escaped there (the contract itself is served unchanged)
    app = FastAPIOffline(title=html.escape(title or "API"), version=version or "0", **dict(fastapi_kwargs))
    # FastAPIOffline is a function that sets up docs pages on a plain FastAPI; the app it returns
    # takes ContractApp's behaviour (a subclass adding no state of its own)
    app.__class__ = ContractApp
    assert isinstance(app, ContractApp)
    app.openapi = contract  # type: ignore[method-assign]
    serve_offline_redoc(app)
    scheme_map = {s.name: s for s in schemes}
    routes: dict[str, dict[str, Any]] = {}
    default_404 = DEFAULT_SHAPE
    missing: list[str] = []
    for tag, interface, operations in tags:
        impl = implementations.get(tag)
        for op in operations:
            implemented = impl if is_implemented(impl, interface, op.handler) else None
            if implemented is None and not mock:
                missing.append(
                    f"{op.operation_id} ({op.method.upper()} {op.path}: {interface.__name__}.{op.handler})"
                )
            auth = Authenticator(op.security, scheme_map, dict(verifiers)) if op.security else None
            if implemented is None and mock:
                name = f"{op.method.upper()} {op.path}"
                answers = mock_answers() if mock_answers is not None else {}
                implemented = _Mock(op.handler, mock_response(answers.get(name), name))
                auth = None
            shapes = {shape.status: shape for shape in op.shapes}
            endpoint = Endpoint(
                op,
                implemented,
                auth,
                shapes,
                max_body_bytes=max_body_bytes,
                max_file_bytes=max_file_bytes,
                error_map=error_map,
            )
            routes.setdefault(op.path, {})[op.method] = endpoint
            if 404 in shapes and default_404 is DEFAULT_SHAPE:
                default_404 = shapes[404]
    app.contract_routes = [
        PathRoute(path, routes[path], _not_allowed_for(routes[path]))
        for path in sorted(routes, key=specificity)
    ]
    # the router has them too, first, for what reaches it: slash redirects, telemetry, `app.routes`
    app.router.routes[0:0] = app.contract_routes
    _install_error_handlers(app, default_404)
    if missing:
        logger.info("%d operation(s) answer 501 until implemented: %s", len(missing), "; ".join(missing))
    return app


class ContractApp(FastAPI):
    """FastAPI, with the contract's operations served right below the app's own middleware.

    FastAPI runs every request through its exception middleware, its exit-stack middleware and a
    linear scan of its routes. A contract operation needs none of that: `ContractDispatch` is added
    as the innermost middleware when the stack is built, answers the contract's paths itself and
    passes everything else on. The middleware users add (CORS, GZip, their own) still wraps every
    request, and exception handlers still apply.

    FastAPI also asks OpenTelemetry on every request whether its native telemetry is configured
    (about 5% of a small request); here that is asked once, at the first request, so configure
    telemetry before the app serves (in the lifespan at the latest).
    """

    contract_routes: list[PathRoute]
    _contract_telemetry_on: bool | None = None

    def build_middleware_stack(self) -> ASGIApp:
        handlers = dict(self.exception_handlers)  # the 500 / Exception handler too: see ContractDispatch
        dispatch = Middleware(ContractDispatch, routes=self.contract_routes, handlers=handlers)
        self.user_middleware.append(dispatch)
        try:
            return super().build_middleware_stack()
        finally:
            self.user_middleware.remove(dispatch)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "fastapi.telemetry" in scope or self._telemetry_is_on():
            await super().__call__(scope, receive, send)
            return
        if self.root_path:  # what FastAPI.__call__ and Starlette.__call__ do, less the telemetry check
            scope["root_path"] = self.root_path
        scope["app"] = self
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        await self.middleware_stack(scope, receive, send)

    def _telemetry_is_on(self) -> bool:
        on = self._contract_telemetry_on
        if on is None:
            native = getattr(self, "_native_telemetry", None)
            on = self._contract_telemetry_on = bool(native is not None and native.enabled())
        return on


class _Mock:
    """Stands in for a handler: its one method returns the operation's mock response."""

    def __init__(self, name: str, respond: Callable[[], Response]) -> None:
        async def method(**_: Any) -> Response:
            return respond()

        setattr(self, name, method)


def _not_allowed_for(endpoints: dict[str, Any]) -> Callable[[Sequence[str]], Response]:
    """The 405 answer of one path: in the shape its operations declare for 405 (or 4XX), if any."""
    shape = next((e.shapes[405] for e in endpoints.values() if 405 in e.shapes), DEFAULT_SHAPE)

    def not_allowed(allow: Sequence[str]) -> Response:
        return problem_response(
            shape,
            405,
            "Method Not Allowed",
            "This path does not accept that method.",
            headers={"Allow": ", ".join(allow)},
        )

    return not_allowed


def _install_error_handlers(app: FastAPI, not_found: ErrorShape) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return problem_response(not_found, 404, "Not Found", "No operation has this path.")
        headers = dict(exc.headers or {})
        return problem_response(DEFAULT_SHAPE, exc.status_code, "Error", str(exc.detail), headers=headers)

    async def server_error(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
        return internal_error()

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
