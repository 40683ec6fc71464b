"""Problem bodies (RFC 9457) for the errors the handlers raise."""

from __future__ import annotations

from generated.errors import ConflictError, ForbiddenError, NotFoundError, UnauthorizedError
from generated.models import Problem


def problem(status: int, title: str, detail: str) -> Problem:
    return Problem(title=title, status=status, detail=detail)


def not_found(what: str) -> NotFoundError:
    return NotFoundError(problem(404, "Not Found", f"{what} does not exist."))


def forbidden(detail: str) -> ForbiddenError:
    return ForbiddenError(problem(403, "Forbidden", detail))


def conflict(detail: str) -> ConflictError:
    return ConflictError(problem(409, "Conflict", detail))


def unauthorized(detail: str) -> UnauthorizedError:
    """A token that verified but no longer names an account (RFC 6750: invalid_token)."""
    challenge = 'Bearer realm="api", error="invalid_token"'
    return UnauthorizedError(problem(401, "Unauthorized", detail), www_authenticate=challenge)
