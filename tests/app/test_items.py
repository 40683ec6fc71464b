"""The item store through its contract: what a client of the API sees."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from app.config import Settings
from app.db import Item, get_session
from tests.app.conftest import API_KEY, sign_up

ITEMS = "/api/v1/items"
LAMP = {"name": "Desk lamp", "price_cents": 4900, "tags": ["lighting", "brass"]}


def create(client: TestClient, auth: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post(ITEMS, headers=auth, json={**LAMP, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_read_update_delete(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(ITEMS, headers=auth, json=LAMP)
    assert response.status_code == 201
    item = response.json()
    assert response.headers["location"] == f"/api/v1/items/{item['id']}"
    assert item["currency"] == "EUR" and item["description"] is None
    assert client.get(response.headers["location"]).json() == item

    patched = client.patch(
        f"{ITEMS}/{item['id']}", headers=auth, json={"price_cents": 3900, "description": "Brass"}
    )
    assert patched.status_code == 200
    assert patched.json()["price_cents"] == 3900 and patched.json()["name"] == "Desk lamp"

    assert client.delete(f"{ITEMS}/{item['id']}", headers=auth).status_code == 204
    assert client.get(f"{ITEMS}/{item['id']}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {**LAMP, "id": 7},  # readOnly
        {**LAMP, "owner_id": 2},
        {**LAMP, "price_cents": "4900"},  # no lax coercion
        {**LAMP, "price_cents": -1},
        {**LAMP, "tags": ["Not Valid"]},
        {**LAMP, "currency": "JPY"},
        {"price_cents": 1},
        {**LAMP, "dimensions": {"width_mm": 1}},
    ],
)
def test_invalid_bodies_are_422_problems(
    client: TestClient, auth: dict[str, str], body: dict[str, Any]
) -> None:
    response = client.post(ITEMS, headers=auth, json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]


def test_names_are_unique_per_owner(client: TestClient, auth: dict[str, str]) -> None:
    create(client, auth)
    assert client.post(ITEMS, headers=auth, json=LAMP).status_code == 409
    other = sign_up(client, "bob@example.com")
    assert client.post(ITEMS, headers=other, json=LAMP).status_code == 201


def test_only_the_owner_changes_an_item(client: TestClient, auth: dict[str, str]) -> None:
    item = create(client, auth)
    other = sign_up(client, "bob@example.com")
    assert client.patch(f"{ITEMS}/{item['id']}", headers=other, json={"price_cents": 1}).status_code == 403
    assert client.delete(f"{ITEMS}/{item['id']}", headers=other).status_code == 403


def test_listing_filters_sorts_and_pages(client: TestClient, auth: dict[str, str]) -> None:
    for n, tags in enumerate((["a"], ["a", "b"], ["b"])):
        create(client, auth, name=f"Thing {n}", price_cents=100 * (3 - n), tags=tags)
    page = client.get(f"{ITEMS}?tag=a&sort=price_cents&limit=1")
    assert page.status_code == 200
    assert page.headers["x-total-count"] == "2"
    assert page.json()["items"][0]["name"] == "Thing 1"
    assert page.json()["next_offset"] == 1
    assert 'rel="next"' in page.headers["link"]
    both = client.get(f"{ITEMS}?tag=a&tag=b").json()
    assert [i["name"] for i in both["items"]] == ["Thing 1"]
    assert client.get(f"{ITEMS}?q=THING 2").json()["total"] == 1
    assert client.get(f"{ITEMS}?q=%25").json()["total"] == 0  # LIKE wildcards are escaped
    assert client.get(f"{ITEMS}?sort=colour").status_code == 400


def test_notes_are_a_discriminated_union(client: TestClient, auth: dict[str, str]) -> None:
    item = create(client, auth)
    text = client.post(f"{ITEMS}/{item['id']}/notes", headers=auth, json={"kind": "text", "text": "Soon."})
    assert text.status_code == 201
    assert text.json() == {"id": 1, "kind": "text", "text": "Soon."}
    # issue 14, 8: Location named /items/{id}/notes/{noteId}, which the contract does not serve (404)
    assert client.get(text.headers["location"]).status_code == 200
    bad = client.post(f"{ITEMS}/{item['id']}/notes", headers=auth, json={"kind": "link", "text": "x"})
    assert bad.status_code == 422


def test_image_upload_checks_type_and_size(client: TestClient, auth: dict[str, str]) -> None:
    item = create(client, auth)
    url = f"{ITEMS}/{item['id']}/image"
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    ok = client.put(url, headers=auth, files={"file": ("a.png", png, "image/png")}, data={"caption": "Front"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["content_type"] == "image/png" and ok.json()["size"] == len(png)
    gif = client.put(url, headers=auth, files={"file": ("a.gif", b"GIF89a", "image/gif")})
    assert gif.status_code == 415
    big = client.put(url, headers=auth, files={"file": ("a.png", png + b"0" * 1024 * 1024, "image/png")})
    assert big.status_code == 413
    # the negative cases schemathesis' negative_data_rejection is not run on (tests/contract/run.py)
    no_file = client.put(url, headers=auth, data={"caption": "Front"}, files={"other": ("x", b"x")})
    assert no_file.status_code == 422
    assert [e["location"] for e in no_file.json()["errors"]] == [["body", "file"]]
    long_caption = client.put(
        url, headers=auth, files={"file": ("a.png", png, "image/png")}, data={"caption": "x" * 201}
    )
    assert long_caption.status_code == 422
    assert [e["location"] for e in long_caption.json()["errors"]] == [["body", "caption"]]


def test_events_follow_changes(client: TestClient, auth: dict[str, str]) -> None:
    item = create(client, auth)
    client.delete(f"{ITEMS}/{item['id']}", headers=auth)
    stream = client.get("/api/v1/events?limit=10")
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert [line for line in stream.text.splitlines() if line.startswith("event:")] == ["event: item"] * 2
    assert '"type":"deleted"' in stream.text
    newer = client.get("/api/v1/events", cookies={"last_seen": "1"})
    assert newer.text.count("event: item") == 1


def test_a_failed_request_writes_nothing(
    client: TestClient, auth: dict[str, str], settings: Settings
) -> None:
    create(client, auth)
    # the second insert of the same name fails after the first query of the request: no half-write
    assert client.post(ITEMS, headers=auth, json=LAMP).status_code == 409
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Item)) == 1
    engine.dispose()


def test_dependency_overrides_work_as_in_fastapi(client: TestClient) -> None:
    calls: list[str] = []

    def broken_session() -> Any:
        calls.append("override")
        raise RuntimeError("database down")

    client.app.dependency_overrides[get_session] = broken_session  # type: ignore[attr-defined]
    response = TestClient(client.app, raise_server_exceptions=False).get("/api/v1/health")
    assert calls == ["override"]
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"


def test_contract_and_docs_are_served(client: TestClient) -> None:
    contract = client.get("/openapi.json").json()
    assert contract["info"]["title"] == "Item Store API"
    assert "/api/v1/items/{itemId}" in contract["paths"]
    assert client.get("/docs").status_code == 200


def test_request_id_is_echoed(client: TestClient) -> None:
    assert (
        client.get("/api/v1/health", headers={"X-Request-Id": "abc-123"}).headers["x-request-id"] == "abc-123"
    )
    assert len(client.get("/api/v1/health").headers["x-request-id"]) == 32


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_export_neutralises_formulas(client: TestClient, auth: dict[str, str], start: str) -> None:
    """Issue 14, 8: user text starting like a formula went into the CSV as is (spreadsheet injection)."""
    name = f"{start}HYPERLINK(1)"
    response = client.post(ITEMS, headers=auth, json={**LAMP, "name": name})
    assert response.status_code == 201, response.text
    export = client.get("/api/v1/exports/items.csv", headers={"X-API-Key": API_KEY})
    rows = list(csv.reader(io.StringIO(export.text, newline="")))
    assert rows[1][1] == "'" + name


def test_search_text_with_a_nul_is_a_declared_400(client: TestClient, auth: dict[str, str]) -> None:
    """Issue 14, 4: `?q=%00` was a 500 on PostgreSQL (psycopg refuses NUL); SQLite matched every item."""
    create(client, auth, name="Lamp\x00one")
    for q in ("%00", "P%00O"):
        response = client.get(f"{ITEMS}?q={q}")
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"{ITEMS}?q=P").json()["total"] == 1
