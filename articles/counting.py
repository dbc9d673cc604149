"""
View counts without a write per page view.

A view counts once per visitor per article per (UTC) day: the first view adds a dedupe key to the
shared cache (``cache.add``, atomic in Redis and Memcached) and increments the article's pending
counter there; later views that day find the key and do nothing. Nothing touches the database on a
page view. Every minute the ``flush_article_views`` job moves the pending counters into
``Article.view_count`` (one UPDATE per article that was viewed), decrementing each counter by what it
read, so views counted meanwhile wait for the next run.

A visitor is the signed-in person, or else a hash of the IP address and the browser's User-Agent
(no cookie is set for it). The author's own views do not count. With several workers the cache must
be shared (``CACHE_URL``), as for the rest of the site; a cache that is down loses views, never a page.
"""

import datetime as dt
import hashlib
import logging

from django.core.cache import cache
from django.db.models import F

from core.http import client_ip

logger = logging.getLogger(__name__)

SEEN_TTL = 26 * 3600  # a day, and a margin for clocks
FLUSH_CHUNK = 500


def pending_key(article_id: int) -> str:
    return f"articles:views:{article_id}"


def visitor(request) -> str:
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    # The client's address as the rest of the site reads it: behind the proxy, REMOTE_ADDR is the proxy's.
    raw = f"{client_ip(request) or ''}|{request.META.get('HTTP_USER_AGENT', '')[:300]}"
    return "a" + hashlib.sha256(raw.encode(errors="replace")).hexdigest()[:24]


def record(*, article_id: int, visitor: str, now: dt.datetime) -> bool:
    """Count one view unless this visitor was counted for this article today. True when counted."""
    day = now.astimezone(dt.UTC).date().isoformat()
    try:
        if not cache.add(f"articles:seen:{day}:{article_id}:{visitor}", 1, timeout=SEEN_TTL):
            return False
        key = pending_key(article_id)
        cache.add(key, 0, timeout=None)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, timeout=None)
        return True
    except Exception:  # a cache that is down costs a view, never the page
        logger.warning("Could not count a view of article %s", article_id, exc_info=True)
        return False


def flush(article_ids) -> int:
    """Move the pending counts of these articles into the database; returns the views moved."""
    from articles.models import Article

    moved = 0
    ids = list(article_ids)
    for start in range(0, len(ids), FLUSH_CHUNK):
        chunk = ids[start : start + FLUSH_CHUNK]
        pending = cache.get_many([pending_key(pk) for pk in chunk])
        for pk in chunk:
            count = pending.get(pending_key(pk)) or 0
            if count <= 0:
                continue
            try:
                cache.decr(pending_key(pk), count)
            except ValueError:  # gone meanwhile (evicted): these views are lost, not counted twice
                continue
            Article.objects.filter(pk=pk).update(view_count=F("view_count") + count)
            moved += count
    return moved
