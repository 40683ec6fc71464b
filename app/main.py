"""The service: the generated app, with this project's handlers, database, security and middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import sessionmaker
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from generated import Security, create_app

from . import availability
from .config import Settings, get_settings
from .db import make_engine
from .handlers.auth import Auth
from .handlers.events import Events
from .handlers.exports import Exports
from .handlers.files import Files
from .handlers.items import Items
from .handlers.system import System
from .handlers.users import Users
from .observability import RequestIdMiddleware, configure_logging
from .schema import check_schema
from .security import Tokens, api_key_verifier


def build_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app (a factory: uvicorn and gunicorn call it with no arguments)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url, settings.database_busy_timeout_seconds)
    tokens = Tokens(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # reads the schema's revision only (`make migrate` changes it, once, before the workers start):
        # raises if it is not at head; an unreachable database is logged and the worker serves anyway
        check_schema(engine)
        yield
        engine.dispose()

    app = create_app(
        system=System,
        auth=Auth,
        users=Users,
        items=Items,
        files=Files,
        exports=Exports,
        events=Events,
        security=Security(oauth2=tokens.verify, bearer=tokens.verify, api_key=api_key_verifier(settings)),
        max_file_bytes=settings.max_upload_bytes,  # an image past MAX_UPLOAD_BYTES (or its maxLength): 413
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.tokens = tokens
    availability.install(app, settings.retry_after_seconds)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["Location", "Link", "X-Total-Count", "X-Request-Id"],
    )
    app.add_middleware(RequestIdMiddleware)
    return app
