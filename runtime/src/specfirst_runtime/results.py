"""Types a handler returns: the body itself, or a generated result class when the contract says more."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias, TypeVar, Union

from pydantic import BeforeValidator

T = TypeVar("T")

# A handler may be `def` or `async def`: both satisfy a method declared to return MaybeAwaitable[T].
MaybeAwaitable: TypeAlias = Union[T, Awaitable[T]]  # noqa: UP007 (a generic alias needs Union)

# A streamed body (text/csv, octet-stream, ...): any iterable of chunks, sync or async.
StreamBody: TypeAlias = (
    Iterable[str] | Iterable[bytes] | AsyncIterable[str] | AsyncIterable[bytes] | str | bytes
)


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One event of a `text/event-stream` response."""

    data: Any
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    def encode(self) -> bytes:
        lines = []
        if self.event is not None:
            lines.append(f"event: {_one_line(self.event)}")
        if self.id is not None:
            lines.append(f"id: {_one_line(self.id)}")
        if self.retry is not None:
            lines.append(f"retry: {int(self.retry)}")
        text = self.data if isinstance(self.data, str) else _json(self.data)
        lines.extend(f"data: {line}" for line in text.splitlines() or [""])
        return ("\n".join(lines) + "\n\n").encode()


EventStream: TypeAlias = Iterable[ServerSentEvent] | AsyncIterable[ServerSentEvent]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _json(value: Any) -> str:
    import pydantic_core

    return pydantic_core.to_json(value, by_alias=True).decode()


def _scalar_text(value: Any) -> Any:
    if isinstance(value, str):
        if value in ("true", "false"):
            return value == "true"
        if value.lstrip("-").isdigit():
            return int(value)
    return value


# For parameters typed as an integer or boolean enum (`Literal[1, 2]`): a query string's "2" is 2.
ScalarText = BeforeValidator(_scalar_text)


class Result:
    """Base of the generated result classes (`CreateItemCreated(body=..., location=...)`)."""

    STATUS: ClassVar[int]
    HEADERS: ClassVar[dict[str, str]] = {}  # python attribute -> wire header name
