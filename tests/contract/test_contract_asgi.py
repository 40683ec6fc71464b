"""A fast in-process schemathesis pass over every operation (ASGI, a few examples each), run by `make test`,
on SQLite and on PostgreSQL (when TEST_DATABASE_URL is set; CI sets it).

`make contract-test` is the thorough run (a real server, 100 examples, the stateful phase); this one
catches regressions in seconds. The schema is the hand-written contract, never the app's own output.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from app.config import Settings
from app.main import build_app
from app.schema import upgrade
from tests.contract.run import API_KEY, SPEC, USER
from tests.databases import KINDS, NO_POSTGRES, fresh_database, postgres_url

# One schema per database, each with its app and credentials. The apps (and their empty databases) are
# made at import, because schemathesis copies a schema's app into its operations when it collects them.
_databases = {kind: ExitStack() for kind in KINDS}
schemas = {kind: schemathesis.openapi.from_path(SPEC) for kind in KINDS}
apps: dict[str, FastAPI] = {}
credentials: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}


def _make_app(kind: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="contract-asgi-"))
    url = _databases[kind].enter_context(fresh_database(kind, folder))
    upgrade(url)  # as `make migrate` does
    settings = Settings(
        database_url=url,
        secret_key="in-process-contract-key-" + "z" * 40,
        api_keys=[API_KEY],
        log_level="WARNING",
    )
    apps[kind] = schemas[kind].app = build_app(settings)

    @schemas[kind].auth()
    class BearerAndKey:
        """The token of a signed-up user, and the back-office key, on every request that declares them."""

        def get(self, case: Any, context: Any) -> dict[str, str]:
            return credentials[kind]

        def set(self, case: Any, data: dict[str, str], context: Any) -> None:
            case.headers = {**(case.headers or {}), **data}


for _kind in KINDS:
    if _kind == "sqlite" or postgres_url() is not None:
        _make_app(_kind)


def _running(kind: str) -> Iterator[None]:
    if kind not in apps:
        pytest.skip(NO_POSTGRES)
    with _databases[kind], TestClient(apps[kind]) as client:  # runs the lifespan; drops the database after
        assert client.post("/api/v1/users", json=USER).status_code == 201
        form = {"grant_type": "password", "username": USER["email"], "password": USER["password"]}
        token = client.post("/api/v1/auth/token", data=form).json()["access_token"]
        credentials[kind].update({"Authorization": f"Bearer {token}", "X-API-Key": API_KEY})
        yield


@pytest.fixture(scope="module")
def on_sqlite() -> Iterator[None]:
    yield from _running("sqlite")


@pytest.fixture(scope="module")
def on_postgresql() -> Iterator[None]:
    yield from _running("postgresql")


EXAMPLES = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@schemas["sqlite"].parametrize()
@EXAMPLES
def test_operation_honours_its_contract_on_sqlite(case: Any, on_sqlite: None) -> None:
    case.call_and_validate()


@schemas["postgresql"].parametrize()
@EXAMPLES
def test_operation_honours_its_contract_on_postgresql(case: Any, on_postgresql: None) -> None:
    case.call_and_validate()
