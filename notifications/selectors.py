"""
Reading notifications. The bell's unread count is one of the header's (``core.header``): mostly cached.
Whether a kind also comes by email is a person's preference, or the kind's default when they have none.
"""

from collections.abc import Iterable

from core import header
from notifications import kinds
from notifications.models import Notification, NotificationPreference

LATEST = 8
HEADER_COUNT = "notifications"


def unread(user):
    """What the header bell counts (``core.header``)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def unread_count(user) -> int:
    return header.count(user, HEADER_COUNT)


def forget_unread_count(user_id: int) -> None:
    header.forget(HEADER_COUNT, user_id)


def history(user):
    return Notification.objects.filter(recipient=user)


def latest(user, limit: int = LATEST) -> list[Notification]:
    return list(history(user)[:limit])


# --- Email preferences ---

_CACHE_ATTRIBUTE = "_notification_email_choices"


def email_choices(user) -> dict[str, bool]:
    """
    The kinds this person chose for themself ({kind: also by email}); kinds absent keep their default.
    One query, then remembered on the user object: a request (or a service) asking again for the same
    person asks no more. ``services.notification_preferences_set`` forgets it.
    """
    choices = getattr(user, _CACHE_ATTRIBUTE, None)
    if choices is None:
        choices = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
        setattr(user, _CACHE_ATTRIBUTE, choices)
    return choices


def forget_email_choices(user) -> None:
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _default(kind: str) -> bool:
    registered = kinds.KINDS.get(kind)
    return registered is not None and registered.email


def wants_email(user, kind: str) -> bool:
    """Whether ``user`` also gets ``kind`` by email: a kind without email never does; else their choice or yes."""
    if not _default(kind):
        return False
    return email_choices(user).get(kind, True)


def emails_wanted(users: Iterable, kind: str) -> set[int]:
    """
    Of these people (users or their ids), the ids of those who get ``kind`` by email: one query for
    them all, for jobs that mail many people at once (the message digest).
    """
    ids = {getattr(user, "pk", user) for user in users}
    if not ids or not _default(kind):
        return set()
    off = NotificationPreference.objects.filter(user_id__in=ids, kind=kind, email=False).values_list(
        "user_id", flat=True
    )
    return ids - set(off)
