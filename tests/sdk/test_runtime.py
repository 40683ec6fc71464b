"""The SDK core's pure parts: lenient parsing, request building, SSE decoding, files, pagination."""

from __future__ import annotations

import io
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx2
import pydantic

from specfirst.sdk_runtime import _base
from specfirst.sdk_runtime._files import to_file_tuple
from specfirst.sdk_runtime._pagination import SyncPager
from specfirst.sdk_runtime._streaming import SSEDecoder


class Colour(StrEnum):
    RED = "red"


class Thing(pydantic.BaseModel):
    id: int
    colour: Colour
    tags: list[str] = []


class Other(pydantic.BaseModel):
    kind: str
    url: str


def test_valid_responses_are_validated() -> None:
    thing = _base.parse_lenient(Thing, {"id": "1", "colour": "red"})
    assert isinstance(thing, Thing) and thing.id == 1 and thing.colour is Colour.RED


def test_a_response_outside_the_contract_is_built_not_refused() -> None:
    thing = _base.parse_lenient(Thing, {"id": 1, "colour": "ultraviolet", "new_field": True})
    assert isinstance(thing, Thing) and thing.colour == "ultraviolet" and thing.id == 1
    things = _base.parse_lenient(list[Thing], [{"id": 2, "colour": "red"}, {"id": 3, "colour": "blue"}])
    assert [t.id for t in things] == [2, 3] and things[0].colour is Colour.RED
    either = _base.parse_lenient(Thing | Other, {"kind": "link", "url": "x", "extra": 1})
    assert isinstance(either, Other)
    assert _base.parse_lenient(Thing, "not an object") == "not an object"


def test_json_bytes_parse_like_python_values() -> None:
    thing = _base.parse_lenient_json(Thing, b'{"id": 1, "colour": "red", "tags": ["a"]}')
    assert isinstance(thing, Thing) and thing.colour is Colour.RED and thing.tags == ["a"]
    stray = _base.parse_lenient_json(Thing, b'{"id": 1, "colour": "ultraviolet"}')
    assert isinstance(stray, Thing) and stray.colour == "ultraviolet"
    assert _base.parse_lenient_json(Any, b'{"a": [1]}') == {"a": [1]}
    assert _base.parse_lenient_json(Thing, b"[1]") == [1]


def build(opts: _base.RequestOptions, **credentials: Any) -> httpx2.Request:
    client = _base.SyncAPIClient(
        base_url="http://api.test/v1/",
        schemes={
            "bearer": _base.Scheme("bearer"),
            "key": _base.Scheme("api_key", location="query", name="k"),
            "basic": _base.Scheme("basic"),
        },
    )
    for scheme, value in credentials.items():
        client.set_credential(scheme, value)
    return client._build_request(client._http, opts)


def test_parameters_by_location() -> None:
    request = build(
        _base.RequestOptions(
            method="GET",
            path="/items/{itemId}/x",
            path_params={"itemId": "a/b c"},
            query={"tag": ["a", "b"], "ids": [1, 2], "flag": True, "skip": None, "colour": Colour.RED},
            unexploded=frozenset({"ids"}),
            headers={"X-Trace": 5},
            cookies={"seen": "42"},
        )
    )
    assert request.url.raw_path.split(b"?")[0] == b"/v1/items/a%2Fb%20c/x"
    assert request.url.query == b"tag=a&tag=b&ids=1%2C2&flag=true&colour=red"
    assert request.headers["x-trace"] == "5" and request.headers["cookie"] == "seen=42"


def test_query_strings_encode_as_httpx2_params_would() -> None:
    query = {"q": "a b&c=d/é", "tag": ["x y", "z"], "n": 3}
    request = build(
        _base.RequestOptions(method="GET", path="/items", query=query, extra_query={"debug": True}),
        key="s p",
    )
    expected = httpx2.Request(
        "GET",
        "http://api.test/v1/items",
        params=[("q", "a b&c=d/é"), ("tag", "x y"), ("tag", "z"), ("n", "3"), ("debug", "true")],
    )
    assert request.url == expected.url
    assert request.url.params.get_list("tag") == ["x y", "z"] and request.url.params["q"] == "a b&c=d/é"
    # params set on the caller's own http client are still sent, after the call's
    client = _base.SyncAPIClient(base_url="http://api.test", http_client=httpx2.Client(params={"v": "2"}))
    merged = client._build_request(client._http, _base.RequestOptions(method="GET", path="/", query={"a": 1}))
    assert merged.url.params.multi_items() == [("v", "2"), ("a", "1")]
    plain = client._build_request(client._http, _base.RequestOptions(method="GET", path="/"))
    assert str(plain.url) == "http://api.test/?v=2"


