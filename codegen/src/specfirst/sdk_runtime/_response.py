"""Raw responses: `client.<resource>.with_raw_response.<method>(...)` returns an `APIResponse`.

`APIResponse` gives the status, headers and raw body, and `.parse()` the value the plain call returns.
The wrappers keep each method's signature (a `ParamSpec`), so raw calls type-check like plain ones.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx2

__all__ = ["RAW", "APIResponse", "async_to_raw_response", "to_raw_response"]

T = TypeVar("T")
P = ParamSpec("P")

RAW: contextvars.ContextVar[bool] = contextvars.ContextVar("sdk_raw_response", default=False)
"""Set while a raw wrapper runs: the client then returns an `APIResponse` instead of the parsed value."""


class APIResponse(Generic[T]):
    """The HTTP response of one call, before parsing. Error statuses still raise, as in plain calls."""

    def __init__(self, response: httpx2.Response, parser: Callable[[], Any], retries_taken: int) -> None:
        self.http_response = response
        self._parser = parser
        self._parsed: list[T] = []
        self.retries_taken = retries_taken

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx2.Headers:
        return self.http_response.headers

    @property
    def url(self) -> httpx2.URL:
        return self.http_response.url

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return self.http_response.json()

    def parse(self) -> T:
        """The value the plain call returns (parsed once, then cached)."""
        if not self._parsed:
            self._parsed.append(cast(T, self._parser()))
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.http_response.request.method} {self.url}>"


def to_raw_response(func: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = RAW.set(True)
        try:
            return cast(APIResponse[T], func(*args, **kwargs))
        finally:
            RAW.reset(token)

    return wrapped


def async_to_raw_response(func: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[APIResponse[T]]]:
    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = RAW.set(True)
        try:
            return cast(APIResponse[T], await func(*args, **kwargs))
        finally:
            RAW.reset(token)

    return wrapped
