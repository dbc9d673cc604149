"""Reading notifications. The header's unread count is cached per person, so most pages ask nothing."""

from django.core.cache import cache

from notifications.models import Notification

UNREAD_TTL = 10 * 60
LATEST = 8


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_TTL)
    return count


def forget_unread_count(user_id: int) -> None:
    cache.delete(_unread_key(user_id))


def history(user):
    return Notification.objects.filter(recipient=user)


def latest(user, limit: int = LATEST) -> list[Notification]:
    return list(history(user)[:limit])
