"""The runtime the generated server code stands on. Generated modules import it as `rt`."""

from . import formats as _formats  # noqa: F401 (its import sets the format rules)
from .app import build_app, is_implemented
from .errors import ApiError, ContractViolation, ErrorShape, problem_body
from .operation import Body, Content, Endpoint, FilePart, Operation, Params, Reply, UploadedFile
from .results import EventStream, MaybeAwaitable, Result, ScalarText, ServerSentEvent, StreamBody
from .security import BasicVerifier, InsufficientScope, Scheme, TokenVerifier, principal

__all__ = [
    "ApiError",
    "BasicVerifier",
    "Body",
    "Content",
    "ContractViolation",
    "Endpoint",
    "ErrorShape",
    "EventStream",
    "FilePart",
    "InsufficientScope",
    "MaybeAwaitable",
    "Operation",
    "Params",
    "Reply",
    "Result",
    "ScalarText",
    "Scheme",
    "ServerSentEvent",
    "StreamBody",
    "TokenVerifier",
    "UploadedFile",
    "build_app",
    "is_implemented",
    "principal",
    "problem_body",
]
