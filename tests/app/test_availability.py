"""Issue 14, 2 and 3: a database that is down or locked never kills a worker and is answered 503 with
Retry-After (as the contract declares), never 500; the service recovers without a restart."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text

from app.config import Settings
from app.main import build_app
from app.schema import upgrade
from tests.app.conftest import SECRET, sign_up
from tests.databases import NO_POSTGRES, fresh_database, postgres_url

ITEMS = "/api/v1/items"
LAMP = {"name": "Desk lamp", "price_cents": 4900}


def assert_unavailable(response: object) -> None:
    assert response.status_code == 503, response.text  # type: ignore[attr-defined]
    assert response.headers["retry-after"] == "5"  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]


def test_a_worker_starts_and_serves_while_the_database_is_unreachable() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(
        database_url=f"postgresql+psycopg://nobody@127.0.0.1:{port}/none",
        secret_key=SECRET,
        log_level="CRITICAL",
    )
    with TestClient(build_app(settings)) as client:  # the lifespan logs, and does not raise
        assert_unavailable(client.get("/api/v1/health"))
        assert_unavailable(client.get(ITEMS))
        created = client.post(
            "/api/v1/users", json={"email": "a@example.com", "display_name": "A", "password": "p" * 12}
        )
        assert_unavailable(created)


def settings_for(url: str, **changes: object) -> Settings:
    upgrade(url)
    return Settings(database_url=url, secret_key=SECRET, log_level="CRITICAL", **changes)  # type: ignore[arg-type]


def test_a_locked_sqlite_file_is_503_after_the_busy_timeout(tmp_path: Path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path}/locked.sqlite3", database_busy_timeout_seconds=0.2)
    with TestClient(build_app(settings)) as client:
        auth = sign_up(client)
        holder = sqlite3.connect(settings.database_url.split("///", 1)[1], isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than the busy timeout
        try:
            assert_unavailable(client.post(ITEMS, headers=auth, json=LAMP))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert client.post(ITEMS, headers=auth, json=LAMP).status_code == 201  # no restart needed


@pytest.mark.skipif(postgres_url() is None, reason=NO_POSTGRES)
def test_postgresql_going_away_mid_run_is_503_then_recovers(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        _go_away_and_back(url)


def _go_away_and_back(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(str(postgres_url()), isolation_level="AUTOCOMMIT")
    with TestClient(build_app(settings_for(url))) as client, admin.connect() as control:
        auth = sign_up(client)
        assert client.post(ITEMS, headers=auth, json=LAMP).status_code == 201
        # the server drops every connection of this database and accepts no new one: down, for this app
        control.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        control.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
        )
        try:
            assert_unavailable(client.get("/api/v1/health"))
            assert_unavailable(client.get(ITEMS))
            assert_unavailable(client.post(ITEMS, headers=auth, json={**LAMP, "name": "Other"}))
        finally:
            control.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        assert client.get("/api/v1/health").status_code == 200
        assert client.get(ITEMS).json()["total"] == 1  # the refused write left nothing behind
        assert client.post(ITEMS, headers=auth, json={**LAMP, "name": "Other"}).status_code == 201
    admin.dispose()
