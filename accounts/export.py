"""
"Download my data": everything the platform keeps about a person, as one JSON document.

Built from a fixed number of queries whatever the number of rows. Accounts writes the profile; each
app adds its part through ``hooks.PERSON_EXPORTED`` (its ``export.py``), so accounts imports none of
them. Times are ISO 8601 in UTC (``core.exports``); other people appear by display name only (their
email is theirs, not the reader's): the other side of a booking, a conversation, a payment or a
review, a client who booked a mentor; people who follow a mentor are counted, not named.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from accounts import hooks
from accounts.models import MentorProfile, User
from core.exports import utc

FORMAT_VERSION = 1


def _mentor_profile(profile: MentorProfile | None) -> dict | None:
    if profile is None:
        return None
    return {
        "public_address": profile.slug,
        "headline": profile.headline,
        "about": profile.bio,
        "topics": [topic.name for topic in profile.topics.all()],
        "years_experience": profile.years_experience,
        "price": str(profile.price),
        "currency": settings.BOOKING_CURRENCY,
        "sessions_are_free": profile.is_free,
        "session_minutes": profile.session_minutes,
        "languages": profile.language_list,
        "meeting_url": profile.meeting_url,
        "created_at": utc(profile.created_at),
        "updated_at": utc(profile.updated_at),
    }


def _profile(user: User, profile: MentorProfile | None, addresses: list[EmailAddress]) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary} for address in addresses
        ],
        "time_zone": user.timezone,
        "language": user.language,
        "role": "mentor" if user.is_mentor else "mentee",
        "photo": f"{settings.SITE_URL}{user.photo.url}" if user.photo else None,
        "joined_at": utc(user.date_joined),
        "mentor_profile": _mentor_profile(profile),
    }


def user_data_export(user: User, *, now: dt.datetime | None = None) -> dict:
    """
    The person's data, ready for ``json.dumps``: the profile here (the mentor profile with its topics,
    the email addresses), then each app's part (``hooks.PERSON_EXPORTED``: bookings and weekly hours,
    notification choices, messages, payments and packages, reviews, support requests, articles,
    mailings). Twenty-five queries at most, however many bookings, messages or articles.
    """
    now = now or timezone.now()
    # A former mentor's profile is still theirs: it is exported whatever the role.
    profile = MentorProfile.objects.filter(user=user).prefetch_related("topics").first()
    addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    return {
        "format": FORMAT_VERSION,
        "exported_at": utc(now),
        "profile": _profile(user, profile, addresses),
        **hooks.collect(hooks.PERSON_EXPORTED, user=user),
    }
