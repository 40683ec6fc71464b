"""The database away (down, restarting, unreachable, or a SQLite file locked past the busy timeout):
503 with Retry-After, as the contract declares on every operation, instead of a 500.

Nothing was committed when this answer goes out: the request's transaction failed or never began.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .problems import problem

log = logging.getLogger("app.availability")


def is_unavailable(exc: Exception) -> bool:
    """Errors that say the database cannot answer now, as opposed to a bug or a constraint violation."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeoutError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def install(app: FastAPI, retry_after_seconds: int) -> None:
    """Registers the 503 answer as the app's exception handler for the database's errors."""

    async def database_unavailable(request: Request, exc: Exception) -> Response:
        if not is_unavailable(exc):
            raise exc  # a real error: the app's 500 handler answers it
        orig = getattr(exc, "orig", None) or exc
        log.warning("database unavailable", extra={"fields": {"error": str(orig).splitlines()[0][:200]}})
        body = problem(503, "Service Unavailable", "The database is unavailable for now; retry later.")
        return Response(
            body.model_dump_json(),
            status_code=503,
            media_type="application/problem+json",
            headers={"Retry-After": str(retry_after_seconds)},
        )

    app.add_exception_handler(DBAPIError, database_unavailable)
    app.add_exception_handler(PoolTimeoutError, database_unavailable)
