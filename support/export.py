"""The support desk's part of "Download my data" (``accounts.hooks.PERSON_EXPORTED``), in two queries."""

from accounts.models import User
from core.exports import utc
from support.models import SupportRequest


def person_sections(*, user: User, **_facts) -> dict:
    """The person's support requests, with staff's answers."""
    requests = SupportRequest.objects.filter(user=user).prefetch_related("replies").order_by("created_at", "pk")
    return {
        "support_requests": [
            {
                "reference": request.reference,
                "subject": request.subject,
                "message": request.message,
                "status": request.status,
                "received_at": utc(request.created_at),
                "answers": [{"text": reply.body, "sent_at": utc(reply.created_at)} for reply in request.replies.all()],
            }
            for request in requests
        ]
    }
