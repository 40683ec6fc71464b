"""Authentication edge cases: every bad token is a 401 with a challenge, a missing scope a 403."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, delete

from app.config import Settings
from app.db import User
from tests.app.conftest import API_KEY, SECRET, sign_up

ME = "/api/v1/users/me"


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "sub": "1",
        "scope": "items:read items:write",
        "iat": now,
        "exp": now + 60,
        "iss": "item-store",
        "aud": "item-store-api",
    }
    base.update(overrides)
    return base


def assert_unauthorized(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get(ME, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"


def test_token_flow_and_me(client: TestClient, auth: dict[str, str]) -> None:
    me = client.get(ME, headers=auth)
    assert me.status_code == 200
    assert me.json()["email"] == "ann@example.com"
    assert "password" not in me.json()


def test_token_response_is_not_cached(client: TestClient) -> None:
    sign_up(client)
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "ann@example.com", "password": "correct horse"},
    )
    assert token.headers["cache-control"] == "no-store"
    assert token.json()["token_type"] == "bearer"


def test_missing_token(client: TestClient) -> None:
    assert_unauthorized(client, {})


def test_expired_token(client: TestClient) -> None:
    sign_up(client)
    old = jwt.encode(claims(iat=1_000_000, exp=1_000_060), SECRET, algorithm="HS256")
    assert_unauthorized(client, {"Authorization": f"Bearer {old}"})


def test_tampered_token(client: TestClient, auth: dict[str, str]) -> None:
    header, payload, signature = auth["Authorization"].removeprefix("Bearer ").split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["sub"] = "2"
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    assert_unauthorized(client, {"Authorization": f"Bearer {header}.{forged_payload}.{signature}"})


@pytest.mark.parametrize("algorithm", ["none", "HS512"])
def test_wrong_algorithm(client: TestClient, algorithm: str) -> None:
    sign_up(client)
    key = None if algorithm == "none" else SECRET
    token = jwt.encode(claims(), key, algorithm=algorithm)
    assert_unauthorized(client, {"Authorization": f"Bearer {token}"})


def test_wrong_key_issuer_and_audience(client: TestClient) -> None:
    sign_up(client)
    for token in (
        jwt.encode(claims(), "another-key-" + "y" * 64, algorithm="HS256"),
        jwt.encode(claims(iss="someone-else"), SECRET, algorithm="HS256"),
        jwt.encode(claims(aud="another-api"), SECRET, algorithm="HS256"),
    ):
        assert_unauthorized(client, {"Authorization": f"Bearer {token}"})


def test_token_lacking_a_scope_is_forbidden(client: TestClient) -> None:
    sign_up(client)
    read_only = jwt.encode(claims(scope="items:read"), SECRET, algorithm="HS256")
    response = client.post(
        "/api/v1/items",
        headers={"Authorization": f"Bearer {read_only}"},
        json={"name": "Lamp", "price_cents": 100},
    )
    assert response.status_code == 403
    assert response.json()["status"] == 403


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient) -> None:
    sign_up(client)
    answers = [
        client.post("/api/v1/auth/token", data={"grant_type": "password", "username": u, "password": p})
        for u, p in (("ann@example.com", "wrong password"), ("nobody@example.com", "correct horse"))
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()


def test_api_key_protects_the_export(client: TestClient) -> None:
    assert client.get("/api/v1/exports/items.csv").status_code == 401
    assert client.get("/api/v1/exports/items.csv", headers={"X-API-Key": "wrong"}).status_code == 401
    response = client.get("/api/v1/exports/items.csv", headers={"X-API-Key": API_KEY})
    assert response.status_code == 200
    assert response.text.startswith("id,name,price_cents")


def test_a_token_of_a_deleted_account_is_401(
    client: TestClient, auth: dict[str, str], settings: Settings
) -> None:
    """Issue 14, 7: a validly signed token for a user that no longer exists got 409 "You already have an
    item named ..." on createItem (the foreign-key violation was read as a name conflict)."""
    engine = create_engine(settings.database_url)
    with engine.begin() as connection:
        connection.execute(delete(User))
    engine.dispose()
    created = client.post("/api/v1/items", headers=auth, json={"name": "Lamp", "price_cents": 1})
    assert created.status_code == 401, created.text
    assert created.headers["www-authenticate"].startswith("Bearer")
    assert client.get(ME, headers=auth).status_code == 401
