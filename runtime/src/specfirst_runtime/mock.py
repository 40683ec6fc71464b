"""Mock answers: a response valid against the contract for an operation nobody has implemented yet.

The generator works each answer out from the contract (its example where valid, else a value built from
the schema and checked against it) and writes them to the package's `mocks.json`; here they are only
replayed. Front-end teams use this before handlers exist, as they would a Prism mock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import pydantic_core
from starlette.responses import Response

logger = logging.getLogger("contract.mock")


def mock_response(answer: Mapping[str, Any] | None, operation: str) -> Callable[[], Response]:
    """A factory of the mock response for one operation ("METHOD /path"), from its generated answer."""
    if answer is None:
        raise LookupError(f"no mock answer for {operation}: regenerate the package")
    if "unsatisfied" in answer:
        logger.warning(
            "mock for %s does not match its schema: nothing satisfies %s", operation, answer["unsatisfied"]
        )
    status = int(answer["status"])
    headers = dict(answer.get("headers") or {})
    media_type = answer.get("media_type")
    if media_type is None:
        return lambda: Response(status_code=status, headers=headers)
    body = answer.get("body")
    data = pydantic_core.to_json(body) if "body" in answer else str(answer.get("text", "")).encode()
    return lambda: Response(data, status_code=status, headers=headers, media_type=media_type)
