# connexion lives in the benchmark's own venv, not the repo's: mypy sees it as Any here
# mypy: disable-error-code="import-not-found"
"""`connexion`: the benchmark API served by Connexion 3's `AsyncApp` from the contract itself.

Connexion 3.3 reads OpenAPI 3.0 only, so it is given openapi-3.0.yaml, the 3.0 copy of openapi.yaml
(the same document but for `nullable`). Connexion routes, validates parameters and bodies (jsonschema)
and checks the bearer token with the function named by `x-bearerInfoFunc`, added here rather than in the
shared contract. Handlers take and return plain dicts; responses are not validated (Connexion's default).
An operation that declares problem+json besides application/json makes Connexion refuse (500) a handler
result that does not name its media type, so each success names it. Connexion answers invalid input
with 400; an error handler turns that into the contract's 422.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import connexion
import yaml
from bench_data import ME, TOKEN, iso, location, new_ids, now, seed_items
from connexion.exceptions import BadRequestProblem
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.resolver import Resolver

SPEC = Path(__file__).with_name("openapi-3.0.yaml")
ITEMS = [{**row, "created_at": iso(row["created_at"])} for row in seed_items()]
BY_ID = {item["id"]: item for item in ITEMS}
IDS = new_ids()
JSON = {"Content-Type": "application/json"}
Reply = tuple[Any, int, dict[str, str]]


def verify_token(token: str) -> dict[str, Any] | None:
    return {"sub": ME["username"]} if token == TOKEN else None


async def list_items(limit: int = 20, offset: int = 0) -> Reply:
    return ITEMS[offset : offset + limit], 200, JSON


async def create_item(body: dict[str, Any]) -> Reply:
    item_id = next(IDS)
    item = {
        "id": item_id,
        "name": body["name"],
        "description": body.get("description"),
        "price_cents": body["price_cents"],
        "currency": body["currency"],
        "tags": body.get("tags", []),
        "in_stock": body.get("in_stock", True),
        "created_at": iso(now()),
    }
    return item, 201, {**JSON, "Location": location(item_id)}


async def get_item(id: int) -> Any:
    item = BY_ID.get(id)
    if item is None:
        return connexion.problem(404, "Not Found", f"No item {id}.")
    return item, 200, JSON


async def get_me() -> Reply:
    return ME, 200, JSON


def unprocessable(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    detail = exc.detail if isinstance(exc, BadRequestProblem) else str(exc)
    return connexion.problem(422, "Unprocessable Content", detail)


HANDLERS = {
    "listItems": list_items,
    "createItem": create_item,
    "getItem": get_item,
    "getMe": get_me,
}


def load_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["components"]["securitySchemes"]["bearer"]["x-bearerInfoFunc"] = f"{__name__}.verify_token"
    return spec


app = connexion.AsyncApp(__name__)
app.add_api(load_spec(), resolver=Resolver(function_resolver=HANDLERS.__getitem__))
app.add_error_handler(BadRequestProblem, unprocessable)
