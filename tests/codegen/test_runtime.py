"""The generated layer at run time: what a client of the contract sees, through FastAPI's TestClient."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

import hypothesis
import hypothesis.strategies as st
import pytest
from fastapi import Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from specfirst_runtime import InsufficientScope, ServerSentEvent, principal

from tests.conftest import FEATURE_SPECS, Generate

# -- parameters ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def params_client(generate_package: Generate) -> TestClient:
    pkg = generate_package(FEATURE_SPECS / "params.yaml", "gen_params")

    class Parts:
        def get_part(self, **kwargs: Any) -> dict[str, Any]:
            return kwargs

    return TestClient(pkg.create_app(default=Parts))


def test_parameters_arrive_typed_with_defaults(params_client: TestClient) -> None:
    response = params_client.get(
        "/things/7/parts/gear?tag=a&tag=b&ids=1,2,3&class=x",
        headers={"X-Trace": "abc"},
        cookies={"session": "s1"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "thing_id": 7,
        "part_name": "gear",
        "limit": 10,
        "sort": "name",
        "tag": ["a", "b"],
        "ids": [1, 2, 3],
        "x_trace": "abc",
        "session": "s1",
        "class_": "x",
    }


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/things/0/parts/gear", ["path", "thingId"]),
        ("/things/abc/parts/gear", ["path", "thingId"]),
        ("/things/1/parts/G", ["path", "part-name"]),
        ("/things/1/parts/gear?limit=0", ["query", "limit"]),
        ("/things/1/parts/gear?limit=ten", ["query", "limit"]),
        ("/things/1/parts/gear?sort=up", ["query", "sort"]),
        ("/things/1/parts/gear?tag=a&tag=b&tag=c&tag=d", ["query", "tag"]),
        ("/things/1/parts/gear?ids=1,x", ["query", "ids", 1]),
    ],
)
def test_invalid_parameters_get_the_declared_400(
    params_client: TestClient, url: str, location: list[Any]
) -> None:
    response = params_client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert set(body) <= {"type", "title", "status", "detail", "errors"}
    assert [e["location"] for e in body["errors"]] == [location]


def test_wrong_method_lists_every_allowed_method(params_client: TestClient) -> None:
    response = params_client.delete("/things/1/parts/gear")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


# -- request and response models -----------------------------------------------------------------


class FakeDB:
    def __init__(self) -> None:
        self.users: dict[int, dict[str, Any]] = {}


def get_db() -> FakeDB:
    raise AssertionError("overridden in tests")


@pytest.fixture(scope="module")
def users(generate_package: Generate) -> Any:
    return generate_package(FEATURE_SPECS / "readonly.yaml", "gen_readonly")


@pytest.fixture()
def users_client(users: Any) -> Iterator[tuple[TestClient, FakeDB]]:
    models, responses, errors = users.models, users.responses, users.errors

    class Users:
        def __init__(self, db: Annotated[FakeDB, Depends(get_db)]) -> None:
            self.db = db

        async def create_user(self, *, body: Any) -> Any:
            assert isinstance(body, models.UserIn)
            if any(u["email"] == body.email for u in self.db.users.values()):
                raise errors.ConflictError(models.Problem(title="Conflict", status=409))
            user_id = len(self.db.users) + 1
            # the stored row carries the password; the response model must drop it
            row = {"id": user_id, **body.model_dump(), "created_at": "2026-01-01T00:00:00Z"}
            self.db.users[user_id] = row
            return responses.CreateUserCreated(
                body=models.UserOut.model_validate(row), location=f"/users/{user_id}"
            )

        def list_users(self) -> Any:
            return {"items": list(self.db.users.values()), "total": len(self.db.users)}

        def delete_user(self, *, user_id: int) -> None:
            if self.db.users.pop(user_id, None) is None:
                raise errors.NotFoundError(
                    models.Problem(title="Not Found", status=404, detail="no such user")
                )

    db = FakeDB()
    app = users.create_app(default=Users)
    app.dependency_overrides[get_db] = lambda: db
    with TestClient(app) as client:
        yield client, db


def test_create_returns_201_with_location_and_without_write_only_fields(
    users_client: tuple[TestClient, FakeDB],
) -> None:
    client, db = users_client
    response = client.post("/users", json={"email": "ann@example.com", "password": "correct horse"})
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/users/1"
    assert response.json() == {
        "id": 1,
        "email": "ann@example.com",
        "created_at": "2026-01-01T00:00:00Z",
    }
    assert db.users[1]["password"] == "correct horse"
    listed = client.get("/users").json()
    assert listed == {"items": [response.json()], "total": 1}


@pytest.mark.parametrize(
    "body",
    [
        {"email": "ann@example.com", "password": "correct horse", "id": 5},  # readOnly in a request
        {"email": "ann@example.com"},  # required writeOnly missing
        {
            "email": "ann@example.com",
            "password": 123456789,
        },  # lax mode would take a number as a string
        {"email": "not an email", "password": "correct horse"},
        {"email": "ann@example.com", "password": "short"},
        {"email": "ann@example.com", "password": "correct horse", "nickname": 5},
    ],
)
def test_invalid_bodies_get_the_declared_422(
    users_client: tuple[TestClient, FakeDB], body: dict[str, Any]
) -> None:
    client, db = users_client
    response = client.post("/users", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"][0] == "body"
    assert db.users == {}


def test_nullable_field_accepts_null(users_client: tuple[TestClient, FakeDB]) -> None:
    client, _ = users_client
    response = client.post(
        "/users", json={"email": "b@example.com", "password": "correct horse", "nickname": None}
    )
    assert response.status_code == 201
    assert response.json()["nickname"] is None


def test_undecodable_json_is_the_declared_422_not_400(
    users_client: tuple[TestClient, FakeDB],
) -> None:
    client, _ = users_client
    response = client.post("/users", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_wrong_media_type_is_415(users_client: tuple[TestClient, FakeDB]) -> None:
    client, _ = users_client
    response = client.post("/users", content=b"email=x", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_declared_errors_and_204(users_client: tuple[TestClient, FakeDB]) -> None:
    client, _ = users_client
    missing = client.delete("/users/9")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json() == {"title": "Not Found", "status": 404, "detail": "no such user"}
    client.post("/users", json={"email": "c@example.com", "password": "correct horse"})
    gone = client.delete("/users/1")
    assert gone.status_code == 204
    assert gone.content == b""
    conflict = client.post("/users", json={"email": "d@example.com", "password": "correct horse"})
    assert conflict.status_code == 201
    again = client.post("/users", json={"email": "d@example.com", "password": "correct horse"})
    assert again.status_code == 409


def test_undeclared_error_is_a_logged_500(users: Any, caplog: pytest.LogCaptureFixture) -> None:
    class Users:
        def delete_user(self, *, user_id: int) -> None:
            raise users.errors.ConflictError(users.models.Problem(title="Conflict", status=409))

    client = TestClient(users.create_app(default=Users))
    response = client.delete("/users/1")
    assert response.status_code == 500
    assert "ConflictError" in caplog.text and "deleteUser" in caplog.text


def test_missing_operations_answer_501(users: Any) -> None:
    class Partial(users.handlers.DefaultHandlers):  # type: ignore[misc]
        def list_users(self) -> Any:
            return {"items": [], "total": 0}

    client = TestClient(users.create_app(default=Partial))
    assert client.get("/users").status_code == 200
    response = client.delete("/users/1")
    assert response.status_code == 501
    assert response.headers["content-type"] == "application/problem+json"


def test_the_operations_answering_501_are_logged_at_start_up(
    users: Any, caplog: pytest.LogCaptureFixture
) -> None:
    class Partial(users.handlers.DefaultHandlers):  # type: ignore[misc]
        def list_users(self) -> Any:
            return {"items": [], "total": 0}

    with caplog.at_level(logging.INFO, logger="contract"):
        users.create_app(default=Partial)
        users.create_app(default=Partial, mock=True)  # a mock answers them all: nothing to list
    (record,) = [r for r in caplog.records if "501" in r.getMessage()]
    message = record.getMessage()
    assert message == (
        "2 operation(s) answer 501 until implemented: createUser (POST /users: DefaultHandlers.create_user); "
        "deleteUser (DELETE /users/{userId}: DefaultHandlers.delete_user)"
    )


# -- security ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def secured(generate_package: Generate) -> Any:
    return generate_package(FEATURE_SPECS / "security.yaml", "gen_security")


@pytest.fixture(scope="module")
def security_client(secured: Any) -> TestClient:
    seen: list[tuple[str, Sequence[str]]] = []

    class Handlers:
        def __init__(self, who: Annotated[Any, Depends(principal)]) -> None:
            self.who = who

        def public_thing(self) -> str:
            return "hello"

        def private_thing(self) -> dict[str, str]:
            return {"who": str(self.who)}

        def admin_thing(self) -> None:
            return None

        def cookie_thing(self) -> None:
            return None

    def token(value: str, scopes: Sequence[str]) -> str | None:
        seen.append((value, scopes))
        if value == "no-scope":
            raise InsufficientScope("needs more")
        return "alice" if value == "good" else None

    async def basic(user: str, password: str, scopes: Sequence[str]) -> str | None:
        await asyncio.sleep(0)
        return user if password == "pw" else None

    security = secured.Security(
        bearer=token,
        api_key=token,
        oauth2=token,
        basic=basic,
        cookie_key=token,
        query_key=token,
        oidc=token,
    )
    client = TestClient(secured.create_app(default=Handlers, security=security))
    client.seen = seen  # type: ignore[attr-defined]
    return client


def test_public_operation_needs_nothing(security_client: TestClient) -> None:
    response = security_client.get("/public")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "hello"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer bad"},
        {"Authorization": "Basic x"},
        {"Authorization": "Bearer"},
        {"X-API-Key": "bad"},
    ],
)
def test_missing_or_bad_credentials_get_401_with_challenge(
    security_client: TestClient, headers: dict[str, str]
) -> None:
    response = security_client.get("/private", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert set(response.json()) == {"title", "status", "detail"}


def test_good_credentials_reach_the_handler_with_the_identity(security_client: TestClient) -> None:
    assert security_client.get("/private", headers={"Authorization": "Bearer good"}).json() == {
        "who": "alice"
    }
    assert security_client.get("/private", headers={"X-API-Key": "good"}).json() == {"who": "alice"}


def test_scopes_reach_the_verifier_and_basic_is_decoded(security_client: TestClient) -> None:
    assert security_client.get("/admin", headers={"Authorization": "Bearer good"}).status_code == 204
    assert ("good", ("admin",)) in security_client.seen  # type: ignore[attr-defined]
    basic = base64.b64encode(b"bob:pw").decode()
    assert security_client.get("/admin", headers={"Authorization": f"Basic {basic}"}).status_code == 204
    wrong = base64.b64encode(b"bob:nope").decode()
    assert security_client.get("/admin", headers={"Authorization": f"Basic {wrong}"}).status_code == 401


def test_a_valid_credential_short_of_scope_is_403_where_declared(security_client: TestClient) -> None:
    admin = security_client.get("/admin", headers={"Authorization": "Bearer no-scope"})
    assert admin.status_code == 403
    assert admin.json() == {"title": "Forbidden", "status": 403}
    private = security_client.get("/private", headers={"Authorization": "Bearer no-scope"})
    assert private.status_code == 401  # /private declares no 403
    assert "www-authenticate" in private.headers


def test_api_keys_in_cookie_and_query(security_client: TestClient) -> None:
    assert security_client.get("/cookie").status_code == 401
    assert security_client.get("/cookie", cookies={"session": "good"}).status_code == 204
    assert security_client.get("/cookie?api_key=good").status_code == 204


def test_no_verifier_means_no_access(secured: Any) -> None:
    client = TestClient(secured.create_app(default=type("H", (), {"private_thing": lambda self: {}})))
    assert client.get("/private", headers={"Authorization": "Bearer good"}).status_code == 401


# -- bodies and media types ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bodies_client(generate_package: Generate) -> TestClient:
    pkg = generate_package(FEATURE_SPECS / "bodies.yaml", "gen_bodies")

    class Handlers:
        def login(self, *, body: Any) -> dict[str, str]:
            return {"token": f"{body.username}:{body.password}"}

        def upload(self, *, body: Any) -> dict[str, int]:
            return {"size": len(body.file)}

        def put_raw(self, *, body: bytes | None) -> bytes:
            return (body or b"")[::-1]

        def report(self) -> Iterator[str]:
            yield "id,name\n"
            yield "1,one\n"

        async def events(self) -> Any:
            for n in range(2):
                yield ServerSentEvent({"n": n}, event="tick", id=str(n))

        def add_note(self, *, body: Any) -> Any:
            return body

    return TestClient(pkg.create_app(default=Handlers))


def test_form_body(bodies_client: TestClient) -> None:
    response = bodies_client.post("/login", data={"username": "ann", "password": "pw"})
    assert response.json() == {"token": "ann:pw"}
    assert bodies_client.post("/login", data={"password": "pw"}).status_code == 422


def test_multipart_upload(bodies_client: TestClient) -> None:
    response = bodies_client.post(
        "/upload", files={"file": ("a.png", b"12345", "image/png")}, data={"caption": "hi"}
    )
    assert response.json() == {"size": 5}
    assert bodies_client.post("/upload", json={"file": "x"}).status_code == 415
    too_big = bodies_client.post("/upload", files={"file": ("a.png", b"123456789", "image/png")})
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    wrong_type = bodies_client.post("/upload", files={"file": ("a.gif", b"GIF8", "image/gif")})
    assert wrong_type.status_code == 415


def test_raw_binary_both_ways(bodies_client: TestClient) -> None:
    response = bodies_client.put("/raw", content=b"abc", headers={"content-type": "application/octet-stream"})
    assert response.content == b"cba"
    assert response.headers["content-type"] == "application/octet-stream"


def test_streamed_csv_and_events(bodies_client: TestClient) -> None:
    csv = bodies_client.get("/report.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text == "id,name\n1,one\n"
    events = bodies_client.get("/events")
    assert events.headers["content-type"].startswith("text/event-stream")
    assert events.text == 'event: tick\nid: 0\ndata: {"n":0}\n\nevent: tick\nid: 1\ndata: {"n":1}\n\n'


def test_discriminated_union_and_custom_error_schema(bodies_client: TestClient) -> None:
    link = bodies_client.post("/notes", json={"kind": "link", "url": "https://example.com/x"})
    assert link.status_code == 201, link.text
    assert link.json() == {"kind": "link", "url": "https://example.com/x"}
    wrong = bodies_client.post("/notes", json={"kind": "text", "url": "https://example.com/x"})
    assert wrong.status_code == 422
    # the contract's 422 body is {message}, application/json: that is what comes back
    assert wrong.headers["content-type"] == "application/json"
    assert set(wrong.json()) == {"message"}


# -- the app around the contract's operations ----------------------------------------------------
# The contract's paths are served by a dispatcher below the app's own middleware (not by FastAPI's
# router): what users add to the app must still apply to them.


def test_user_middleware_wraps_contract_operations_and_everything_else(users: Any) -> None:
    class Users:
        def list_users(self) -> Any:
            return {"items": [], "total": 0}

    app = users.create_app(default=Users)
    seen: list[str] = []

    @app.middleware("http")  # type: ignore[untyped-decorator]
    async def tag(request: Any, call_next: Any) -> Any:
        seen.append(request.url.path)
        response = await call_next(request)
        response.headers["x-wrapped"] = "yes"
        return response

    client = TestClient(app)
    for path, status in (("/users", 200), ("/users/1", 405), ("/nowhere", 404), ("/openapi.json", 200)):
        response = client.get(path)
        assert response.status_code == status, (path, response.text)
        assert response.headers["x-wrapped"] == "yes", path
    assert seen == ["/users", "/users/1", "/nowhere", "/openapi.json"]


def gate(request: Request) -> None:
    """A dependency refusing the request, as auth dependencies do (module level: annotations are strings)."""
    if request.headers.get("x-gate") == "closed":
        raise HTTPException(403, "gate closed", headers={"x-why": "closed"})


def test_exceptions_from_dependencies_and_handlers_reach_the_apps_exception_handlers(users: Any) -> None:
    class Teapot(Exception):
        pass

    class Users:
        def __init__(self, _: Annotated[None, Depends(gate)]) -> None:
            pass

        def list_users(self) -> Any:
            raise Teapot("short and stout")

    app = users.create_app(default=Users)

    async def teapot(request: Any, exc: Exception) -> PlainTextResponse:
        return PlainTextResponse(f"teapot: {exc}", status_code=418)

    app.add_exception_handler(Teapot, teapot)
    client = TestClient(app)
    closed = client.get("/users", headers={"x-gate": "closed"})
    assert closed.status_code == 403
    assert closed.headers["x-why"] == "closed"
    assert closed.headers["content-type"] == "application/problem+json"
    assert closed.json()["detail"] == "gate closed"
    brewed = client.get("/users")
    assert (brewed.status_code, brewed.text) == (418, "teapot: short and stout")


def test_an_unhandled_exception_is_the_apps_500(users: Any) -> None:
    class Users:
        def list_users(self) -> Any:
            raise RuntimeError("boom")

    client = TestClient(users.create_app(default=Users), raise_server_exceptions=False)
    response = client.get("/users")
    assert response.status_code == 500
    assert response.json()["title"] == "Internal Server Error"


def test_routes_added_to_the_app_and_the_docs_are_still_served(users: Any) -> None:
    app = users.create_app()

    @app.get("/health")  # type: ignore[untyped-decorator]
    def health() -> dict[str, str]:
        return {"status": "ok"}

    client = TestClient(app)
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    assert client.get("/users").status_code == 501  # the contract's path, not implemented yet
    assert [getattr(r, "path", None) for r in app.routes][:2] == ["/users", "/users/{userId}"]


@pytest.fixture(scope="module")
def bench_api(generate_package: Generate) -> Any:
    from pathlib import Path

    return generate_package(Path(__file__).parents[2] / "bench" / "runtime" / "openapi.yaml", "gen_bench_api")


def _item(item_id: int, **changes: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "name": f"item {item_id}",
        "description": None,
        "price_cents": 100,
        "currency": "EUR",
        "tags": [],
        "in_stock": True,
        "created_at": "2026-01-01T00:00:00Z",
        **changes,
    }


@pytest.mark.parametrize("as_models", [True, False])
def test_a_list_of_models_is_sent_as_it_is_and_anything_else_is_checked(
    bench_api: Any, as_models: bool
) -> None:
    rows = [_item(i) for i in (1, 2)]
    found: list[Any] = [bench_api.models.Item.model_validate(r) for r in rows] if as_models else rows

    class Items:
        def list_items(self, *, limit: int, offset: int) -> Any:
            return found

    client = TestClient(bench_api.create_app(items=Items))
    response = client.get("/items?limit=2")
    assert response.status_code == 200, response.text
    assert response.json() == rows
    found.append(_item(3, currency="JPY"))  # not in the enum: the server broke its contract
    assert client.get("/items").status_code == 500


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    st.lists(
        st.tuples(
            st.text(alphabet="ab=+% &;é\x00%2B%zz20", max_size=6),
            st.text(alphabet="ab=+% ;é%2B%zz20", max_size=6),
        ),
        max_size=5,
    ).map(lambda pairs: "&".join(f"{k}={v}" if v else k for k, v in pairs))
)
def test_query_strings_read_as_starlette_reads_them(query: str) -> None:
    from specfirst_runtime.operation import parse_query
    from starlette.datastructures import QueryParams

    raw = query.encode("utf-8")
    expected = QueryParams(raw)
    assert parse_query(raw) == {name: expected.getlist(name) for name in expected}


def test_parameters_sharing_a_name_in_two_locations_stay_apart(
    generate_package: Generate, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import json

    spec = tmp_path_factory.mktemp("same_name") / "openapi.json"
    parameters = [
        {"name": "page", "in": "query", "schema": {"type": "integer"}},
        {"name": "page", "in": "header", "schema": {"type": "integer", "maximum": 9}},
    ]
    responses = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}
    operation = {"operationId": "pages", "parameters": parameters, "responses": responses}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/p": {"get": operation}},
    }
    spec.write_text(json.dumps(document))
    pkg = generate_package(spec, "gen_same_name")

    class Pages:
        def pages(self, **kwargs: Any) -> Any:
            return kwargs

    client = TestClient(pkg.create_app(default=Pages))
    answer = client.get("/p?page=1", headers={"page": "2"})
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json().values()) == [1, 2]
    refused = client.get("/p?page=1", headers={"page": "10"})
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["detail"]] == [["header", "page"]]


def test_null_in_a_query_string_and_single_values_of_form_arrays(
    generate_package: Generate, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import json

    spec = tmp_path_factory.mktemp("null_query") / "openapi.json"
    parameters = [
        {"name": "since", "in": "query", "required": True, "schema": {"type": ["integer", "null"]}},
        {"name": "word", "in": "query", "schema": {"type": ["string", "null"]}},
        {"name": "count", "in": "query", "schema": {"type": "integer"}},
    ]
    form = {
        "type": "object",
        "properties": {"events": {"type": "array", "items": {"type": "string"}}, "name": {"type": "string"}},
    }
    responses = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}
    body = {"content": {"application/x-www-form-urlencoded": {"schema": form}}}
    paths = {
        "/q": {"get": {"operationId": "query", "parameters": parameters, "responses": responses}},
        "/f": {"post": {"operationId": "form", "requestBody": body, "responses": responses}},
    }
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    spec.write_text(json.dumps(document))
    pkg = generate_package(spec, "gen_null_query")

    class Echo:
        def query(self, **kwargs: Any) -> Any:
            return kwargs

        def form(self, *, body: Any) -> Any:
            return body.model_dump(mode="json", exclude_unset=True)

    client = TestClient(pkg.create_app(default=Echo))
    # the word `null` is null where only null can take it; a string "null" stays a string
    assert client.get("/q?since=null&word=null").json() == {"since": None, "word": "null", "count": None}
    assert client.get("/q?since=5").json() == {"since": 5, "word": None, "count": None}
    assert client.get("/q?since=1&count=null").status_code == 422  # count is optional, not nullable
    assert client.post("/f", data={"events": "one", "name": "n"}).json() == {"events": ["one"], "name": "n"}
    assert client.post("/f", data={"events": ["a", "b"]}).json() == {"events": ["a", "b"]}


def test_with_fastapis_telemetry_on_requests_take_the_router(users: Any) -> None:
    """A request FastAPI's telemetry wraps goes through its router, which names the span's route."""

    class Users:
        def list_users(self) -> Any:
            return {"items": [], "total": 0}

    app = users.create_app(default=Users)
    routes: list[Any] = []

    class Traced:  # what FastAPI's telemetry does to the scope, without an OpenTelemetry exporter
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            scope["fastapi.telemetry"] = None
            await self.inner(scope, receive, send)
            routes.append(getattr(scope.get("contract_route"), "path_format", None))

    app.add_middleware(Traced)
    client = TestClient(app)
    assert client.get("/users").json() == {"items": [], "total": 0}
    not_allowed = client.get("/users/1")
    assert (not_allowed.status_code, not_allowed.headers["allow"]) == (405, "DELETE")
    assert client.get("/nowhere").status_code == 404
    assert routes == ["/users", "/users/{userId}", None]


def test_multipart_parts_that_take_objects_are_read_as_json(
    generate_package: Generate, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import json

    spec = tmp_path_factory.mktemp("json_parts") / "openapi.json"
    vad = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"const": "server_vad"}, "threshold": {"type": "number"}},
        "additionalProperties": False,
    }
    body = {
        "type": "object",
        "required": ["file", "strategy"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "strategy": {
                "anyOf": [{"type": "string", "enum": ["auto"]}, {"$ref": "#/components/schemas/Vad"}]
            },
            "tags": {"type": "array", "items": {"type": "string"}},
            "note": {"type": "string"},
        },
    }
    responses = {
        "200": {"description": "ok", "content": {"application/json": {"schema": {}}}},
        "400": {"description": "bad", "content": {"application/json": {"schema": {}}}},
    }
    operation = {
        "operationId": "transcribe",
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": body}}},
        "responses": responses,
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/t": {"post": operation}},
        "components": {"schemas": {"Vad": vad}},
    }
    spec.write_text(json.dumps(document))
    pkg = generate_package(spec, "gen_json_parts")

    class Transcribe:
        def transcribe(self, *, body: Any) -> Any:
            strategy = body.strategy
            return {
                "strategy": strategy if isinstance(strategy, str) else strategy.model_dump(by_alias=True),
                **{name: getattr(body, name) for name in ("note", "tags") if name in body.model_fields_set},
            }

    client = TestClient(pkg.create_app(default=Transcribe))
    files = {"file": ("a.wav", b"RIFF", "audio/wav")}
    vad_text = '{"type": "server_vad", "threshold": 0.5}'
    answer = client.post("/t", files=files, data={"strategy": vad_text, "note": '{"kept": "as text"}'})
    assert answer.status_code == 200, answer.text
    assert answer.json()["strategy"] == {"type": "server_vad", "threshold": 0.5}
    assert answer.json()["note"] == '{"kept": "as text"}'  # a string part stays text, braces or not
    plain = client.post("/t", files=files, data={"strategy": "auto", "tags": ["[1]"]})
    assert plain.status_code == 200, plain.text
    assert plain.json()["strategy"] == "auto" and plain.json()["tags"] == ["[1]"]
    wrong = client.post("/t", files=files, data={"strategy": '{"type": "other"}'})
    assert wrong.status_code == 400, wrong.text
    broken = client.post("/t", files=files, data={"strategy": "{not json"})
    assert broken.status_code == 400, broken.text
    null = client.post("/t", files=files, data={"strategy": "null"})  # JSON null: no such strategy here
    assert null.status_code == 400 and "auto" in null.text, null.text
