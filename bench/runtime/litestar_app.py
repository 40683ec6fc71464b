# litestar and msgspec live in the benchmark's own venv, not the repo's: mypy sees them as Any here
# mypy: disable-error-code="import-not-found,call-arg,no-any-return"
# mypy: disallow-subclassing-any=False, disallow-untyped-decorators=False
"""`litestar`: the benchmark API in Litestar 2 with msgspec Structs, as the Litestar docs write it.

`Meta` constraints on the Structs, `Parameter` constraints on path and query, a `Provide` dependency for
the bearer token, `Response` for the 201 with a Location header, and exception handlers that answer
problem+json as the contract declares (Litestar's own validation answer is a 400).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from http import HTTPStatus
from typing import Annotated, Any

import msgspec
from bench_data import ME, TOKEN, location, new_ids, now, seed_items
from litestar import Litestar, Request, Response, get, post
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, ValidationException
from litestar.params import Parameter

Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
PROBLEM = "application/problem+json"


class Currency(StrEnum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"


class NewItem(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    price_cents: Annotated[int, msgspec.Meta(ge=0)]
    currency: Currency
    description: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=10)] = []
    in_stock: bool = True


class Item(msgspec.Struct):
    id: int
    name: str
    description: str | None
    price_cents: int
    currency: Currency
    tags: list[str]
    in_stock: bool
    created_at: datetime


class Me(msgspec.Struct):
    id: int
    username: str
    scopes: list[str]


class Problem(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


ITEMS = [msgspec.convert(row, Item) for row in seed_items()]
BY_ID = {item.id: item for item in ITEMS}
IDS = new_ids()
CALLER = msgspec.convert(ME, Me)


async def current_user(authorization: Annotated[str | None, Parameter(header="Authorization")] = None) -> Me:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or token.strip() != TOKEN:
        raise NotAuthorizedException(
            "Missing or invalid bearer token.", headers={"WWW-Authenticate": "Bearer"}
        )
    return CALLER


@get("/items")
async def list_items(
    limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
) -> list[Item]:
    return ITEMS[offset : offset + limit]


@post("/items")
async def create_item(data: NewItem) -> Response[Item]:
    item = Item(
        id=next(IDS),
        name=data.name,
        description=data.description,
        price_cents=data.price_cents,
        currency=data.currency,
        tags=data.tags,
        in_stock=data.in_stock,
        created_at=now(),
    )
    return Response(item, status_code=201, headers={"Location": location(item.id)})


@get("/items/{id:int}")
async def get_item(id: Annotated[int, Parameter(ge=1, le=2_147_483_647)]) -> Item:
    item = BY_ID.get(id)
    if item is None:
        raise NotFoundException(f"No item {id}.")
    return item


@get("/me", dependencies={"user": Provide(current_user)})
async def read_me(user: Me) -> Me:
    return user


def problem_response(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = 422 if isinstance(exc, ValidationException) else exc.status_code
    errors = exc.extra if isinstance(exc.extra, list) else None
    body = Problem(
        type="about:blank", title=HTTPStatus(status).phrase, status=status, detail=exc.detail, errors=errors
    )
    return Response(body, status_code=status, headers=exc.headers, media_type=PROBLEM)


app = Litestar(
    route_handlers=[list_items, create_item, get_item, read_me],
    exception_handlers={HTTPException: problem_response},
)