def test_security_alternatives() -> None:
    opts = _base.RequestOptions(method="GET", path="/", security=(("bearer",), ("key",)))
    assert "authorization" not in build(opts).headers  # nothing set: nothing sent
    assert build(opts, bearer="t").headers["authorization"] == "Bearer t"
    request = build(opts, key="secret")
    assert request.url.params["k"] == "secret" and "authorization" not in request.headers
    basic = build(_base.RequestOptions(method="GET", path="/", security=(("basic",),)), basic=("u", "p"))
    assert basic.headers["authorization"] == "Basic dTpw"
    public = build(_base.RequestOptions(method="GET", path="/"), bearer="t")
    assert "authorization" not in public.headers


def test_bodies() -> None:
    json_request = build(
        _base.RequestOptions(method="POST", path="/", body=Thing(id=1, colour=Colour.RED), body_kind="json")
    )
    assert json_request.content == b'{"id":1,"colour":"red"}'  # unset defaults left out
    nested = build(
        _base.RequestOptions(
            method="POST",
            path="/",
            body={"thing": Thing(id=2, colour=Colour.RED), "on": date(2026, 1, 2), "t": ("é",), "n": None},
            body_kind="json",
        )
    )
    assert nested.content == '{"thing":{"id":2,"colour":"red"},"on":"2026-01-02","t":["é"],"n":null}'.encode()
    odd = build(
        _base.RequestOptions(method="POST", path="/", body=MappingProxyType({"a": 1}), body_kind="json")
    )
    assert odd.content == b'{"a":1}'  # a mapping pydantic cannot serialise goes the slow way
    form = build(
        _base.RequestOptions(
            method="POST",
            path="/",
            body={"grant_type": "password", "scope": None, "n": [1, 2]},
            body_kind="form",
            content_type="application/x-www-form-urlencoded",
        )
    )
    assert form.content == b"grant_type=password&n=1&n=2"
    assert form.headers["content-type"] == "application/x-www-form-urlencoded"
    multipart = build(
        _base.RequestOptions(
            method="PUT",
            path="/",
            body={"file": b"\x89PNG\r\n\x1a\n...", "caption": "hi"},
            body_kind="multipart",
            content_type="multipart/form-data",
            file_fields={"file": ["image/png", "image/jpeg"]},
        )
    )
    multipart.read()
    assert multipart.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'filename="file"' in multipart.content and b"Content-Type: image/png" in multipart.content


def test_file_inputs(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff rest")
    assert to_file_tuple("f", path) == ("photo.jpg", b"\xff\xd8\xff rest", "image/jpeg")
    assert to_file_tuple("f", io.BytesIO(b"abc"), ["text/plain"]) == ("f", b"abc", "text/plain")
    assert to_file_tuple("f", ("a.bin", b"x", "application/x-thing"))[2] == "application/x-thing"
    assert to_file_tuple("f", b"GIF89a...")[2] == "image/gif"
    assert to_file_tuple("f", b"??")[2] == "application/octet-stream"


def test_sse_decoder() -> None:
    decoder = SSEDecoder()
    lines = [": keep-alive", "id: 1", "event: item", 'data: {"a":', "data: 1}", "", "retry: 5", "data: x"]
    events = [e for e in map(decoder.feed, lines) if e is not None]
    assert len(events) == 1 and events[0].id == "1" and events[0].event == "item"
    assert events[0].json() == {"a": 1}
    last = decoder.end()
    assert last is not None and last.data == "x" and last.retry == 5 and last.id == "1"  # id carries over


def test_pager_follows_next_offset_and_plain_offsets() -> None:
    calls: list[int | None] = []

    def fetch(offset: int | None) -> dict[str, Any]:
        calls.append(offset)
        start = offset or 0
        items = list(range(start, min(start + 2, 5)))
        return {"items": items, "next_offset": start + 2 if start + 2 < 5 else None}

    assert list(SyncPager[int](fetch, mode="next_offset", start=None, limit=2)) == [0, 1, 2, 3, 4]
    assert calls == [None, 2, 4]

    def plain(offset: int | None) -> list[int]:
        start = offset or 0
        return list(range(start, min(start + 2, 5)))

    assert list(SyncPager[int](plain, mode="offset", start=None, limit=2)) == [0, 1, 2, 3, 4]


def test_pager_stops_when_the_server_repeats_the_offset() -> None:
    calls: list[int | None] = []

    def stuck(offset: int | None) -> dict[str, Any]:
        calls.append(offset)
        return {"items": [offset or 0], "next_offset": 0}

    assert list(SyncPager[int](stuck, mode="next_offset", start=None, limit=1)) == [0]
    assert calls == [None]
    calls.clear()
    assert list(SyncPager[int](stuck, mode="next_offset", start=5, limit=1)) == [5, 0]
    assert calls == [5, 0]
