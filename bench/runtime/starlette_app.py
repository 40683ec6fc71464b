"""`starlette`: the benchmark API as raw Starlette routes and Pydantic, with no framework in between.

Parameters are checked by hand, the body with `model_validate_json`, responses written with
`model_dump_json` (a `TypeAdapter` for the list). About the least a Pydantic-based ASGI app can do.
"""

from __future__ import annotations

from typing import Any

from bench_data import ME, TOKEN, location, new_ids, now, seed_items
from pydantic import TypeAdapter, ValidationError
from pydantic_models import Item, Me, NewItem, Problem
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ITEMS = [Item.model_validate(row) for row in seed_items()]
BY_ID = {item.id: item for item in ITEMS}
IDS = new_ids()
CALLER = Me.model_validate(ME)
ITEM_LIST = TypeAdapter(list[Item])
JSON = "application/json"
PROBLEM = "application/problem+json"
MAX_ID = 2_147_483_647


def problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = Problem(title=title, status=status, detail=detail, errors=errors)
    return Response(body.model_dump_json(exclude_none=True), status, headers, PROBLEM)


def invalid(location: list[str | int], message: str) -> Response:
    error = {"location": location, "message": message, "type": "value_error"}
    return problem(422, "Unprocessable Content", "The request is not valid.", [error])


def int_param(raw: str | None, default: int, low: int, high: int) -> int | None:
    """The parameter's value, or None if it is not an integer within [low, high]."""
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if low <= value <= high else None


async def list_items(request: Request) -> Response:
    query = request.query_params
    limit = int_param(query.get("limit"), 20, 1, 100)
    if limit is None:
        return invalid(["query", "limit"], "limit must be an integer from 1 to 100")
    offset = int_param(query.get("offset"), 0, 0, 1_000_000)
    if offset is None:
        return invalid(["query", "offset"], "offset must be an integer from 0 to 1000000")
    return Response(ITEM_LIST.dump_json(ITEMS[offset : offset + limit]), media_type=JSON)


async def create_item(request: Request) -> Response:
    try:
        new = NewItem.model_validate_json(await request.body())
    except ValidationError as exc:
        errors = [
            {"location": ["body", *e["loc"]], "message": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        return problem(422, "Unprocessable Content", "The request is not valid.", errors)
    item = Item(id=next(IDS), created_at=now(), **new.model_dump())
    return Response(item.model_dump_json(), 201, {"Location": location(item.id)}, JSON)


async def get_item(request: Request) -> Response:
    item_id = int_param(request.path_params["id"], 0, 1, MAX_ID)
    if item_id is None:
        return invalid(["path", "id"], f"id must be an integer from 1 to {MAX_ID}")
    item = BY_ID.get(item_id)
    if item is None:
        return problem(404, "Not Found", f"No item {item_id}.")
    return Response(item.model_dump_json(), media_type=JSON)


async def read_me(request: Request) -> Response:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token.strip() != TOKEN:
        return problem(
            401, "Unauthorized", "Missing or invalid bearer token.", headers={"WWW-Authenticate": "Bearer"}
        )
    return Response(CALLER.model_dump_json(), media_type=JSON)


app = Starlette(
    routes=[
        Route("/items", list_items, methods=["GET"]),
        Route("/items", create_item, methods=["POST"]),
        Route("/items/{id}", get_item, methods=["GET"]),
        Route("/me", read_me, methods=["GET"]),
    ]
)
