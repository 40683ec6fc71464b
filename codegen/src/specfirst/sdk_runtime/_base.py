"""The client core: building requests from an operation's description, auth, retries, parsing.

Generated resource methods describe their call as `RequestOptions` (method, path template, parameters by
location, body, the contract's security alternatives and response types) and hand it to
`SyncAPIClient.request` / `AsyncAPIClient.request`; everything else happens here.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from types import TracebackType, UnionType
from typing import Any, Literal, Self, Union, get_args, get_origin

import httpx2
import pydantic
from pydantic_core import PydanticSerializationError

from . import _retry
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    status_error_class,
)
from ._files import FileInput, is_file_input, to_file_tuple
from ._forward import UnknownVariant
from ._response import RAW, APIResponse
from ._streaming import AsyncEventStream, AsyncLineStream, EventStream, LineStream

__all__ = [
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "AsyncAPIClient",
    "MissingField",
    "NotGiven",
    "RequestOptions",
    "Scheme",
    "SyncAPIClient",
    "parse_lenient",
]

DEFAULT_TIMEOUT = _retry.DEFAULT_TIMEOUT
Timeout = float | httpx2.Timeout | None
Kind = Literal["json", "empty", "text", "bytes", "lines", "events"]
BodyKind = Literal["json", "form", "multipart", "binary", "text"]
Credential = str | tuple[str, str]


class NotGiven:
    """The default of `with_options` arguments: "keep the client's value" (`None` is a value there)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


@dataclass(frozen=True)
class Scheme:
    """A security scheme of the contract: how its credential travels."""

    kind: Literal["bearer", "basic", "api_key"]
    location: str | None = None  # api_key: header / query / cookie
    name: str | None = None  # api_key: the header, query or cookie name


@dataclass(frozen=True)
class RequestOptions:
    """One call, as a generated method describes it."""

    method: str
    path: str  # the contract's template, e.g. /items/{itemId}
    path_params: Mapping[str, object] = field(default_factory=dict)
    query: Mapping[str, object] = field(default_factory=dict)  # None values are left out
    headers: Mapping[str, object] = field(default_factory=dict)
    cookies: Mapping[str, object] = field(default_factory=dict)
    unexploded: frozenset[str] = frozenset()  # array query parameters sent comma-separated
    body: object = None
    body_kind: BodyKind | None = None  # None: no body
    content_type: str | None = None
    file_fields: Mapping[str, Sequence[str]] = field(default_factory=dict)  # multipart: declared types
    security: tuple[tuple[str, ...], ...] = ()  # alternatives, each a set of schemes all applied
    success: Mapping[str, tuple[Kind, Any]] = field(default_factory=dict)  # by status ("200", "2XX")
    errors: Mapping[str, Any] = field(default_factory=dict)  # body type by status
    idempotency_key: str | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN  # NOT_GIVEN: the client's; None: no timeout
    max_retries: int | None = None  # None: the client's
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, object] | None = None

    @property
    def streamed(self) -> bool:
        return any(kind in ("lines", "events") for kind, _ in self.success.values())


# -- parsing ----------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(tp)


class MissingField(ValueError):
    """A field the contract requires is absent from the answer (raised as `APIResponseValidationError`)."""


def parse_lenient(tp: Any, value: Any) -> Any:
    """`value` as `tp`: validated when it fits the contract, else built as closely as possible.

    A newer server's fields and enum values already validate (models allow extra fields, enums are
    open). Anything else that fails validation is constructed instead of refused: models through
    `model_construct`, field by field and item by item (one stray item of a page costs that item, not
    the page), keeping what does not fit as the raw JSON value; a union's unknown variant becomes an
    `UnknownVariant`. A required field that is absent raises `MissingField`: the SDK cannot give the
    typed value it promises, and a later `AttributeError` far from the call would hide why.
    """
    if tp is None or tp is Any:
        return value
    try:
        return _adapter(tp).validate_python(value)
    except (pydantic.ValidationError, TypeError):  # TypeError: a type pydantic cannot build
        return _construct(tp, value)


