"""When and how long to wait before trying a request again.

Retried: connection errors, timeouts, 408, 429 and every 5xx. Waits grow exponentially from 0.5 s,
doubling up to 8 s, less a random 0-25 % (jitter, so many clients do not retry in step). A `Retry-After`
header (seconds, or an HTTP date) replaces the computed wait, capped at 60 s. Methods that are not
idempotent (POST, PATCH) are retried only when the call carries an idempotency key.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Callable, Mapping

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
DEFAULT_MAX_RETRIES = 2
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({408, 429})

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "backoff",
    "may_retry_method",
    "retry_after",
    "retry_delay",
    "retryable_status",
    "sleep",
    "sleep_async",
]


def may_retry_method(method: str, idempotency_key: str | None) -> bool:
    """True when repeating the request cannot do a thing twice."""
    return method.upper() in IDEMPOTENT_METHODS or idempotency_key is not None


def retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES or status >= 500


def retry_after(headers: Mapping[str, str], *, now: Callable[[], float] = time.time) -> float | None:
    """The wait a `Retry-After` (or `Retry-After-Ms`) header asks for, in seconds, capped; None if absent."""
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
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def backoff(retries_taken: int, *, rand: Callable[[], float] = random.random) -> float:
    """0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s ...; each less a random 0-25 %."""
    delay = min(INITIAL_DELAY * (2.0 ** max(retries_taken, 0)), MAX_DELAY)
    return delay * (1.0 - 0.25 * rand())


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
