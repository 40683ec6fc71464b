"""Drives the built Python SDK against tests/sdk/newer_server.py; prints one JSON line of outcomes.

Run with the SDK's own venv: `python drive_newer.py BASE_URL sync|async`. Each outcome is a short
string the TypeScript driver (ts/newer.ts) prints the same way, so one table checks both languages.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

import item_store_api as sdk  # type: ignore[import-not-found, unused-ignore]
from item_store_api import models  # type: ignore[import-not-found, unused-ignore]
from item_store_api._forward import UnknownVariant  # type: ignore[import-not-found, unused-ignore]


def error_outcome(error: BaseException) -> str:
    if isinstance(error, sdk.APIStatusError):
        attempt = error.headers.get("x-attempt", "?")
        # "json" for a body parsed from JSON (the declared model, or the decoded JSON where the call
        # declares none), "text" for one that is not JSON: the TypeScript driver says the same
        body = "text" if isinstance(error.body, str) else "json" if error.body is not None else "none"
        return f"{type(error).__name__}:{error.status_code}:{attempt}:{body}"
    if isinstance(error, sdk.APIResponseValidationError):
        has = "response" if error.response is not None else "no response"
        return f"APIResponseValidationError:{error.status_code}:{has}"
    if isinstance(error, sdk.APIError):
        return type(error).__name__
    return f"crash {type(error).__name__}: {error}"


def describe(value: Any) -> str:
    if isinstance(value, models.ItemOut):
        return f"ok:{value.name}"
    return f"ok:{type(value).__name__}"


def run_sync(base: str, run: str) -> dict[str, str]:
    out: dict[str, str] = {}
    client = sdk.Client(base, default_headers={"X-Run": run})

    def outcome(name: str, call: Callable[[], Any], show: Callable[[Any], str] = describe) -> None:
        started = time.monotonic()
        try:
            out[name] = show(call())
        except Exception as error:  # every failure must be an SDK error: the table says which
            out[name] = error_outcome(error)
        if time.monotonic() - started > 5:
            out[name] += " (slow)"

    outcome("unknown field, enum value", lambda: client.items.get_item(1), forward_item)
    outcome("required field missing", lambda: client.items.get_item(2))
    outcome("404 text/html", lambda: client.items.get_item(3))
    outcome("200 text/html", lambda: client.items.get_item(4))
    outcome("302 without Location", lambda: client.items.get_item(5))
    outcome("redirect loop", lambda: client.items.get_item(6))
    outcome("undeclared 201", lambda: client.items.get_item(7))
    outcome("429 Retry-After seconds", lambda: client.items.get_item(8))
    outcome("503 Retry-After date", lambda: client.items.get_item(9))
    outcome("429 Retry-After above cap", lambda: client.items.get_item(10))
    outcome("503 503 200", lambda: client.items.get_item(11))
    outcome("503 x-should-retry false", lambda: client.items.get_item(12))
    outcome("400 x-should-retry true", lambda: client.items.get_item(13))
    outcome("409", lambda: client.items.get_item(14))
    outcome("body stalls", lambda: client.items.get_item(15, timeout=1, max_retries=0))
    outcome("500 always", lambda: client.items.get_item(16))
    outcome("429 always", lambda: client.items.get_item(17))
    outcome("404 problem+json", lambda: client.items.get_item(18))
    out["404 body is the declared model"] = declared_model(client)
    outcome("user agent", lambda: client.items.get_item(19), agent)
    body = {"kind": "text", "text": "hi"}
    outcome("unknown variant", lambda: client.items.add_item_note(1, body=body), note_outcome)
    outcome("POST 503 then 201", lambda: client.items.add_item_note(2, body=body), note_text)
    outcome("page with repeated offset", lambda: list(client.items.list_items_iter()), page_outcome)
    late = arm_late(base)
    refused = sdk.Client(late, default_headers={"X-Run": run})
    outcome("refused before sending, POST", lambda: refused.items.add_item_note(3, body=body), note_text)
    return out


async def run_async(base: str, run: str) -> dict[str, str]:
    out: dict[str, str] = {}
    client = sdk.AsyncClient(base, default_headers={"X-Run": run})

    async def outcome(
        name: str, call: Callable[[], Awaitable[Any]], show: Callable[[Any], str] = describe
    ) -> None:
        started = time.monotonic()
        try:
            out[name] = show(await call())
        except Exception as error:
            out[name] = error_outcome(error)
        if time.monotonic() - started > 5:
            out[name] += " (slow)"

    get = client.items.get_item
    await outcome("unknown field, enum value", lambda: get(1), forward_item)
    for name, item_id in SCENARIOS:
        await outcome(name, lambda item_id=item_id: get(item_id))  # type: ignore[misc]
    await outcome("body stalls", lambda: get(15, timeout=1, max_retries=0))
    await outcome("user agent", lambda: get(19), agent)
    body = {"kind": "text", "text": "hi"}
    await outcome("unknown variant", lambda: client.items.add_item_note(1, body=body), note_outcome)
    await outcome("POST 503 then 201", lambda: client.items.add_item_note(2, body=body), note_text)

    async def walk() -> list[models.ItemOut]:
        return [i async for i in client.items.list_items_iter()]

    await outcome("page with repeated offset", walk, page_outcome)
    late = arm_late(base)
    refused = sdk.AsyncClient(late, default_headers={"X-Run": run})
    await outcome(
        "refused before sending, POST", lambda: refused.items.add_item_note(3, body=body), note_text
    )
    try:
        await get(18)
    except sdk.NotFoundError as error:
        out["404 body is the declared model"] = type(error.body).__name__
    return out


SCENARIOS = [
    ("required field missing", 2),
    ("404 text/html", 3),
    ("200 text/html", 4),
    ("302 without Location", 5),
    ("redirect loop", 6),
    ("undeclared 201", 7),
    ("429 Retry-After seconds", 8),
    ("503 Retry-After date", 9),
    ("429 Retry-After above cap", 10),
    ("503 503 200", 11),
    ("503 x-should-retry false", 12),
    ("400 x-should-retry true", 13),
    ("409", 14),
    ("500 always", 16),
    ("429 always", 17),
    ("404 problem+json", 18),
]


def declared_model(client: sdk.Client) -> str:
    """Python only: the declared 404 body is the contract's Problem (TypeScript does not validate)."""
    try:
        client.items.get_item(18)
    except sdk.NotFoundError as error:
        return type(error.body).__name__
    return "no error"


