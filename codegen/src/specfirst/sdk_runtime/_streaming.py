"""Streamed responses: text as an iterator of lines, `text/event-stream` as an iterator of events.

A stream owns its HTTP response: iterate it to the end, or close it (`with` / `async with`, or `close()`),
so the connection goes back to the pool.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx2

__all__ = ["AsyncEventStream", "AsyncLineStream", "Event", "EventStream", "LineStream", "SSEDecoder"]


@dataclass(frozen=True, slots=True)
class Event:
    """One Server-Sent Event as an EventSource sees it; `data` joins multi-line data with newlines."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    def json(self) -> Any:
        """`data` decoded as JSON."""
        return json.loads(self.data)


class SSEDecoder:
    """The WHATWG event-stream parsing rules, fed one line at a time."""

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, line: str) -> Event | None:
        """The event a blank line completes, else None."""
        if not line:
            if not self._data and self._event is None and self._id is None and self._retry is None:
                return None
            event = Event("\n".join(self._data), self._event, self._id or self._last_id, self._retry)
            self._data, self._event, self._id, self._retry = [], None, None, None
            return event if event.data or event.event else None
        if line.startswith(":"):
            return None  # a comment (keep-alive)
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = self._last_id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def end(self) -> Event | None:
        """The last event when the stream ends without a blank line after it."""
        return self.feed("")


class LineStream:
    """A streamed text response, one line at a time (line endings removed)."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response

    def __iter__(self) -> Iterator[str]:
        try:
            yield from self.response.iter_lines()
        finally:
            self.response.close()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class EventStream:
    """A streamed `text/event-stream` response, one `Event` at a time."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response

    def __iter__(self) -> Iterator[Event]:
        decoder = SSEDecoder()
        try:
            for line in self.response.iter_lines():
                event = decoder.feed(line)
                if event is not None:
                    yield event
            last = decoder.end()
            if last is not None:
                yield last
        finally:
            self.response.close()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncLineStream:
    """`LineStream` for the async client: `async for line in stream`."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response

    async def __aiter__(self) -> AsyncIterator[str]:
        try:
            async for line in self.response.aiter_lines():
                yield line
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


class AsyncEventStream:
    """`EventStream` for the async client: `async for event in stream`."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response

    async def __aiter__(self) -> AsyncIterator[Event]:
        decoder = SSEDecoder()
        try:
            async for line in self.response.aiter_lines():
                event = decoder.feed(line)
                if event is not None:
                    yield event
            last = decoder.end()
            if last is not None:
                yield last
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
