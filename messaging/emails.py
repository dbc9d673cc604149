"""
The "unread messages" email. Rendered when it is queued, in the recipient's language and time zone
(``schedule.emails.enqueue_rendered``): it is about messages that exist now, so there is nothing to re-read at
delivery, and it goes through the same outbox as every other email.
"""

from django.conf import settings
from post_office.models import Email

from core.mail import MESSAGES
from schedule.emails import enqueue_rendered

SHOWN = 5
EXCERPT = 300


def enqueue_digest(*, conversation, recipient, messages) -> Email:
    sender = conversation.other(recipient)
    context = {
        "sender": sender,
        "messages": messages[-SHOWN:],
        "count": len(messages),
        "more": max(0, len(messages) - SHOWN),
        "excerpt": EXCERPT,
        "conversation_url": f"{settings.SITE_URL}{conversation.get_absolute_url()}",
    }
    return enqueue_rendered(kind=MESSAGES, template="message_digest", recipient=recipient, context=context)
