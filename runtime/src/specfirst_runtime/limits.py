"""Request bodies bounded while they are read: the declared length first, then the bytes as they arrive.

`BoundedReceive` stands between the server's `receive` and everything that reads the body (the JSON
reader, Starlette's form parser, a handler's own `request.stream()`). The operation sets its limit
once it knows the caller is authenticated; a `Content-Length` above the limit is refused before any
byte is read, and a chunked body is refused the moment the count passes the limit. Whether the body
was read to its end decides whether the answer must close the connection.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope

DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # any request body, unless the operation or create_app says otherwise
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024  # a multipart file part whose schema sets no maxLength


class TooLarge(Exception):
    """413: a body or a file larger than the operation allows."""


class BoundedReceive:
    """An ASGI `receive` that counts the body's bytes and raises `TooLarge` past `limit`."""

    __slots__ = ("complete", "declared", "limit", "receive", "received")

    def __init__(self, receive: Receive, declared: int | None) -> None:
        self.receive = receive
        self.declared = declared  # Content-Length, or None for a chunked body
        self.limit: int | None = None
        self.received = 0
        self.complete = False  # the last body message has been read

    def bound(self, limit: int) -> None:
        """Set the limit; a declared length above it is refused now, before anything is read."""
        self.limit = limit
        if self.declared is not None and self.declared > limit:
            raise TooLarge(f"The body ({self.declared} bytes) is larger than {limit} bytes.")

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.limit is not None and self.received > self.limit:
                raise TooLarge(f"The body is larger than {self.limit} bytes.")
            if not message.get("more_body", False):
                self.complete = True
        return message


def bounded_receive(scope: Scope, receive: Receive) -> BoundedReceive | None:
    """A `BoundedReceive` for a request that carries a body, or None for one that does not."""
    declared: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                return BoundedReceive(receive, None)
        elif name == b"transfer-encoding":
            chunked = True
    if chunked:
        return BoundedReceive(receive, None)
    if not declared:
        return None
    return BoundedReceive(receive, declared)
