"""Routing by the contract's rules: one route per path with every method on it, concrete paths first.

Starlette matches routes in registration order and answers 405 with the methods of the first partial
match only. Here a path's methods live together, so `Allow` lists all of them, and paths are ordered so
`/numbers/Local.json` is tried before `/numbers/{Sid}.json`, as OpenAPI requires. Path templates are
compiled to regexes directly, so wire names that are not identifiers (`{item-id}`) route too.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

Handler = Callable[[Request, dict[str, str]], Awaitable[Response]]
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
        if handler is None:
            response = self.not_allowed(self.allow)
        else:
            response = await handler(request, scope["contract_path_values"])
        await response(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        from starlette.routing import NoMatchFound

        raise NoMatchFound(name, path_params)

    def __repr__(self) -> str:
        return f"PathRoute({self.path!r}, methods={list(self.allow)})"
