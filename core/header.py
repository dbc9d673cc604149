"""
The unread counts in the header of every signed-in page (notifications, messages). Each app
registers how to count its own; a page reads them all from the cache in one round trip, and on a
miss computes every missing one in a single query (one subquery each), so the header costs at most
one query whatever the number of counts. Apps forget their count when it changes, or call ``changed``
to also tell the person's open pages the new count (a "header.count" event to their person group).
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core import realtime

TTL = 10 * 60
_COUNTS: dict[str, Callable[[object], QuerySet]] = {}


def register(name: str, unread: Callable[[object], QuerySet]) -> None:
    """``unread(user)`` is a queryset of what ``user`` has not read yet (registered in AppConfig.ready)."""
    _COUNTS[name] = unread


def _key(name: str, user_id: int) -> str:
    return f"header:{name}:{user_id}"


def counts(user) -> dict[str, int]:
    if not user.is_authenticated:
        return dict.fromkeys(_COUNTS, 0)
    keys = {name: _key(name, user.pk) for name in _COUNTS}
    found = cache.get_many(list(keys.values()))
    result = {name: found[key] for name, key in keys.items() if key in found}
    missing = [name for name in _COUNTS if name not in result]
    if missing:
        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(**{f"_{name}": _count(_COUNTS[name](user)) for name in missing})
            .values(*(f"_{name}" for name in missing))
            .first()
        ) or {}
        fresh = {name: row.get(f"_{name}", 0) for name in missing}
        cache.set_many({keys[name]: value for name, value in fresh.items()}, TTL)
        result.update(fresh)
    return result


def count(user, name: str) -> int:
    return counts(user).get(name, 0)


def forget(name: str, user_id: int) -> None:
    cache.delete(_key(name, user_id))


def changed(name: str, user) -> None:
    """
    ``user``'s count of ``name`` changed: forgotten now (this transaction reads the new one), and after
    the commit forgotten again (a page loading meanwhile may have cached the old count), counted and
    pushed to their open pages.
    """
    forget(name, user.pk)

    def push():
        forget(name, user.pk)
        event = {"type": "header.count", "name": name, "unread": count(user, name)}
        realtime.push(realtime.person_group(user.pk), event)

    transaction.on_commit(push)


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a queryset as a scalar subquery."""
    counted = queryset.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
