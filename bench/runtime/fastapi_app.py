"""`fastapi`: the benchmark API hand-written the way the FastAPI docs teach it (the baseline).

Pydantic models, `response_model`, `Query`/`Path` constraints, `Depends(HTTPBearer)` for the token,
`Response` to set the Location header, and exception handlers that answer problem+json as the contract
declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Annotated

from bench_data import ME, TOKEN, location, new_ids, now, seed_items
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic_models import Item, Me, NewItem, Problem
from starlette.exceptions import HTTPException as StarletteHTTPException

ITEMS = [Item.model_validate(row) for row in seed_items()]
BY_ID = {item.id: item for item in ITEMS}
IDS = new_ids()
CALLER = Me.model_validate(ME)
PROBLEM = "application/problem+json"

app = FastAPI(title="Runtime Bench API", version="1.0.0")
bearer = HTTPBearer(auto_error=False)


def problem(
    status_code: int, title: str, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = Problem(title=title, status=status_code, detail=detail)
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status_code, headers=headers, media_type=PROBLEM
    )


@app.exception_handler(StarletteHTTPException)
async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail), headers=exc.headers)


@app.exception_handler(RequestValidationError)
async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"location": list(e["loc"]), "message": e["msg"], "type": e["type"]} for e in exc.errors()]
    body = Problem(
        title="Unprocessable Content", status=422, detail="The request is not valid.", errors=errors
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=422, media_type=PROBLEM)


async def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Me:
    if credentials is None or credentials.credentials != TOKEN:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Missing or invalid bearer token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return CALLER


@app.get("/items", response_model=list[Item])
async def list_items(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[Item]:
    return ITEMS[offset : offset + limit]


@app.post("/items", response_model=Item, status_code=status.HTTP_201_CREATED)
async def create_item(item: NewItem, response: Response) -> Item:
    created = Item(id=next(IDS), created_at=now(), **item.model_dump())
    response.headers["Location"] = location(created.id)
    return created


@app.get("/items/{id}", response_model=Item)
async def get_item(id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> Item:
    item = BY_ID.get(id)
    if item is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=f"No item {id}.")
    return item


@app.get("/me", response_model=Me)
async def read_me(user: Annotated[Me, Depends(current_user)]) -> Me:
    return user
