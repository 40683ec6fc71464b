"""The contract's schemas as hand-written Pydantic models, the FastAPI docs' way (`fastapi`, `starlette`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Tag = Annotated[str, Field(min_length=1, max_length=30)]


class Currency(StrEnum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"


class NewItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    price_cents: int = Field(ge=0)
    currency: Currency
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    in_stock: bool = True


class Item(BaseModel):
    id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(max_length=1000)
    price_cents: int = Field(ge=0)
    currency: Currency
    tags: list[Tag] = Field(max_length=10)
    in_stock: bool
    created_at: datetime


class Me(BaseModel):
    id: int
    username: str
    scopes: list[str]


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None
