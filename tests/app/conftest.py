"""The example service in-process: a fresh database per test (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), a fixed signing key, TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import build_app
from app.schema import upgrade
from tests.databases import database_params, fresh_database

SECRET = "test-secret-key-" + "x" * 64  # long enough for HS512 too, so that test fails on the algorithm
API_KEY = "back-office-key"


@pytest.fixture(params=database_params())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every service test runs on SQLite and on PostgreSQL."""
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)  # the migrations, as `make migrate` applies them
        yield url


@pytest.fixture()
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        api_keys=[API_KEY],
        log_level="WARNING",
    )


@pytest.fixture()
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(build_app(settings)) as test_client:
        yield test_client


def sign_up(
    client: TestClient, email: str = "ann@example.com", password: str = "correct horse"
) -> dict[str, str]:
    """Create an account and return Authorization headers for it."""
    created = client.post("/api/v1/users", json={"email": email, "display_name": "Ann", "password": password})
    assert created.status_code == 201, created.text
    token = client.post(
        "/api/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


@pytest.fixture()
def auth(client: TestClient) -> dict[str, str]:
    return sign_up(client)
