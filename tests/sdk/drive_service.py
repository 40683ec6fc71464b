"""Every operation of the example service through the generated SDK, sync and async.

Run by tests/sdk/test_end_to_end.py with the python of a fresh venv where only the SDK's wheel (and its
dependencies) is installed: `python drive_service.py BASE_URL API_KEY`. Exits non-zero on the first
mismatch; prints one line per checked step.
"""

from __future__ import annotations

import asyncio
import struct
import sys
import uuid
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import item_store_api as sdk  # type: ignore[import-not-found, unused-ignore]
from item_store_api import models  # type: ignore[import-not-found, unused-ignore]

E = TypeVar("E", bound=Exception)


def png() -> bytes:
    """The smallest valid PNG (1x1, grey)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def check(condition: object, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


def expect(error: type[E], call: Callable[[], object], what: str) -> E:
    """Run `call`, which must raise `error`; return the exception."""
    try:
        call()
    except error as exc:
        print(f"ok: {what}")
        return exc
    raise SystemExit(f"FAILED: {what}: {error.__name__} not raised")


async def expect_async(error: type[E], call: Awaitable[object], what: str) -> E:
    try:
        await call
    except error as exc:
        print(f"ok: {what}")
        return exc
    raise SystemExit(f"FAILED: {what}: {error.__name__} not raised")


def run_sync(base: str, api_key: str, tmp: Path) -> int:
    """Returns the id of an item the next user does not own."""
    email = f"sync-{uuid.uuid4().hex[:8]}@example.com"
    with sdk.Client(base, api_key=api_key) as client:
        health = client.system.get_health()
        check(isinstance(health, models.Health) and health.status == "ok", "sync get_health")

        user = client.users.create_user(
            body=models.UserIn(email=email, display_name="Sync", password="sync-password")
        )
        check(isinstance(user, models.UserOut) and user.email == email, "sync create_user (model body)")
        conflict = expect(
            sdk.ConflictError,
            lambda: client.users.create_user(
                body={"email": email, "display_name": "A", "password": "x" * 10}
            ),
            "sync 409 ConflictError",
        )
        check(conflict.status_code == 409, "409 status_code")
        check(isinstance(conflict.body, models.Problem), "409 body parsed into Problem")
        # typed on the class as `Problem | str | None` (an HTML page from a proxy is text): mypy --strict
        # checks that narrowing to Problem is enough (it fails if `body` is `object`)
        problem = conflict.body if isinstance(conflict.body, models.Problem) else None
        check(problem is not None and problem.status == 409 and bool(problem.title), "409 body is a Problem")
        unauthorized = expect(
            sdk.UnauthorizedError, client.users.get_current_user, "sync 401 without a token"
        )
        check(
            isinstance(unauthorized, sdk.APIStatusError) and "www-authenticate" in unauthorized.headers,
            "401 headers",
        )

        token = client.login(email, "sync-password")
        check(isinstance(token["access_token"], str), "sync login (password flow)")
        me = client.users.get_current_user()
        check(me.id == user.id, "sync get_current_user")
        me = client.users.update_current_user(body={"display_name": "Renamed"})
        check(me.display_name == "Renamed", "sync update_current_user (dict body)")

        token_model = client.auth.create_token(
            body=models.TokenRequest(grant_type="password", username=email, password="sync-password")
        )
        check(token_model.token_type == "bearer", "sync create_token (form body)")
        other = sdk.Client(base, bearer_token=token_model.access_token)
        check(other.users.get_current_user().email == email, "sync bearer_token option")
        other.close()

        created = []
        for n in range(5):
            item = client.items.create_item(
                body=models.ItemIn(name=f"Lamp {n}", price_cents=100 + n, tags=["lighting"]),
                idempotency_key=f"create-{email}-{n}",
            )
            created.append(item)
        check(all(isinstance(i, models.ItemOut) for i in created), "sync create_item x5")
        got = client.items.get_item(created[0].id)
        check(got.name == "Lamp 0" and got.currency == models.Currency.EUR, "sync get_item")
        once = client.items.get_item(created[0].id, timeout=10.0, max_retries=0)
        check(once.id == created[0].id, "sync per-call timeout and max_retries")
        quick = client.with_options(timeout=10.0, max_retries=0)
        mine = quick.users.get_current_user()  # the copy carries the token login() set
        check(isinstance(quick, sdk.Client) and mine.id == user.id, "sync with_options (credentials copied)")
        quick.close()
        check(
            client.items.get_item(created[0].id).id == created[0].id, "sync: the copy's close keeps the pool"
        )
        missing = expect(
            sdk.NotFoundError, lambda: client.items.get_item(2_000_000_000), "sync 404 NotFoundError"
        )
        check(
            isinstance(missing, sdk.APIStatusError) and isinstance(missing.body, models.Problem), "404 body"
        )
        expect(
            sdk.UnprocessableEntityError,
            lambda: client.items.create_item(body={"name": "", "price_cents": -1}),
            "sync 422 UnprocessableEntityError",
        )
        updated = client.items.update_item(created[1].id, body=models.ItemPatch(price_cents=999))
        check(updated.price_cents == 999, "sync update_item")
        note = client.items.add_item_note(created[0].id, body=models.TextNoteIn(kind="text", text="Hi"))
        check(isinstance(note, models.TextNoteOut) and note.text == "Hi", "sync add_item_note (oneOf)")
        link = client.items.add_item_note(created[0].id, body={"kind": "link", "url": "https://example.com/"})
        check(isinstance(link, models.LinkNoteOut), "sync add_item_note (link, dict)")

        page = client.items.list_items(q="Lamp", limit=2, sort="name")
        check(isinstance(page, models.ItemPageOut) and len(page.items) == 2, "sync list_items")
        everything = list(client.items.list_items_iter(q="Lamp", limit=2))
        check(len(everything) >= 5, f"sync list_items_iter over pages ({len(everything)} items)")
        raw = client.items.with_raw_response.list_items(limit=1)
        check(raw.status_code == 200 and int(raw.headers["x-total-count"]) >= 5, "sync raw response headers")
        check(isinstance(raw.parse(), models.ItemPageOut), "sync raw response parse()")

        image = png()
        attachment = client.files.upload_item_image(created[0].id, body={"file": image, "caption": "bytes"})
        check(attachment.content_type == "image/png" and attachment.size == len(image), "sync upload (bytes)")
        path = tmp / "lamp.png"
        path.write_bytes(image)
        attachment = client.files.upload_item_image(created[1].id, body={"file": path})
        check(attachment.size == len(image), "sync upload (path)")
        with path.open("rb") as handle:
            attachment = client.files.upload_item_image(created[2].id, body={"file": handle})
        check(attachment.size == len(image), "sync upload (file object)")
        model_body = models.UploadItemImageBody(file=image, caption="model")
        attachment = client.files.upload_item_image(created[3].id, body=model_body)
        check(attachment.caption == "model", "sync upload (model)")

        lines = list(client.exports.export_items(currency="EUR"))
        check(lines[0].startswith("id,") and len(lines) >= 6, f"sync export_items as lines ({len(lines)})")
        events = list(client.events.stream_events(limit=5))
        check(len(events) >= 1 and events[0].event == "item", f"sync stream_events ({len(events)} events)")
        check(events[0].json()["type"] in ("created", "updated", "deleted"), "sync event data as JSON")

        client.items.delete_item(created[4].id)
        expect(sdk.NotFoundError, lambda: client.items.get_item(created[4].id), "sync delete_item")
        expect(sdk.UnauthorizedError, lambda: sdk.Client(base).exports.export_items(), "sync 401 without key")
        return int(created[0].id)


async def run_async(base: str, api_key: str, foreign_item: int) -> None:
    email = f"async-{uuid.uuid4().hex[:8]}@example.com"
    async with sdk.AsyncClient(base, api_key=api_key) as client:
        health = await client.system.get_health()
        check(health.status == "ok", "async get_health")
        user = await client.users.create_user(
            body={"email": email, "display_name": "Async", "password": "async-password"}
        )
        check(user.email == email, "async create_user")
        await client.login(email, "async-password")
        me = await client.users.get_current_user()
        check(me.id == user.id, "async get_current_user")
        me = await client.users.update_current_user(body=models.UserPatchIn(display_name="A2"))
        check(me.display_name == "A2", "async update_current_user")
        token = await client.auth.create_token(
            body={"grant_type": "password", "username": email, "password": "async-password"}
        )
        check(token.access_token, "async create_token")
        items = [
            await client.items.create_item(body={"name": f"Async {n}", "price_cents": n}) for n in range(3)
        ]
        check(len(items) == 3, "async create_item x3")
        got = await client.items.get_item(items[0].id)
        check(got.id == items[0].id, "async get_item")
        quick = client.with_options(max_retries=0)
        got = await quick.items.get_item(items[0].id, timeout=10.0, max_retries=1)
        check(isinstance(quick, sdk.AsyncClient) and got.id == items[0].id, "async with_options, per-call")
        await expect_async(sdk.NotFoundError, client.items.get_item(2_000_000_000), "async 404 NotFoundError")
        await expect_async(
            sdk.ForbiddenError,
            client.items.update_item(foreign_item, body={"price_cents": 1}),
            "async 403 ForbiddenError (someone else's item)",
        )
        updated = await client.items.update_item(items[0].id, body={"price_cents": 7})
        check(updated.price_cents == 7, "async update_item")
        note = await client.items.add_item_note(items[0].id, body={"kind": "text", "text": "async"})
        check(isinstance(note, models.TextNoteOut), "async add_item_note")
        page = await client.items.list_items(q="Async", limit=2)
        check(len(page.items) == 2, "async list_items")
        collected: list[Any] = [item async for item in client.items.list_items_iter(q="Async", limit=2)]
        check(len(collected) == 3, "async list_items_iter")
        raw = await client.items.with_raw_response.get_item(items[0].id)
        check(raw.status_code == 200 and raw.parse().id == items[0].id, "async raw response")
        attachment = await client.files.upload_item_image(items[0].id, body={"file": ("a.png", png())})
        check(attachment.content_type == "image/png", "async upload")
        lines = [line async for line in await client.exports.export_items()]
        check(lines[0].startswith("id,"), "async export_items as lines")
        events = [event async for event in await client.events.stream_events(limit=3)]
        check(len(events) >= 1, "async stream_events")
        await client.items.delete_item(items[2].id)
        await expect_async(sdk.NotFoundError, client.items.get_item(items[2].id), "async delete_item")


def main() -> int:
    base, api_key, tmp = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    foreign_item = run_sync(base, api_key, tmp)
    asyncio.run(run_async(base, api_key, foreign_item))
    print("all operations passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
