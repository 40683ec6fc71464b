"""A fast in-process schemathesis pass over every operation (ASGI, a few examples each), run by `make test`.

`make contract-test` is the thorough run (a real server, 100 examples, the stateful phase); this one
catches regressions in seconds. The schema is the hand-written contract, never the app's own output.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from app.config import Settings
from app.main import build_app
from tests.contract.run import API_KEY, SPEC, USER

_data = Path(tempfile.mkdtemp(prefix="contract-asgi-"))
app = build_app(
    Settings(
        database_url=f"sqlite:///{_data}/contract.sqlite3",
        secret_key="in-process-contract-key-" + "z" * 40,
        api_keys=[API_KEY],
        log_level="WARNING",
    )
)
schema = schemathesis.openapi.from_path(SPEC)
schema.app = app
credentials: dict[str, str] = {}


@schema.auth()
class BearerAndKey:
    """The token of a signed-up user, and the back-office key, on every request that declares them."""

    def get(self, case: Any, context: Any) -> dict[str, str]:
        return credentials

    def set(self, case: Any, data: dict[str, str], context: Any) -> None:
        case.headers = {**(case.headers or {}), **data}


@pytest.fixture(scope="module", autouse=True)
def running_app() -> Iterator[None]:
    with TestClient(app) as client:  # runs the lifespan: the database schema exists from here on
        assert client.post("/api/v1/users", json=USER).status_code == 201
        form = {"grant_type": "password", "username": USER["email"], "password": USER["password"]}
        token = client.post("/api/v1/auth/token", data=form).json()["access_token"]
        credentials.update({"Authorization": f"Bearer {token}", "X-API-Key": API_KEY})
        yield


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_operation_honours_its_contract(case: Any) -> None:
    case.call_and_validate()
