"""The schema comes from the migrations, applied once before the workers start; workers only check it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Base, make_engine
from app.main import build_app
from app.schema import SchemaNotAtHead, current_revision, head_revision, upgrade
from tests.app.conftest import SECRET
from tests.databases import database_params, fresh_database

ROOT = Path(__file__).resolve().parents[2]


def test_the_migrations_build_exactly_the_models(settings: Settings) -> None:
    """What the service's code expects (app/db.py) is what the migrations made: no difference at all."""
    engine = make_engine(settings.database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    assert differences == []


@pytest.mark.parametrize("kind", database_params())
def test_a_worker_refuses_a_database_not_at_head(kind: str, tmp_path: Path) -> None:
    with fresh_database(kind, tmp_path) as url:  # empty: never migrated
        app = build_app(Settings(database_url=url, secret_key=SECRET, log_level="WARNING"))
        with pytest.raises(SchemaNotAtHead, match=r"make migrate"), TestClient(app):
            pass
        upgrade(url)
        upgrade(url)  # a second run finds the schema at head and does nothing
        with TestClient(app) as client:
            assert client.get("/api/v1/health").status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_once(url: str, log_path: Path) -> str:
    """`make serve` (migrate, then gunicorn with 2 workers) on `url`; the gunicorn log once both workers
    have started, or the master has exited."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"}
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "-s", "serve", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, gunicorn and the workers stop together
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and server.poll() is None:
                if log_path.read_text().count("Application startup complete.") == 2:
                    break
                time.sleep(0.2)  # waiting for readiness, bounded by the deadline
            if server.poll() is None:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=10) as answer:
                    assert answer.status == 200
            return log_path.read_text()
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


@pytest.mark.parametrize("kind", database_params())
def test_serve_on_a_fresh_database_never_loses_a_worker(kind: str, tmp_path: Path) -> None:
    """Issue 14, 1: both workers ran create_all and the loser died (1 in 10 starts on SQLite, 6 in 10 on
    PostgreSQL). Now `make serve` migrates once, then starts the workers, which only read the revision."""
    for attempt in range(3):
        with fresh_database(kind, tmp_path / str(attempt)) as url:
            log = _serve_once(url, tmp_path / f"serve-{attempt}.log")
        assert log.count("Application startup complete.") == 2, log
        assert not re.search(r"Worker failed to boot|exited with code|Traceback", log), log
