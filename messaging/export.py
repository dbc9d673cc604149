"""The messages' part of "Download my data" (``accounts.hooks.PERSON_EXPORTED``), in three queries."""

from django.db.models import Q

from accounts.models import User
from core.exports import utc
from messaging.models import Conversation, Message, Report


def person_sections(*, user: User, **_facts) -> dict:
    """
    Each conversation from the reader's side, with every message in it (the reader's and the other
    person's, whom they were written to), in order; grouped in Python.
    """
    conversations = (
        Conversation.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("mentor", "mentee")
        .order_by("created_at", "pk")
    )
    by_conversation: dict[int, list] = {}
    for message in Message.objects.filter(Q(conversation__mentor=user) | Q(conversation__mentee=user)).order_by("pk"):
        by_conversation.setdefault(message.conversation_id, []).append(message)
    result = []
    for conversation in conversations:
        other = conversation.other(user)
        result.append(
            {
                "with": other.display_name,
                "your_role": conversation.side(user),
                "started_at": utc(conversation.created_at),
                "you_block": conversation.blocks(user),
                "messages": [
                    {
                        "from": "you" if m.sender_id == user.pk else other.display_name,
                        "sent_at": utc(m.created_at),
                        "text": m.body,
                    }
                    for m in by_conversation.get(conversation.pk, [])
                ],
            }
        )
    # The person's own reports: their words and whether staff handled it; staff's note is not theirs.
    reports = [
        {
            "conversation_with": report.conversation.other(user).display_name,
            "reason": report.reason,
            "reported_at": utc(report.created_at),
            "handled_at": utc(report.handled_at),
        }
        for report in Report.objects.filter(reporter=user)
        .select_related("conversation__mentor", "conversation__mentee")
        .order_by("pk")
    ]
    return {"messages": result, "message_reports": reports}
