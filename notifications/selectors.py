"""Reading notifications. The bell's unread count is one of the header's (``core.header``): mostly cached."""

from core import header
from notifications.models import Notification

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
