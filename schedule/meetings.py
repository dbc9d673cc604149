"""Where a session happens: the mentor's own meeting link, or a private video room for the booking."""

import secrets

from django.conf import settings

from accounts.models import User


def new_meeting_url(mentor: User) -> str:
    """The mentor's own link when they set one, otherwise a private room with an unguessable name."""
    profile = getattr(mentor, "mentor_profile", None)
    if profile is not None and profile.meeting_url:
        return profile.meeting_url
    return settings.MEETING_URL_TEMPLATE.format(room=secrets.token_urlsafe(16))
