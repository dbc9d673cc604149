from django.utils.functional import SimpleLazyObject

from notifications import selectors


def unread(request):
    """The header bell's count, looked up only if a page shows it (and then mostly from the cache)."""
    user = getattr(request, "user", None)
    return {"NOTIFICATIONS_UNREAD": SimpleLazyObject(lambda: selectors.unread_count(user) if user else 0)}
