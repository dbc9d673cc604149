from django.utils.functional import SimpleLazyObject

from messaging import selectors


def unread(request):
    """The header's unread-messages count, looked up only if a page shows it (and then mostly cached)."""
    user = getattr(request, "user", None)
    return {"MESSAGES_UNREAD": SimpleLazyObject(lambda: selectors.unread_count(user) if user else 0)}