def parse_lenient_json(tp: Any, content: bytes) -> Any:
    """`parse_lenient` from JSON bytes: validated straight from the bytes when they fit the contract."""
    if tp is None or tp is Any:
        return json.loads(content)
    try:
        return _adapter(tp).validate_json(content)
    except (pydantic.ValidationError, TypeError):
        return _construct(tp, json.loads(content))


def _construct(tp: Any, value: Any) -> Any:
    origin = get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        if not isinstance(value, dict):
            return value
        fields: dict[str, Any] = {}
        known: set[str] = set()
        for name, info in tp.model_fields.items():
            key = info.alias if info.alias is not None and info.alias in value else name
            known.update((name, info.alias or name))
            if key in value:
                fields[name] = parse_lenient(info.annotation, value[key])
            elif info.is_required():
                raise MissingField(f"{tp.__name__}.{info.alias or name} is required but absent")
        if tp.model_config.get("extra") == "allow":
            fields.update({k: v for k, v in value.items() if k not in known})
        return tp.model_construct(**fields)
    if origin in (Union, UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        for option in options:
            try:
                return _adapter(option).validate_python(value)
            except (pydantic.ValidationError, TypeError):
                continue
        models = [o for o in options if isinstance(o, type) and issubclass(o, pydantic.BaseModel)]
        if not models or not isinstance(value, dict):
            return value
        for option in models:  # the first model whose required fields and literal tags all match
            required = {(i.alias or n) for n, i in option.model_fields.items() if i.is_required()}
            if required <= value.keys() and _tags_match(option, value):
                return _construct(option, value)
        return UnknownVariant.model_validate(value)
    if origin is list and isinstance(value, list):
        (item,) = get_args(tp) or (Any,)
        return [parse_lenient(item, v) for v in value]
    if origin is dict and isinstance(value, dict):
        args = get_args(tp)
        return {k: parse_lenient(args[1] if len(args) == 2 else Any, v) for k, v in value.items()}
    return value


def _tags_match(model: type[pydantic.BaseModel], value: dict[str, Any]) -> bool:
    """False when a `Literal` field (a union's discriminator) holds a value the model does not allow."""
    for name, info in model.model_fields.items():
        if get_origin(info.annotation) is Literal:
            key = info.alias or name
            if key in value and value[key] not in get_args(info.annotation):
                return False
    return True


def to_jsonable(value: Any) -> Any:
    """A request body as JSON data: models without their unset fields, by alias; dicts recursively."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return _adapter(Any).dump_python(value, mode="json")


def json_body(value: Any) -> bytes:
    """A request body as compact JSON bytes, serialised by pydantic in one pass (as `to_jsonable` says)."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump_json(by_alias=True, exclude_unset=True).encode()
    try:
        return _adapter(Any).dump_json(value, by_alias=True, exclude_unset=True)
    except PydanticSerializationError:  # a mapping or value pydantic does not know: the slow way
        return json.dumps(to_jsonable(value), separators=(",", ":")).encode()


def _text(value: object) -> str:
    """A parameter value as the text the contract's `form`/`simple` styles send."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return _text(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, pydantic.BaseModel | dict | list):
        return json.dumps(to_jsonable(value), separators=(",", ":"))
    return str(value)


def _decode(response: httpx2.Response) -> object:
    """An error body: JSON when it is JSON, else text (None when empty)."""
    if not response.content:
        return None
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            return response.json()
        except ValueError:
            pass
    return response.text


def _match(table: Mapping[str, Any], status: int) -> str | None:
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in table:
            return key
    return None


# -- the client -------------------------------------------------------------------------------------


class _BaseClient:
    _owns_http: bool  # False for the copies `with_options` makes: they never close the shared pool

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        schemes: Mapping[str, Scheme],
        status_errors: Mapping[str, type[APIStatusError]],
        user_agent: str,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = base_url.rstrip("/")
        self.timeout: Timeout = timeout
        self.max_retries = max_retries
        self.default_headers = {"User-Agent": user_agent, **(default_headers or {})}
        self._schemes = dict(schemes)
        self._status_errors = dict(status_errors)
        self._credentials: dict[str, Credential | None] = {}

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy of this client with other defaults, sharing its connection pool.

        `client.with_options(timeout=5, max_retries=0).items.get_item(1)` changes one call site without
        a second pool. The copy starts with this client's credentials (a later `login` on either one
        does not reach the other) and never closes the shared pool: close the original for that.
        `default_headers` are added to this client's (same name: the new value wins).
        """
        if isinstance(max_retries, int) and max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        cached = {
            name
            for klass in type(self).__mro__
            for name, value in vars(klass).items()
            if isinstance(value, functools.cached_property)
        }
        clone = object.__new__(type(self))
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if k not in cached})
        clone._credentials = dict(self._credentials)
        clone._owns_http = False
        if not isinstance(timeout, NotGiven):
            clone.timeout = timeout
        if not isinstance(max_retries, NotGiven):
            clone.max_retries = max_retries
        if not isinstance(default_headers, NotGiven):
            clone.default_headers = {**self.default_headers, **default_headers}
        return clone

    # -- auth

    def set_credential(self, scheme: str, credential: Credential | None) -> None:
        """Set (or with None, remove) the credential sent for one of the contract's security schemes."""
        if scheme not in self._schemes:
            raise KeyError(f"the contract has no security scheme {scheme!r}")
        self._credentials[scheme] = credential

    def _apply_auth(
        self,
        alternatives: tuple[tuple[str, ...], ...],
        headers: dict[str, str],
        query: list[tuple[str, str | int | float | bool | None]],
        cookies: dict[str, str],
    ) -> None:
        for schemes in alternatives:
            if all(self._credentials.get(s) is not None for s in schemes):
                for name in schemes:
                    self._apply_one(self._schemes[name], self._credentials[name], headers, query, cookies)
                return
        # none satisfiable: send nothing, the server answers 401 with its own explanation

    @staticmethod
    def _apply_one(
        scheme: Scheme,
        credential: Credential | None,
        headers: dict[str, str],
        query: list[tuple[str, str | int | float | bool | None]],
        cookies: dict[str, str],
    ) -> None:
        if credential is None:
            return
        if scheme.kind == "basic":
            user, password = credential if isinstance(credential, tuple) else (credential, "")
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        elif scheme.kind == "bearer":
            headers["Authorization"] = f"Bearer {credential}"
        elif scheme.kind == "api_key" and scheme.name:
            value = credential if isinstance(credential, str) else credential[0]
            if scheme.location == "query":
                query.append((scheme.name, value))
            elif scheme.location == "cookie":
                cookies[scheme.name] = value
            else:
                headers[scheme.name] = value

    # -- requests

    def _build_request(
        self, client: httpx2.Client | httpx2.AsyncClient, opts: RequestOptions, retries_taken: int = 0
    ) -> httpx2.Request:
        path = opts.path
        for name, value in opts.path_params.items():
            path = path.replace("{" + name + "}", urllib.parse.quote(_text(value), safe=""))
        query: list[tuple[str, str | int | float | bool | None]] = []
        for name, value in opts.query.items():
            if value is None:
                continue
            if isinstance(value, list | tuple | set | frozenset):
                values = [_text(v) for v in value]
                if name in opts.unexploded:
                    query.append((name, ",".join(values)))
                else:
                    query.extend((name, v) for v in values)
            else:
                query.append((name, _text(value)))
        headers = dict(self.default_headers)
        for name, value in opts.headers.items():
            if value is not None:
                headers[name] = ",".join(_text(v) for v in value) if isinstance(value, list) else _text(value)
        cookies = {name: _text(value) for name, value in opts.cookies.items() if value is not None}
        self._apply_auth(opts.security, headers, query, cookies)
        if opts.idempotency_key is not None:
            headers[_retry.IDEMPOTENCY_HEADER] = opts.idempotency_key
        headers[_retry.RETRY_COUNT_HEADER] = str(retries_taken)
        for key, extra in (opts.extra_query or {}).items():
            query.append((key, _text(extra)))
        headers.update(opts.extra_headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        kwargs: dict[str, Any] = {}
        if opts.body_kind is not None and opts.body is not None:
            kwargs = self._body(opts)
            if opts.content_type and opts.body_kind != "multipart":
                headers.setdefault("Content-Type", opts.content_type)
        timeout = self.timeout if isinstance(opts.timeout, NotGiven) else opts.timeout
        url = self.base_url + path
        params: httpx2.QueryParams | None = None
        if client.params:  # the caller's own client carries params: httpx2 merges them with the call's
            params = httpx2.QueryParams(query)
        elif query:  # encoded here as httpx2 would (`urlencode`), so the URL is parsed once, not twice
            url += "?" + urllib.parse.urlencode(query)
        return client.build_request(
            opts.method,
            url,
            params=params,
            headers=headers,
            timeout=timeout if timeout is not None else httpx2.Timeout(None),  # None: no timeout
            **kwargs,
        )

    @staticmethod
    def _body(opts: RequestOptions) -> dict[str, Any]:
        body = opts.body
        if opts.body_kind == "json":
            return {"content": json_body(body)}
        if opts.body_kind == "text":
            return {"content": str(body).encode()}
        if opts.body_kind == "binary":
            return {"content": to_file_tuple("body", body)[1] if is_file_input(body) else body}  # type: ignore[arg-type]
        fields = _fields(body)
        if opts.body_kind == "form":
            data: list[tuple[str, str]] = []
            for key, value in fields.items():
                if isinstance(value, list | tuple):
                    data.extend((key, _text(v)) for v in value)
                elif value is not None:
                    data.append((key, _text(value)))
            return {"content": urllib.parse.urlencode(data).encode()}
        files: list[tuple[str, tuple[str, bytes, str]]] = []
        plain: dict[str, str | list[str]] = {}
        for key, value in fields.items():
            declared = tuple(opts.file_fields.get(key, ()))
            items = value if isinstance(value, list) and key in opts.file_fields else [value]
            if key in opts.file_fields or is_file_input(value):
                files.extend((key, to_file_tuple(key, v, declared)) for v in items)
            elif isinstance(value, list):
                plain[key] = [_text(v) for v in value]
            elif value is not None:
                plain[key] = _text(value)
        return {"data": plain, "files": files}

    @staticmethod
    def _with_key(opts: RequestOptions) -> RequestOptions:
        """`opts` with an idempotency key made for this call when its method needs one to be retried."""
        if opts.idempotency_key is not None or opts.method.upper() in _retry.IDEMPOTENT_METHODS:
            return opts
        return dataclasses.replace(opts, idempotency_key=_retry.new_idempotency_key())

    def _should_retry(self, opts: RequestOptions, retries_taken: int) -> bool:
        max_retries = self.max_retries if opts.max_retries is None else opts.max_retries
        return retries_taken < max_retries and _retry.may_retry_method(opts.method, opts.idempotency_key)

    def _status_error(self, opts: RequestOptions, response: httpx2.Response) -> APIStatusError:
        raw = _decode(response)
        key = _match(opts.errors, response.status_code)
        body = raw
        if key is not None and isinstance(raw, dict | list):  # text (an HTML 404 page) stays text
            try:
                body = parse_lenient(opts.errors[key], raw)
            except MissingField:  # not the declared model after all: its text, as for HTML
                body = response.text
        cls = status_error_class(response.status_code, self._status_errors)
        detail = ""
        if isinstance(raw, dict):
            detail = str(raw.get("detail") or raw.get("title") or raw.get("message") or "")
        message = f"{response.status_code} {response.reason_phrase}" + (f": {detail}" if detail else "")
        return cls(message, response=response, body=body)

    def _raw(
        self, opts: RequestOptions, response: httpx2.Response, retries_taken: int, *, asynchronous: bool
    ) -> APIResponse[Any]:
        return APIResponse(response, lambda: self._parse(opts, response, asynchronous), retries_taken)

    def _parse(self, opts: RequestOptions, response: httpx2.Response, asynchronous: bool) -> Any:
        key = _match(opts.success, response.status_code)
        if key is None:
            what = "a redirect not followed" if 300 <= response.status_code < 400 else ""
            declared = ", ".join(opts.success) or "none"
            raise APIResponseValidationError(
                f"{response.status_code} {response.reason_phrase} is not a status this call answers with"
                f" (declared: {declared}){': ' + what if what else ''}",
                response=response,
            )
        kind, tp = opts.success[key]
        if kind == "lines":
            return AsyncLineStream(response) if asynchronous else LineStream(response)
        if kind == "events":
            return AsyncEventStream(response) if asynchronous else EventStream(response)
        if kind == "empty":
            return None
        if kind == "text":
            return response.text
        if kind == "bytes":
            return response.content
        if not response.content:
            if tp is None or tp is Any or type(None) in get_args(tp):
                return None
            raise APIResponseValidationError(
                f"{response.status_code}: an empty body where the contract declares JSON", response=response
            )
        try:
            return parse_lenient_json(tp, response.content)
        except MissingField as exc:
            message = f"the answer breaks the contract: {exc}"
            raise APIResponseValidationError(message, response=response) from exc
        except ValueError as exc:  # not JSON at all (an HTML page from a proxy, say)
            media_type = response.headers.get("content-type", "?").split(";")[0]
            raise APIResponseValidationError(
                f"{response.status_code}: the body is not JSON ({media_type})", response=response
            ) from exc


def _fields(body: object) -> dict[str, Any]:
    if isinstance(body, pydantic.BaseModel):
        return body.model_dump(mode="python", by_alias=True, exclude_unset=True)
    if isinstance(body, Mapping):
        return {str(k): v for k, v in body.items()}
    raise TypeError(f"a form or multipart body is a model or a mapping, not {type(body).__name__}")


class SyncAPIClient(_BaseClient):
    """The synchronous core (the generated `Client` adds resources and auth options)."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = _retry.DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.Client | None = None,
        schemes: Mapping[str, Scheme] = {},
        status_errors: Mapping[str, type[APIStatusError]] = {},
        user_agent: str = "sdk",
    ) -> None:
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            schemes=schemes,
            status_errors=status_errors,
            user_agent=user_agent,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx2.Client(follow_redirects=True)

    def request(self, opts: RequestOptions) -> Any:
        """Send the call, retrying as `_retry` says; the parsed body, or an `APIResponse` in raw mode."""
        raw = RAW.get()
        opts = self._with_key(opts)
        retries_taken = 0
        while True:
            request = self._build_request(self._http, opts, retries_taken)
            try:
                response = self._http.send(request, stream=opts.streamed)
            except httpx2.TooManyRedirects as exc:
                raise APIResponseValidationError(
                    f"too many redirects from {request.url}", response=None, request=exc.request
                ) from exc
            except httpx2.TimeoutException as exc:
                if self._should_retry(opts, retries_taken):
                    _retry.sleep(_retry.retry_delay(retries_taken))
                    retries_taken += 1
                    continue
                raise APITimeoutError(request=request) from exc
            except httpx2.TransportError as exc:
                if self._should_retry(opts, retries_taken):
                    _retry.sleep(_retry.retry_delay(retries_taken))
                    retries_taken += 1
                    continue
                raise APIConnectionError(str(exc) or "Connection error.", request=request) from exc
            if response.is_error:
                if _retry.retry_response(response.status_code, response.headers) and self._should_retry(
                    opts, retries_taken
                ):
                    response.close()
                    _retry.sleep(_retry.retry_delay(retries_taken, response.headers))
                    retries_taken += 1
                    continue
                response.read()
                raise self._status_error(opts, response)
            if raw:
                return self._raw(opts, response, retries_taken, asynchronous=False)
            return self._parse(opts, response, False)

    def password_login(
        self, token_url: str, scheme: str, username: str, password: str, scope: str | None
    ) -> dict[str, Any]:
        """The OAuth2 password grant: form data to `token_url`; the access token is kept for `scheme`."""
        form = {"grant_type": "password", "username": username, "password": password, "scope": scope}
        token = RAW.set(False)
        try:
            result = self.request(_login_options(token_url, form))
        finally:
            RAW.reset(token)
        self.set_credential(scheme, _access_token(result))
        return dict(result)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncAPIClient(_BaseClient):
    """The asynchronous core (the generated `AsyncClient` adds resources and auth options)."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = _retry.DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.AsyncClient | None = None,
        schemes: Mapping[str, Scheme] = {},
        status_errors: Mapping[str, type[APIStatusError]] = {},
        user_agent: str = "sdk",
    ) -> None:
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            schemes=schemes,
            status_errors=status_errors,
            user_agent=user_agent,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx2.AsyncClient(follow_redirects=True)

    async def request(self, opts: RequestOptions) -> Any:
        """Send the call, retrying as `_retry` says; the parsed body, or an `APIResponse` in raw mode."""
        raw = RAW.get()
        opts = self._with_key(opts)
        retries_taken = 0
        while True:
            request = self._build_request(self._http, opts, retries_taken)
            try:
                response = await self._http.send(request, stream=opts.streamed)
            except httpx2.TooManyRedirects as exc:
                raise APIResponseValidationError(
                    f"too many redirects from {request.url}", response=None, request=exc.request
                ) from exc
            except httpx2.TimeoutException as exc:
                if self._should_retry(opts, retries_taken):
                    await _retry.sleep_async(_retry.retry_delay(retries_taken))
                    retries_taken += 1
                    continue
                raise APITimeoutError(request=request) from exc
            except httpx2.TransportError as exc:
                if self._should_retry(opts, retries_taken):
                    await _retry.sleep_async(_retry.retry_delay(retries_taken))
                    retries_taken += 1
                    continue
                raise APIConnectionError(str(exc) or "Connection error.", request=request) from exc
            if response.is_error:
                if _retry.retry_response(response.status_code, response.headers) and self._should_retry(
                    opts, retries_taken
                ):
                    await response.aclose()
                    await _retry.sleep_async(_retry.retry_delay(retries_taken, response.headers))
                    retries_taken += 1
                    continue
                await response.aread()
                raise self._status_error(opts, response)
            if raw:
                return self._raw(opts, response, retries_taken, asynchronous=True)
            return self._parse(opts, response, True)

    async def password_login(
        self, token_url: str, scheme: str, username: str, password: str, scope: str | None
    ) -> dict[str, Any]:
        """The OAuth2 password grant: form data to `token_url`; the access token is kept for `scheme`."""
        form = {"grant_type": "password", "username": username, "password": password, "scope": scope}
        token = RAW.set(False)
        try:
            result = await self.request(_login_options(token_url, form))
        finally:
            RAW.reset(token)
        self.set_credential(scheme, _access_token(result))
        return dict(result)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def _login_options(token_url: str, form: Mapping[str, object]) -> RequestOptions:
    return RequestOptions(
        method="POST",
        path=token_url,
        body=form,
        body_kind="form",
        content_type="application/x-www-form-urlencoded",
        success={"2XX": ("json", dict[str, Any])},
        errors={"default": Any},
    )


def _access_token(result: object) -> str:
    token = result.get("access_token") if isinstance(result, dict) else None
    if not isinstance(token, str):
        raise ValueError("the token response carries no access_token")
    return token


__all__ += ["FileInput"]
