from django.utils.functional import SimpleLazyObject

from core import header


def header_counts(request):
    """The header's unread counts, looked up only if a page shows them: cached, or one query for all."""
    user = getattr(request, "user", None)
    counts = SimpleLazyObject(lambda: header.counts(user) if user is not None else {})
    return {
        "NOTIFICATIONS_UNREAD": SimpleLazyObject(lambda: counts.get("notifications", 0)),
        "MESSAGES_UNREAD": SimpleLazyObject(lambda: counts.get("messages", 0)),
    }
