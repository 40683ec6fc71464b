"""`generated`: the benchmark API served by the package generated from openapi.yaml (gen_bench/).

Routing, parameter and body validation, security and serialisation are the generated layer's
(`runtime/ (specfirst_runtime)`); what is written here is what a user of the project writes: the handlers.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench_data import ME, TOKEN, location, new_ids, now, seed_items
from gen_bench import ItemsHandlers, MeHandlers, Security, create_app
from gen_bench.errors import NotFoundError
from gen_bench.models import Item, Me, NewItem, Problem
from gen_bench.responses import CreateItemCreated

ITEMS = [Item.model_validate(row) for row in seed_items()]
BY_ID = {item.id: item for item in ITEMS}
IDS = new_ids()
CALLER = Me.model_validate(ME)


class Items(ItemsHandlers):
    async def list_items(self, *, limit: int, offset: int) -> list[Item]:
        return ITEMS[offset : offset + limit]

    async def create_item(self, *, body: NewItem) -> CreateItemCreated:
        item = Item(
            id=next(IDS),
            name=body.name,
            description=body.description if isinstance(body.description, str) else None,
            price_cents=body.price_cents,
            currency=body.currency,
            tags=body.tags,
            in_stock=body.in_stock,
            created_at=now(),
        )
        return CreateItemCreated(body=item, location=location(item.id))

    async def get_item(self, *, id_: int) -> Item:
        item = BY_ID.get(id_)
        if item is None:
            raise NotFoundError(Problem(title="Not Found", status=404, detail=f"No item {id_}."))
        return item


class Caller(MeHandlers):
    async def get_me(self) -> Me:
        return CALLER


def verify_token(token: str, scopes: Sequence[str]) -> str | None:
    return "bench" if token == TOKEN else None


app = create_app(items=Items, me=Caller, security=Security(bearer=verify_token))
