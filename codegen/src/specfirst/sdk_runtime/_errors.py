"""The SDK's exception hierarchy: every failure of a call is an `APIError`.

APIError
├── APIConnectionError            the request never got an answer (refused, reset, DNS, ...)
│   └── APITimeoutError           it timed out
└── APIStatusError                an answer with a 4xx/5xx status
    └── one class per status the contract declares (see `errors.py`)
"""

from __future__ import annotations

import httpx2

__all__ = ["APIConnectionError", "APIError", "APIStatusError", "APITimeoutError"]


class APIError(Exception):
    """Base class of every error the SDK raises for a call."""

    message: str
    request: httpx2.Request | None
    body: object

    def __init__(self, message: str, *, request: httpx2.Request | None = None, body: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIStatusError(APIError):
    """The server answered with an error status.

    `body` is the parsed body: the contract's model for that status when it declares one (built leniently,
    so an answer that strays from the contract still arrives), else the decoded JSON, else the text.
    """

    status_code: int
    response: httpx2.Response

    def __init__(self, message: str, *, response: httpx2.Response, body: object) -> None:
        super().__init__(message, request=response.request, body=body)
        self.response = response
        self.status_code = response.status_code

    @property
    def headers(self) -> httpx2.Headers:
        return self.response.headers

    @property
    def request_id(self) -> str | None:
        """The server's `X-Request-Id`, when it sends one: quote it when reporting a problem."""
        return self.response.headers.get("x-request-id")


class APIConnectionError(APIError):
    """No answer: the connection failed or was dropped."""

    def __init__(self, message: str = "Connection error.", *, request: httpx2.Request | None = None) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, *, request: httpx2.Request | None = None) -> None:
        super().__init__("Request timed out.", request=request)
