"""Routing by the contract's rules: one route per path with every method on it, concrete paths first.

Starlette matches routes in registration order and answers 405 with the methods of the first partial
match only. Here a path's methods live together, so `Allow` lists all of them, and paths are ordered so
`/numbers/Local.json` is tried before `/numbers/{Sid}.json`, as OpenAPI requires. Path templates are
compiled to regexes directly, so wire names that are not identifiers (`{item-id}`) route too.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from starlette._utils import get_route_path
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import DEFAULT_SHAPE, problem_body
from .limits import left_unread

Handler = Callable[[Request, dict[str, str]], Awaitable[Response]]
logger = logging.getLogger("contract")
TEMPLATE = re.compile(r"\{([^{}]+)\}")


def compile_template(path: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """`/items/{item-id}.json` -> a regex with groups p0, p1... and the wire names in order."""
    names: list[str] = []
    pattern = ""
    last = 0
    for match in TEMPLATE.finditer(path):
        pattern += re.escape(path[last : match.start()]) + f"(?P<p{len(names)}>[^/]+)"
        names.append(match.group(1))
        last = match.end()
    pattern += re.escape(path[last:])
    return re.compile(pattern), tuple(names)


def specificity(path: str) -> tuple[int, ...]:
    """Sort key: per segment, 0 for a literal segment and 1 for one with a template, so literals win."""
    return tuple(1 if "{" in segment else 0 for segment in path.strip("/").split("/"))


class PathRoute(BaseRoute):
    """Every operation of one contract path, dispatched by method."""

    def __init__(
        self,
        path: str,
        handlers: dict[str, Handler],
        not_allowed: Callable[[Sequence[str]], Response],
    ) -> None:
        self.path = path
        self.path_format = path  # what FastAPI's telemetry names the route by (`http.route`)
        self.regex, self.names = compile_template(path)
        self.handlers = handlers
        self.allow = tuple(sorted(handlers))
        self.not_allowed = not_allowed

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        found = self.regex.fullmatch(get_route_path(scope))
        if found is None:
            return Match.NONE, {}
        values = {name: found.group(f"p{i}") for i, name in enumerate(self.names)}
        return Match.FULL, {"contract_route": self, "contract_path_values": values}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        handler = self.handlers.get(scope["method"])
        try:
            if handler is None:
                response = self.not_allowed(self.allow)
            else:
                response = await handler(request, scope["contract_path_values"])
        except ClientDisconnect:
            logger.debug(
                "%s %s: the client disconnected before its body was read", scope["method"], self.path
            )
            return
        if left_unread(scope):
            response.headers["connection"] = "close"  # so the server does not read the rest
        await response(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        from starlette.routing import NoMatchFound

        raise NoMatchFound(name, path_params)

    def __repr__(self) -> str:
        return f"PathRoute({self.path!r}, methods={list(self.allow)})"


class ContractDispatch:
    """ASGI middleware, the innermost of the app's: serves the contract's paths without the router.

    A contract path is found by one dict lookup (literal paths) or by the templated paths' regexes in
    specificity order, and answered by its endpoint; what a handler or one of its dependencies raises
    goes to the app's exception handlers (a `HTTPException`, say), as FastAPI's exception middleware
    would send it. That includes the handler for `Exception` (or 500): an unhandled error is answered
    here, inside the user's middleware, so its 500 still carries their headers (request id, CORS),
    and the log line is written while their context (a request id) is set. A client that goes away
    while its body is read is a debug line, not an error.

    When the answer leaves part of the request body unread (a 401, a 413, an operation that takes no
    body), it says `Connection: close`, so the server closes the connection instead of reading the
    rest (see `limits`).

    Everything else (the docs, routes added to the app by hand, unknown paths) goes on to `app`:
    FastAPI's exception middleware and router, unchanged. So does every request while FastAPI's own
    telemetry is on, so that its spans name their route.
    """

    def __init__(
        self,
        app: ASGIApp,
        routes: Sequence[PathRoute],
        handlers: Mapping[Any, Callable[..., Any]],
    ) -> None:
        self.app = app
        self.literal = {route.path: route for route in routes if not route.names}
        self.templated = tuple(route for route in routes if route.names)
        self.status_handlers = {key: h for key, h in handlers.items() if isinstance(key, int)}
        self.exception_handlers = {key: h for key, h in handlers.items() if not isinstance(key, int)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "fastapi.telemetry" in scope:
            await self.app(scope, receive, send)
            return
        path = get_route_path(scope)
        route = self.literal.get(path)
        values: dict[str, str] = {}
        if route is None:
            for candidate in self.templated:
                found = candidate.regex.fullmatch(path)
                if found is not None:
                    route = candidate
                    values = dict(zip(candidate.names, found.groups(), strict=True))
                    break
            else:
                await self.app(scope, receive, send)
                return
        request = Request(scope, receive, send)
        handler = route.handlers.get(scope["method"])
        try:
            if handler is None:
                response = route.not_allowed(route.allow)
            else:
                response = await handler(request, values)
        except ClientDisconnect:
            logger.debug("%s %s: the client disconnected before its body was read", scope["method"], path)
            return
        except Exception as exc:
            response = await self.handled(request, exc)
        if left_unread(scope):
            response.headers["connection"] = "close"  # so the server does not read the rest
        await response(scope, receive, send)

    async def handled(self, request: Request, exc: Exception) -> Response:
        """The app's exception handler's answer to `exc`; a problem+json 500 if it has none."""
        handler = self.status_handlers.get(exc.status_code) if isinstance(exc, HTTPException) else None
        if handler is None:
            handler = next(
                (self.exception_handlers[c] for c in type(exc).__mro__ if c in self.exception_handlers),
                None,
            )
        if handler is None and not isinstance(exc, HTTPException):
            handler = self.status_handlers.get(500)
        if handler is None:
            logger.error("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
            return internal_error()
        if inspect.iscoroutinefunction(handler):
            response = await handler(request, exc)
        else:
            response = await run_in_threadpool(handler, request, exc)
        assert isinstance(response, Response)
        return response


def internal_error() -> Response:
    """The 500 of an unhandled error: a problem, nothing about the error itself."""
    import pydantic_core

    body = problem_body(DEFAULT_SHAPE, 500, "Internal Server Error", "The server failed to answer.")
    return Response(pydantic_core.to_json(body), status_code=500, media_type="application/problem+json")
