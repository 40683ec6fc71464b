"""The SDK's exception hierarchy: every failure of a call is an `APIError`.

APIError
├── APIConnectionError            the request never got an answer (refused, reset, DNS, ...)
│   └── APITimeoutError           it timed out
├── APIResponseValidationError    an answer the contract does not allow for the call: a status it does
│                                 not declare (an undeclared 201, a 302 not followed, a redirect loop),
│                                 a body that is not the declared JSON, a required field missing
└── APIStatusError                an answer with a 4xx/5xx status
    ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403, NotFoundError 404,
    │   ConflictError 409, UnprocessableEntityError 422, RateLimitError 429, InternalServerError >=500
    └── the contract's classes (`errors.py`): the same names, their `body` typed as declared
"""

from __future__ import annotations

import httpx2

__all__ = [
    "STANDARD_STATUS_ERRORS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "status_error_class",
]


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


class APIResponseValidationError(APIError):
    """The server answered, but not as the contract says this call answers.

    `response` is the answer (None only for a redirect loop, which httpx2 ends without one); `body` its
    text (or None).
    """

    response: httpx2.Response | None
    status_code: int | None

    def __init__(
        self,
        message: str,
        *,
        response: httpx2.Response | None,
        request: httpx2.Request | None = None,
    ) -> None:
        body: object = None
        if response is not None:
            try:
                body = response.text or None
            except httpx2.ResponseNotRead:  # a streamed answer: its body is left unread
                body = None
        if request is None and response is not None:
            request = response.request
        super().__init__(message, request=request, body=body)
        self.response = response
        self.status_code = response.status_code if response is not None else None


class BadRequestError(APIStatusError):
    """400: the request was malformed."""


class AuthenticationError(APIStatusError):
    """401: missing or invalid credentials."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials do not allow this."""


class NotFoundError(APIStatusError):
    """404: no such resource."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but invalid."""


class RateLimitError(APIStatusError):
    """429: too many requests (retried first, honouring Retry-After)."""


class InternalServerError(APIStatusError):
    """5xx: the server failed (retried first)."""


STANDARD_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int, declared: dict[str, type[APIStatusError]]) -> type[APIStatusError]:
    """The class for an error status: the contract's own, else the standard one, else the base."""
    cls = declared.get(str(status)) or declared.get(f"{str(status)[0]}XX")
    cls = cls or STANDARD_STATUS_ERRORS.get(status)
    if cls is not None:
        return cls
    return InternalServerError if status >= 500 else APIStatusError
