"""A fixed-window counter in the shared cache: "at most N per window" for anything people can repeat."""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone


def take(key: str, *, limit: int, window_seconds: int, now: dt.datetime | None = None) -> bool:
    """Count one more under ``key`` in the current window; False once ``limit`` is passed."""
    return count(key, window_seconds=window_seconds, now=now) <= limit


def seconds_left(*, window_seconds: int, now: dt.datetime | None = None) -> int:
    """How long until the current window ends and a refused caller may try again (a 429's Retry-After)."""
    now = now or timezone.now()
    return max(1, window_seconds - int(now.timestamp()) % window_seconds)


def count(key: str, *, window_seconds: int, now: dt.datetime | None = None) -> int:
    """Count one more under ``key`` in the current window and return the window's count so far."""
    now = now or timezone.now()
    bucket = f"ratelimit:{key}:{int(now.timestamp()) // window_seconds}"
    cache.add(bucket, 0, timeout=window_seconds * 2)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window_seconds * 2)
        return 1
