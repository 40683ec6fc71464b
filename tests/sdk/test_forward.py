"""Forward compatibility of the generated Python models: what a newer server sends is kept, typed.

The models of the SDK generated from spec/openapi.yaml, imported from its folder (no network): unknown
fields, unknown enum values, an unknown union variant, absent optional fields, a missing required field,
and the cost of one stray item in a page.
"""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2
import pytest

from .conftest import PACKAGE

ITEM: dict[str, Any] = {
    "id": 1,
    "name": "lamp",
    "price_cents": 100,
    "owner_id": 7,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
}


@pytest.fixture(scope="module")
def sdk(sdk_dir: Path) -> ModuleType:
    import sys

    sys.path.insert(0, str(sdk_dir / "src"))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(sdk_dir / "src"))


def parse(sdk: ModuleType, tp: Any, value: Any) -> Any:
    base = importlib.import_module(f"{PACKAGE}._base")
    return base.parse_lenient_json(tp, json.dumps(value).encode())


def test_unknown_fields_are_kept_as_attributes_and_in_model_extra(sdk: ModuleType) -> None:
    item = parse(
        sdk,
        sdk.models.ItemOut,
        {
            **ITEM,
            "colour": "red",
            "dimensions": {**dict.fromkeys(("width_mm", "height_mm", "depth_mm"), 1), "weight_g": 5},
        },
    )
    assert item.colour == "red" and item.model_extra == {"colour": "red"}
    assert item.dimensions.weight_g == 5  # a model the contract closes (additionalProperties: false) too
    assert item.model_dump()["colour"] == "red"


def test_an_unknown_enum_value_is_a_member_of_its_enum(sdk: ModuleType) -> None:
    currency = sdk.models.Currency
    item = parse(sdk, sdk.models.ItemOut, {**ITEM, "currency": "JPY"})
    assert type(item) is sdk.models.ItemOut  # validated, not constructed: nothing else was lost
    assert isinstance(item.currency, currency) and item.currency.value == "JPY" and item.currency == "JPY"
    assert item.currency not in currency and currency("EUR") is currency.EUR
    assert currency("JPY") is item.currency  # the same unknown value is the same member
    with pytest.raises(ValueError):
        currency(3)


def test_an_unknown_union_variant_is_kept_whole(sdk: ModuleType) -> None:
    forward = importlib.import_module(f"{PACKAGE}._forward")
    union = sdk.models.TextNoteOut | sdk.models.LinkNoteOut
    note = parse(sdk, union, {"id": 3, "kind": "video", "url": "https://v", "seconds": 30})
    assert isinstance(note, forward.UnknownVariant)
    assert note.kind == "video" and note.seconds == 30 and note.model_extra["url"] == "https://v"
    text = parse(sdk, union, {"id": 3, "kind": "text", "text": "hi", "lang": "en"})
    assert isinstance(text, sdk.models.TextNoteOut) and text.lang == "en"
    # all of TextNoteOut's required fields, but another kind: still not a TextNoteOut
    other = parse(sdk, union, {"kind": "poem", "text": "hi"})
    assert isinstance(other, forward.UnknownVariant) and other.kind == "poem"


def test_absent_optional_fields_read_none_model_fields_set_tells_absent_from_null(sdk: ModuleType) -> None:
    item = parse(sdk, sdk.models.ItemOut, {**ITEM, "description": None})
    assert item.dimensions is None and item.description is None
    assert "description" in item.model_fields_set and "dimensions" not in item.model_fields_set
    assert not item.dimensions  # None: falsy, where pydantic's MISSING was truthy
    source = (Path(str(sdk.__file__)).parent / "models.py").read_text(encoding="utf-8")
    assert "MISSING" not in source and 'extra="forbid"' not in source


def test_a_required_field_missing_raises_at_parse_time(sdk: ModuleType) -> None:
    base = importlib.import_module(f"{PACKAGE}._base")
    broken = {k: v for k, v in ITEM.items() if k != "name"}
    with pytest.raises(base.MissingField, match=r"ItemOut\.name"):
        parse(sdk, sdk.models.ItemOut, broken)
    page = {"items": [ITEM, broken], "total": 2, "limit": 2, "offset": 0, "next_offset": None}
    with pytest.raises(base.MissingField):
        parse(sdk, sdk.models.ItemPageOut, page)

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=broken)

    client = sdk.Client("http://sdk.test", http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
    with pytest.raises(sdk.APIResponseValidationError, match=r"ItemOut\.name is required") as info:
        client.items.get_item(1)
    assert info.value.response is not None and info.value.response.status_code == 200
    assert json.loads(info.value.body) == broken


def test_one_unknown_value_in_a_page_costs_no_more_than_a_known_one(sdk: ModuleType) -> None:
    items = [{**ITEM, "id": n, "tags": ["a", "b"]} for n in range(100)]
    page = {"items": items, "total": 100, "limit": 100, "offset": 0, "next_offset": None}
    stray = json.loads(json.dumps(page))
    stray["items"][50]["currency"] = "JPY"

    def best(value: Any) -> float:
        body = json.dumps(value).encode()
        base = importlib.import_module(f"{PACKAGE}._base")
        runs = []
        for _ in range(7):
            start = time.perf_counter()
            base.parse_lenient_json(sdk.models.ItemPageOut, body)
            runs.append(time.perf_counter() - start)
        return min(runs)

    best(page)  # warm the adapters
    assert best(stray) < 2.0 * best(page)
    parsed = parse(sdk, sdk.models.ItemPageOut, stray)
    assert parsed.items[50].currency.value == "JPY" and parsed.items[49].currency is sdk.models.Currency.EUR
