"""Alembic's environment: the URL comes from app.schema (the service's settings), the models from app.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from app.db import Base, make_engine

url: str = context.config.attributes["url"]


def run_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    # two `make migrate` at once (two instances deploying): the second waits, then finds
                    # the schema at head and does nothing
                    connection.execute(text("SELECT pg_advisory_xact_lock(7210214301)"))
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
