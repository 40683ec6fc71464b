"""The data every app of the runtime benchmark serves: standard library only, so every venv imports it.

Each app turns these plain values into its own types once, at import (Pydantic models, msgspec Structs,
dicts), so a request costs a lookup and the framework's own validation and serialisation, nothing else.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

TOKEN = "bench-token"
ITEM_COUNT = 1000
CURRENCIES = ("EUR", "USD", "GBP")
ME: dict[str, Any] = {"id": 1, "username": "bench", "scopes": ["items:read", "items:write"]}
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def seed_items() -> list[dict[str, Any]]:
    """ITEM_COUNT items with ids 1..ITEM_COUNT; every field kind of the contract appears, null too."""
    return [
        {
            "id": i,
            "name": f"Item number {i}",
            "description": None if i % 3 == 0 else f"A plain description of item {i}, in a few words.",
            "price_cents": 100 * i + 99,
            "currency": CURRENCIES[i % len(CURRENCIES)],
            "tags": ["bench", f"group-{i % 7}", "sale" if i % 2 else "new"],
            "in_stock": i % 4 != 0,
            "created_at": EPOCH + timedelta(minutes=i),
        }
        for i in range(1, ITEM_COUNT + 1)
    ]


def iso(moment: datetime) -> str:
    """RFC 3339 with `Z`, as Pydantic and msgspec write an aware UTC datetime."""
    return moment.isoformat().replace("+00:00", "Z")


def new_ids() -> itertools.count[int]:
    """Ids for created items: after the seeded ones. Created items are not stored (flat memory)."""
    return itertools.count(ITEM_COUNT + 1)


def now() -> datetime:
    return datetime.now(UTC)


def location(item_id: int) -> str:
    return f"/items/{item_id}"
