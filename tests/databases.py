"""Fresh, empty databases for the service's tests: a SQLite file, or a PostgreSQL database of its own.

PostgreSQL comes from TEST_DATABASE_URL, a URL of a server's maintenance database (`.ci/run` starts a
throwaway server and sets it; see the README to run one locally). Without it the PostgreSQL cases skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

KINDS = ("sqlite", "postgresql")
NO_POSTGRES = "TEST_DATABASE_URL is not set (a PostgreSQL maintenance database URL; CI always sets it)"


def postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def database_params() -> list[object]:
    """`pytest.mark.parametrize` values: SQLite, and PostgreSQL (skipped with the reason when unset)."""
    skip = pytest.mark.skipif(postgres_url() is None, reason=NO_POSTGRES)
    return [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=skip)]


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards (PostgreSQL) or left in `folder` (SQLite)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder}/test.sqlite3"
        return
    admin_url = postgres_url()
    if admin_url is None:
        pytest.skip(NO_POSTGRES)
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
