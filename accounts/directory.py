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

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.safestring import SafeString, mark_safe

DIRECTORY = "directory"
TTL_SECONDS = 60


def _version_key(namespace: str) -> str:
    return f"{namespace}:version"


def version(namespace: str = DIRECTORY) -> int:
    key = _version_key(namespace)
    current = cache.get(key)
    if current is None:
        # A fresh, unique start value, so entries from before an eviction can never match again.
        fresh = time.time_ns()
        # Whoever adds it first wins; the others read the winner's value.
        current = fresh if cache.add(key, fresh, timeout=None) else cache.get(key)
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


def cached_html(cache_key: str, render) -> SafeString:
    """
    The one recipe for a cached rendered fragment: get it, or render it with ``render()`` and keep it
    for TTL_SECONDS. ``render`` must build HTML from our own templates only: the result is marked
    safe here, in this one audited spot.
    """
    html = cache.get(cache_key)
    if html is None:
        html = render()
        cache.set(cache_key, html, TTL_SECONDS)
    return mark_safe(html)


def anonymous_page(request, cache_key: str, render_response):
    """
    A whole page for visitors who are not signed in and have no pending messages (everyone of them
    sees the same HTML): served from the cache, or rendered by ``render_response()`` and kept. A
    visitor through the maintenance bypass link is not one of them: their page says the site is closed.
    """
    if (
        request.user.is_authenticated
        or getattr(request, "maintenance_bypass", False)
        or len(messages.get_messages(request))
    ):
        return render_response()
    html = cache.get(cache_key)
    if html is not None:
        return HttpResponse(html)
    response = render_response()
    if response.status_code == 200:
        cache.set(cache_key, response.content.decode(), TTL_SECONDS)
    return response
