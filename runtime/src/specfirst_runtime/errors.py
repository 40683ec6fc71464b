"""Errors a handler raises, and the problem bodies the generated layer writes itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, ClassVar


class ApiError(Exception):
    """Base of the generated exceptions: one class per declared (status, body) pair of the contract.

    Raise one from a handler and the client gets its status, its media type and its body serialised
    by the declared schema. Raising one the operation does not declare is a contract violation (500).
    """

    STATUS: ClassVar[int | None] = None  # None: a range (4XX) or `default`, given per instance
    MEDIA_TYPE: ClassVar[str | None] = None
    HEADERS: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        body: Any = None,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.body = body
        self.status = status if status is not None else (self.STATUS or 500)
        self.headers = dict(headers or {})
        super().__init__(f"{self.status} {type(self).__name__}")


class ContractViolation(Exception):
    """The handler did something its contract does not allow (an undeclared status or result type)."""


@dataclass(frozen=True, slots=True)
class ErrorResponse:
    """The answer to an exception type named in `create_app(error_map=...)`.

    A handler (or one of its dependencies) that raises an exception of a mapped type gets this
    status and headers, with a problem body in the shape the operation declares for the status
    (problem+json if it declares none). So a service answers `503` with `Retry-After` while its
    database is down instead of a 500::

        create_app(..., error_map={OperationalError: ErrorResponse(503, headers={"Retry-After": "5"})})

    A value of the map may also be a function of the exception returning an `ErrorResponse`.
    """

    status: int
    title: str = ""  # default: the status's reason phrase
    detail: str = ""  # default: the title
    headers: Mapping[str, str] = field(default_factory=dict)

    def problem_title(self) -> str:
        try:
            return self.title or HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"


ErrorMap = Mapping[type[BaseException], ErrorResponse | Callable[[BaseException], ErrorResponse]]


@dataclass(frozen=True, slots=True)
class ErrorShape:
    """What the contract declares for a status the generated layer answers itself (401, 422, ...)."""

    status: int
    media_type: str = "application/problem+json"
    fields: frozenset[str] | None = None  # the problem fields the declared schema has; None: all
    # the contract's own shape: a body valid against it, and the members taking the message, the list of
    # errors and the status (derived by the generator)
    template: Mapping[str, Any] | None = None
    message: str | None = None
    errors: str | None = None
    code: str | None = None


DEFAULT_SHAPE = ErrorShape(0)
PROBLEM_FIELDS = ("type", "title", "status", "detail", "instance", "errors")


def problem_body(
    shape: ErrorShape,
    status: int,
    title: str,
    detail: str,
    errors: Sequence[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An RFC 9457 problem with only the members the declared schema has (all of them if it says none),
    or the contract's own shape filled in."""
    if shape.template is not None:
        import copy

        own = copy.deepcopy(dict(shape.template))
        if shape.message is not None:
            own[shape.message] = detail
        if shape.code is not None:
            own[shape.code] = status
        if shape.errors is not None:
            own[shape.errors] = list(errors or [])
        return own
    full: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        full["errors"] = list(errors)
    if shape.fields is None:
        return full
    body = {k: v for k, v in full.items() if k in shape.fields}
    if "detail[]" in shape.fields:  # FastAPI's shape: {"detail": [{"loc", "msg", "type"}]}
        body["detail"] = [
            {
                "loc": [str(p) for p in e.get("location", [])],
                "msg": e.get("message", ""),
                "type": e.get("type", ""),
            }
            for e in errors or []
        ]
    for alias in ("message", "error"):  # the two other common error shapes
        if alias in shape.fields:
            body[alias] = detail
    return body
