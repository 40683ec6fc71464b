"""Iterating over every item of a paginated operation, fetching pages as they are used up.

Two shapes are understood: a page carrying `items` and `next_offset` (null on the last page), and a plain
`limit`/`offset` operation, where the next offset is the previous one plus the items received and a short
or empty page ends the walk. An empty page, or a `next_offset` equal to the offset just fetched, ends it
too (as the TypeScript SDK's `paginate` does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, Literal, TypeVar

__all__ = ["AsyncPager", "SyncPager"]

T = TypeVar("T")
Mode = Literal["next_offset", "offset"]


def _items(page: Any) -> list[Any]:
    items = page.get("items") if isinstance(page, dict) else getattr(page, "items", page)
    return list(items) if isinstance(items, list | tuple) else []


def _next(page: Any, mode: Mode, offset: int, count: int, limit: int | None) -> int | None:
    if mode == "next_offset":
        value = page.get("next_offset") if isinstance(page, dict) else getattr(page, "next_offset", None)
        # a server that answers the offset it was asked for again would send the walk round forever
        return value if isinstance(value, int) and count and value != offset else None
    if count == 0 or (limit is not None and count < limit):
        return None
    return offset + count


class SyncPager(Generic[T]):
    """`for item in pager`: every item over all pages; `pager.pages()`: the pages themselves."""

    def __init__(
        self, fetch: Callable[[int | None], Any], *, mode: Mode, start: int | None, limit: int | None
    ):
        self._fetch = fetch
        self._mode = mode
        self._start = start
        self._limit = limit

    def pages(self) -> Iterator[Any]:
        offset: int | None = self._start
        while True:
            page = self._fetch(offset)
            yield page
            count = len(_items(page))
            offset = _next(page, self._mode, offset or 0, count, self._limit)
            if offset is None:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from _items(page)


class AsyncPager(Generic[T]):
    """`async for item in pager`: every item over all pages; `pager.pages()`: the pages themselves."""

    def __init__(
        self,
        fetch: Callable[[int | None], Awaitable[Any]],
        *,
        mode: Mode,
        start: int | None,
        limit: int | None,
    ):
        self._fetch = fetch
        self._mode = mode
        self._start = start
        self._limit = limit

    async def pages(self) -> AsyncIterator[Any]:
        offset: int | None = self._start
        while True:
            page = await self._fetch(offset)
            yield page
            count = len(_items(page))
            offset = _next(page, self._mode, offset or 0, count, self._limit)
            if offset is None:
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in _items(page):
                yield item
