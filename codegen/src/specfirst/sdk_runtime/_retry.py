"""The retry policy of both SDKs: when and how long to wait before trying a request again.

This module is the one place the policy is written: the Python SDK copies it, and the TypeScript SDK's
`policy.ts` is rendered from its constants (`render.sdk_typescript.policy_ts`), so the two cannot drift.

- Retried: connection errors (refused, reset), timeouts, 408, 429 and every 5xx; 409 is not (a name
  already taken stays taken; openai-python retries it). A response header `x-should-retry: true|false`
  overrides the status either way.
- Waits grow exponentially from 0.5 s, doubling up to 8 s, less a random 0-25 % (jitter, so many
  clients do not retry in step). `Retry-After-Ms`, else `Retry-After` (seconds, or an HTTP date),
  replaces the computed wait when it is 0-60 s; above 60 s it is ignored and the computed wait used
  (as Anthropic's SDK and openai-node do; openai-python refuses to retry above its 120 s cap). A wait a
  caller cannot see the end of is worse than one more attempt.
- Every attempt carries `X-Retry-Count` (0, 1, 2, ...).
- A method that is not idempotent (POST, PATCH) gets an `Idempotency-Key` made once per call
  (`sdk-retry-<uuid4>`) unless the caller passes one, and is then retried like the others with the
  same key on every attempt; a server honouring the header does the work once.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import uuid
from collections.abc import Callable, Mapping

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
JITTER = 0.25
MAX_RETRY_AFTER = 60.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_TIMEOUT = 60.0
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({408, 429})
SHOULD_RETRY_HEADER = "x-should-retry"
RETRY_COUNT_HEADER = "X-Retry-Count"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_PREFIX = "sdk-retry-"

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "backoff",
    "may_retry_method",
    "new_idempotency_key",
    "retry_after",
    "retry_delay",
    "retry_response",
    "retryable_status",
    "sleep",
    "sleep_async",
]


def may_retry_method(method: str, idempotency_key: str | None) -> bool:
    """True when repeating the request cannot do a thing twice."""
    return method.upper() in IDEMPOTENT_METHODS or idempotency_key is not None


def retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES or status >= 500


def retry_response(status: int, headers: Mapping[str, str]) -> bool:
    """True when an error answer should be tried again: `x-should-retry` if sent, else its status."""
    steer = headers.get(SHOULD_RETRY_HEADER, "").strip().lower()
    if steer in ("true", "false"):
        return steer == "true"
    return retryable_status(status)


def new_idempotency_key() -> str:
    """A key for one call of a non-idempotent method, the same on each of its attempts."""
    return IDEMPOTENCY_KEY_PREFIX + str(uuid.uuid4())


def retry_after(headers: Mapping[str, str], *, now: Callable[[], float] = time.time) -> float | None:
    """The wait a `Retry-After` (or `Retry-After-Ms`) header asks for, in seconds; None if absent,
    unreadable or above `MAX_RETRY_AFTER` (the computed backoff is used then)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return _clamp(float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return _clamp(float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return _clamp(parsed.timestamp() - now())


def _clamp(seconds: float) -> float | None:
    if seconds != seconds or seconds > MAX_RETRY_AFTER:  # NaN, or longer than a caller should wait
        return None
    return max(seconds, 0.0)


def backoff(retries_taken: int, *, rand: Callable[[], float] = random.random) -> float:
    """0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s ...; each less a random 0-25 %."""
    delay = min(INITIAL_DELAY * (2.0 ** max(retries_taken, 0)), MAX_DELAY)
    return delay * (1.0 - JITTER * rand())


def retry_delay(retries_taken: int, headers: Mapping[str, str] | None = None) -> float:
    """How long to wait before retry number `retries_taken + 1`."""
    if headers is not None:
        asked = retry_after(headers)
        if asked is not None:
            return asked
    return backoff(retries_taken)


def sleep(seconds: float) -> None:
    """The wait between attempts (a function of its own, so tests can record it instead)."""
    time.sleep(seconds)


async def sleep_async(seconds: float) -> None:
    await asyncio.sleep(seconds)
