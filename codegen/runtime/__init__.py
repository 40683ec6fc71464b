"""The runtime the generated server code stands on. Generated modules import it as `rt`."""

from .app import build_app, is_implemented
from .errors import ApiError, ContractViolation, ErrorShape, problem_body
from .operation import Body, Content, Endpoint, FilePart, Operation, Params, Reply
from .results import EventStream, MaybeAwaitable, Result, ServerSentEvent, StreamBody
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
    "Scheme",
    "ServerSentEvent",
    "StreamBody",
    "TokenVerifier",
    "build_app",
    "is_implemented",
    "principal",
    "problem_body",
]
