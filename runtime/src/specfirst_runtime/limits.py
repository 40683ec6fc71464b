"""Request bodies bounded while they are read: the declared length first, then the bytes as they arrive.

Once the caller is authenticated, an operation with a body checks `Content-Length` against its limit
(413 before any byte is read), then reads the body counting as it arrives (413 the moment the count
passes the limit, for chunked bodies too): the JSON and raw readers inline, the form parser through
`BoundedReceive`. Whoever reads the body to its end marks the scope (`BODY_READ`); an answer to a
request whose body was left unread says `Connection: close` (see `routing`), so the server closes the
connection instead of reading the rest.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope

DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # any request body, unless the operation or create_app says otherwise
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024  # a multipart file part whose schema sets no maxLength


class TooLarge(Exception):
    """413: a body or a file larger than the operation allows."""


BODY_READ = "specfirst.body_read"  # scope key, set once the request body has been read to its end


def body_headers(scope: Scope) -> tuple[bool, int | None]:
    """Whether the request carries a body, and its declared length (None: chunked or unreadable)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return True, None
            return length > 0, length
        if name == b"transfer-encoding":
            return True, None
    return False, None


def left_unread(scope: Scope) -> bool:
    """True when the request has a body that was not read to its end: the answer must close."""
    return BODY_READ not in scope and body_headers(scope)[0]


class BoundedReceive:
    """An ASGI `receive` that counts the body's bytes and raises `TooLarge` past `limit`.

    What a form parser reads through; the JSON and raw readers count inline (`operation._body`).
    """

    __slots__ = ("limit", "receive", "received", "scope")

    def __init__(self, receive: Receive, limit: int, scope: Scope) -> None:
        self.receive = receive
        self.limit = limit
        self.received = 0
        self.scope = scope

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise TooLarge(f"The body is larger than {self.limit} bytes.")
            if not message.get("more_body", False):
                self.scope[BODY_READ] = True
        return message
