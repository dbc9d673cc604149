"""
Who is online. An open signed-in page keeps a WebSocket (notifications) that says "seen" when it
connects, on each heartbeat (every 30 s) and when it closes; the moment is kept in the shared cache,
never in the database. Online means seen within ONLINE_SECONDS; otherwise "last seen" that long ago.
A person who hides their status (``User.show_presence``) is shown neither way.
"""

import dataclasses
import datetime as dt
import time

from django.core.cache import cache

ONLINE_SECONDS = 75  # two missed heartbeats and a little
KEEP_SECONDS = 30 * 24 * 3600


@dataclasses.dataclass(frozen=True)
class Status:
    online: bool
    last_seen: dt.datetime | None


def _key(user_id: int) -> str:
    return f"presence:{user_id}"


def seen(user_id: int, *, now: float | None = None) -> None:
    cache.set(_key(user_id), int(now if now is not None else time.time()), KEEP_SECONDS)


def statuses(users, *, now: float | None = None) -> dict[int, Status]:
    """The status of each user who shows it, read in one cache round trip (absent: never seen or hidden)."""
    shown = [u for u in users if getattr(u, "show_presence", False)]
    found = cache.get_many([_key(u.pk) for u in shown])
    now = now if now is not None else time.time()
    result = {}
    for user in shown:
        at = found.get(_key(user.pk))
        if at is not None:
            result[user.pk] = Status(
                online=now - at <= ONLINE_SECONDS, last_seen=dt.datetime.fromtimestamp(at, tz=dt.UTC)
            )
    return result


def status(user) -> Status | None:
    return statuses([user]).get(user.pk)
