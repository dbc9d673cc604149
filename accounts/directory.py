"""
Versioned caches of rendered HTML.

The public mentor directory (home page list, mentor availability, staff figures) is cached for
everyone under the "directory" version, which services bump after any change a visitor could see
there (mentor profiles, roles, slots and bookings). A user's own booking lists are cached under a
per-user version, bumped when one of their bookings changes. Entries also expire after a minute,
since "next free slot" and "completed" move with the clock. With several workers the cache must be
shared (CACHE_URL=redis://...); with the default per-process cache another worker may show a
change up to a minute late.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction

DIRECTORY = "directory"
TTL_SECONDS = 60


def _version_key(namespace: str) -> str:
    return f"{namespace}:version"


def version(namespace: str = DIRECTORY) -> int:
    key = _version_key(namespace)
    current = cache.get(key)
    if current is None:
        # A fresh, unique start value, so entries from before an eviction can never match again.
        cache.add(key, time.time_ns(), timeout=None)
        current = cache.get(key)
    return current


def _bump(namespace: str) -> None:
    try:
        cache.incr(_version_key(namespace))
    except ValueError:
        cache.set(_version_key(namespace), time.time_ns(), timeout=None)


def changed(namespace: str = DIRECTORY) -> None:
    """Call from a service whose change shows under ``namespace``; takes effect when it commits."""
    transaction.on_commit(lambda: _bump(namespace))


def user_namespace(user_id: int) -> str:
    return f"user-bookings:{user_id}"


def key(*parts: str, namespace: str = DIRECTORY) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{namespace}:{version(namespace)}:{digest}"
