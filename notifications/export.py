"""The notifications' part of "Download my data" (``accounts.hooks.PERSON_EXPORTED``), in one query."""

from accounts.models import User
from notifications.models import NotificationPreference


def person_sections(*, user: User, **_facts) -> dict:
    """Which kinds also come by email, as the person chose them."""
    preferences = NotificationPreference.objects.filter(user=user).order_by("kind")
    return {"notification_email": {p.kind: p.email for p in preferences}}
