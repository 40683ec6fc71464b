"""The intermediate representation every emitter reads: a handful of frozen dataclasses.

Names are already Python identifiers (snake_case for functions and arguments, PascalCase for classes) with
the wire names kept beside them. Types are already rendered as Python annotations (`TypeExpr`), so templates
only place text. Nothing here refers back to the raw spec dict, except `Api.contract`, the normalised
document served at `/openapi.json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Location(StrEnum):
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


class BodyKind(StrEnum):
    """How a body travels: decides how the runtime reads a request body or writes a response."""

    JSON = "json"
    FORM = "form"  # application/x-www-form-urlencoded
    MULTIPART = "multipart"
    BINARY = "binary"  # application/octet-stream, image/*, ... as bytes
    TEXT = "text"  # text/plain, text/csv, ... as str
    EVENT_STREAM = "event-stream"  # text/event-stream, always streamed
    EMPTY = "empty"


@dataclass(frozen=True)
class TypeExpr:
    """A Python annotation as source text, e.g. `list[models.ItemOut]`, and what it needs imported."""

    text: str
    imports: frozenset[str] = frozenset()  # import lines, e.g. "import datetime"
    models: frozenset[str] = frozenset()  # model class names used (from the models module)

    def wrap(self, template: str) -> TypeExpr:
        return TypeExpr(template.format(self.text), self.imports, self.models)


@dataclass(frozen=True)
class Parameter:
    name: str  # wire name
    py_name: str
    location: Location
    required: bool
    type: TypeExpr  # the handler's argument type, e.g. `int`
    annotation: TypeExpr  # the same with the constraints the runtime checks, `Annotated[int, Field(ge=1)]`
    default: str | None  # a Python literal, or None for no default
    is_array: bool
    explode: bool
    description: str
    nullable: bool = False  # the schema accepts null (the word `null` in a query string is null)


@dataclass(frozen=True)
class FilePart:
    """A multipart field that carries a file, with the limits the contract sets on it."""

    name: str  # wire name
    max_bytes: int | None  # the property's maxLength
    media_types: tuple[str, ...]  # the encoding's contentType (or the property's contentMediaType)


@dataclass(frozen=True)
class BodyContent:
    media_type: str
    kind: BodyKind
    type: TypeExpr | None  # what the runtime validates with; None: raw bytes / str / stream
    hint: TypeExpr | None = None  # the same without constraints, for signatures a person reads
    file_fields: tuple[FilePart, ...] = ()  # multipart fields carrying files


@dataclass(frozen=True)
class RequestBody:
    required: bool
    contents: tuple[BodyContent, ...]
    description: str
    py_name: str = "body"
    max_bytes: int | None = None  # `x-max-body-bytes`: this operation's body limit, over create_app's


@dataclass(frozen=True)
class Header:
    name: str  # wire name
    py_name: str
    required: bool
    type: TypeExpr
    description: str


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX", "default"
    description: str
    contents: tuple[BodyContent, ...]
    headers: tuple[Header, ...]
    class_name: str  # the typed result class (success) or exception class (error)

    @property
    def code(self) -> int | None:
        return int(self.status) if self.status.isdigit() else None

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    @property
    def primary(self) -> BodyContent | None:
        return self.contents[0] if self.contents else None


@dataclass(frozen=True)
class SecurityRequirement:
    """All of `schemes` must pass (AND); an operation's requirements are alternatives (OR)."""

    schemes: tuple[tuple[str, tuple[str, ...]], ...]  # (scheme py_name, scopes)


@dataclass(frozen=True)
class SecurityScheme:
    name: str  # key in components/securitySchemes
    py_name: str
    kind: str  # "bearer", "basic", "api_key", "oauth2", "openid_connect"
    location: str | None  # for api_key: header / query / cookie
    parameter_name: str | None  # for api_key: the header / query / cookie name
    description: str


@dataclass(frozen=True)
class ErrorShape:
    """What the generated layer must produce itself for a status (401, 422, ...)."""

    status: int
    media_type: str
    fields: tuple[str, ...] | None  # problem fields the declared schema has (`detail[]`: a list); None: any
    # a shape of the contract's own (not a problem, not FastAPI's): a valid body, and the members that take
    # the message, the list of errors and the status (see error_bodies)
    template: dict[str, Any] | None = None
    message_key: str | None = None
    errors_key: str | None = None
    status_key: str | None = None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    name: str  # the handler method name (snake_case)
    class_prefix: str  # PascalCase stem for generated classes (GetItem...)
    method: str  # upper case
    path: str
    tag: str  # tag py_name
    summary: str
    description: str
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    responses: tuple[Response, ...]
    security: tuple[SecurityRequirement, ...]  # empty: public
    validation_error: ErrorShape | None  # status and body for invalid requests
    error_shapes: tuple[ErrorShape, ...]  # every declared error status the runtime may need to produce

    @property
    def success_responses(self) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if r.is_success)

    @property
    def error_responses(self) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if not r.is_success)

    @property
    def plain_return(self) -> bool:
        """True when the handler returns the body itself (one success status, no headers)."""
        ok = self.success_responses
        return len(ok) == 1 and not ok[0].headers and len(ok[0].contents) <= 1


@dataclass(frozen=True)
class Tag:
    name: str  # as in the spec
    py_name: str  # module and argument name
    class_name: str  # handler interface class
    description: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class ErrorClass:
    """A raisable exception for one declared (status, body type) pair."""

    name: str
    status: str
    body: TypeExpr | None
    media_type: str | None
    headers: tuple[Header, ...]
    description: str


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    source: str  # spec path as given
    digest: str
    tags: tuple[Tag, ...]
    security_schemes: tuple[SecurityScheme, ...]
    errors: tuple[ErrorClass, ...]
    model_schemas: dict[str, Any]  # prepared JSON schemas, by model class name, for the models emitter
    contract: dict[str, Any] = field(repr=False)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for tag in self.tags for op in tag.operations)