def agent(value: models.ItemOut) -> str:
    return f"ok:{str(value.description).split('/')[0]}"


def forward_item(value: models.ItemOut) -> str:
    extra = (value.model_extra or {}).get("colour")
    absent = "dimensions" not in value.model_fields_set and value.dimensions is None
    return f"ok:colour={extra}:currency={value.currency.value}:absent optional={absent}"


def note_outcome(note: models.TextNoteOut | models.LinkNoteOut | UnknownVariant) -> str:
    # `note.kind` type-checks on the union (each variant and UnknownVariant have it); `seconds` only
    # once narrowed to the unknown variant
    seconds = note.seconds if isinstance(note, UnknownVariant) else None
    return f"ok:kind={note.kind}:seconds={seconds}"


def note_text(note: models.TextNoteOut | models.LinkNoteOut | UnknownVariant) -> str:
    return f"ok:{note.text}" if isinstance(note, models.TextNoteOut) else f"ok:{type(note).__name__}"


def page_outcome(items: list[models.ItemOut]) -> str:
    unknown = [i.currency.value for i in items if i.currency not in models.Currency]
    return f"ok:{len(items)} items:{','.join(unknown)}"


def arm_late(base: str) -> str:
    with urllib.request.urlopen(f"{base}/arm-late") as answer:
        url: str = json.loads(answer.read())["url"]
    return url


if __name__ == "__main__":
    base, mode = sys.argv[1], sys.argv[2]
    result = run_sync(base, "py-sync") if mode == "sync" else asyncio.run(run_async(base, "py-async"))
    print(json.dumps(result))
