"""
"How was your session with <mentor>?": rendered when it is queued, in the client's language and time zone
(``schedule.emails.enqueue_rendered``), through the same outbox as every other email.
"""

from django.conf import settings
from django.urls import reverse
from post_office.models import Email

from core.mail import REVIEWS
from reviews.selectors import review_deadline
from schedule.emails import enqueue_rendered


def enqueue_invitation(*, booking) -> Email:
    context = {
        "mentor": booking.mentor,
        "slot": booking.slot,
        "deadline": review_deadline(booking),
        "review_url": f"{settings.SITE_URL}{reverse('reviews:create', args=[booking.pk])}",
    }
    return enqueue_rendered(kind=REVIEWS, template="review_invitation", recipient=booking.mentee, context=context)
