"""The reviews' part of "Download my data" (``accounts.hooks.PERSON_EXPORTED``), in one query."""

from django.db.models import Q

from accounts.models import User
from core.exports import utc
from reviews.models import Review


def person_sections(*, user: User, **_facts) -> dict:
    """Reviews written as a client and received as a mentor, with the replies."""
    reviews = Review.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related("mentee", "mentor").order_by("pk")
    return {
        "reviews": [
            {
                "direction": "written" if r.mentee_id == user.pk else "received",
                "other_person": (r.mentor if r.mentee_id == user.pk else r.mentee).display_name,
                "rating": r.rating,
                "text": r.text,
                "reply": r.reply,
                "hidden": r.is_hidden,
                "created_at": utc(r.created_at),
            }
            for r in reviews
        ]
    }
