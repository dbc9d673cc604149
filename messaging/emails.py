"""
The "unread messages" email. Rendered when it is queued, in the recipient's language and time zone
(``schedule.emails.render``): it is about messages that exist now, so there is nothing to re-read at
delivery, and it goes through the same outbox as every other email.
"""

from django.conf import settings
from post_office.models import PRIORITY, STATUS, Email

from core.mail import KIND_HEADER, MESSAGES
from schedule.emails import new_message_id, render

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
    subject, text, html = render(template="message_digest", recipient=recipient, context=context)
    return Email.objects.create(
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        message_id=new_message_id(),
        subject=subject,
        message=text,
        html_message=html,
        headers={KIND_HEADER: MESSAGES},
        status=STATUS.queued,
        priority=PRIORITY.medium,
    )
