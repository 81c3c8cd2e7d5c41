"""Counting attempts by hand (sign-in, password confirmation): in the limiter's shared
storage, or in this worker's memory while that storage is away, as Flask-Limiter
does for the limits it applies itself (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``)."""

from __future__ import annotations

import logging
from typing import Any

from limits import RateLimitItem
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from juragan.extensions import limiter

log = logging.getLogger("juragan.web.throttle")
_fallback = FixedWindowRateLimiter(MemoryStorage())


def _call(method: str, item: RateLimitItem, *keys: str) -> Any:
    try:
        return getattr(limiter.limiter, method)(item, *keys)
    except Exception:  # the storage is away (Redis down): this worker counts
        log.warning("rate-limit storage unavailable; counting in this worker")
        return getattr(_fallback, method)(item, *keys)


def hit(item: RateLimitItem, *keys: str) -> bool:
    """Count one attempt; whether it is still within the allowance."""
    return bool(_call("hit", item, *keys))


def allows(item: RateLimitItem, *keys: str) -> bool:
    """Whether one more attempt would be within the allowance (counts nothing)."""
    return bool(_call("test", item, *keys))


def clear(item: RateLimitItem, *keys: str) -> None:
    _call("clear", item, *keys)
