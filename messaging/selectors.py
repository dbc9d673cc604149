"""
Reading conversations. The header's unread count is cached per person (like the notification bell),
so most pages ask nothing; the services forget it when a message is sent or read.
"""

import datetime as dt

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from core import header
from messaging.models import Conversation, Message, Report

HEADER_COUNT = "messages"
PAGE_SIZE = 30
CATCH_UP_LIMIT = 100


def _unread_for(user) -> Q:
    """Messages of the other side that ``user`` has not read, as a filter on Message."""
    return (
        Q(conversation__mentor=user, pk__gt=F("conversation__mentor_read_id"))
        | Q(conversation__mentee=user, pk__gt=F("conversation__mentee_read_id"))
    ) & ~Q(sender=user)


def unread(user):
    """What the header's Messages link counts (``core.header``)."""
    return Message.objects.filter(_unread_for(user))


def unread_count(user) -> int:
    return header.count(user, HEADER_COUNT)


def forget_unread_count(user_id: int) -> None:
    header.forget(HEADER_COUNT, user_id)


def unread_count_changed(user) -> None:
    """Forget the person's count and, after the commit, show the new one in the header of their open pages."""
    header.changed(HEADER_COUNT, user)


def conversations_for(user) -> QuerySet[Conversation]:
    """
    The person's conversations, latest message first, each with ``unread`` (the other side's unread).
    One opened with no message written yet ("Message <name>" and then nothing) is not listed, on either
    side: the other person would see a conversation with nothing in it. Unless the reader blocked it:
    the list is where they unblock.
    """
    unread = Count(
        "messages",
        filter=~Q(messages__sender=user)
        & (Q(mentor=user, messages__pk__gt=F("mentor_read_id")) | Q(mentee=user, messages__pk__gt=F("mentee_read_id"))),
    )
    return (
        Conversation.objects.filter(Q(mentor=user) | Q(mentee=user))
        .filter(
            Q(last_message_at__isnull=False) | Q(mentor=user, mentor_blocks=True) | Q(mentee=user, mentee_blocks=True)
        )
        .select_related("mentor", "mentee")
        .annotate(unread=unread)
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )


def conversation_of(user, pk: int) -> Conversation | None:
    """The conversation if ``user`` takes part in it; for anyone else there is none."""
    return (
        Conversation.objects.filter(Q(mentor=user) | Q(mentee=user), pk=pk).select_related("mentor", "mentee").first()
    )


def history(conversation: Conversation) -> QuerySet[Message]:
    """Newest first, for paging back in time; a page is shown reversed (newest at the bottom)."""
    return conversation.messages.select_related("sender").order_by("-pk")


def messages_after(conversation: Conversation, after_id: int, limit: int = CATCH_UP_LIMIT) -> list[Message]:
    """What a page that was offline missed: the messages after the last one it shows, oldest first."""
    return list(conversation.messages.select_related("sender").filter(pk__gt=after_id).order_by("pk")[:limit])


def is_blocked(mentor, mentee) -> bool:
    """Whether either side of the pair blocks the other (booking refuses it too)."""
    return (
        Conversation.objects.filter(mentor=mentor, mentee=mentee)
        .filter(Q(mentor_blocks=True) | Q(mentee_blocks=True))
        .exists()
    )


def blocked_with(mentor) -> QuerySet:
    """The ids of the people who block ``mentor``, or whom ``mentor`` blocks, in messages (a subquery)."""
    return (
        Conversation.objects.filter(mentor=mentor)
        .filter(Q(mentor_blocks=True) | Q(mentee_blocks=True))
        .values("mentee_id")
    )


def next_session(conversation: Conversation, *, now: dt.datetime | None = None):
    """The pair's next confirmed session, or None."""
    from schedule.models import Booking  # messaging sits above schedule; the import is local to keep apps loading

    return (
        Booking.objects.filter(
            mentor_id=conversation.mentor_id,
            mentee_id=conversation.mentee_id,
            status=Booking.Status.CONFIRMED,
            slot__start__gt=now or timezone.now(),
        )
        .select_related("slot")
        .order_by("slot__start")
        .first()
    )


def reported_conversations(*, status: str = "waiting") -> QuerySet[Conversation]:
    """
    Conversations with at least one report (what staff may read), most recently reported first:
    ``status`` "waiting" (a report not handled yet), "handled" (every report handled) or "any".
    """
    open_reports = Count("reports", filter=Q(reports__handled_at__isnull=True), distinct=True)
    conversations = (
        Conversation.objects.filter(reports__isnull=False)
        .select_related("mentor", "mentee")
        .annotate(
            report_count=Count("reports", distinct=True),
            waiting_count=open_reports,
            last_report_at=Max("reports__created_at"),
            handled_at=Max("reports__handled_at"),
        )
        .order_by("-last_report_at", "-pk")
    )
    if status == "waiting":
        return conversations.filter(waiting_count__gt=0)
    if status == "handled":
        return conversations.filter(waiting_count=0)
    return conversations


def reported_conversation(pk: int) -> Conversation | None:
    """A conversation staff may open: only one that a participant reported."""
    return (
        Conversation.objects.filter(pk=pk, reports__isnull=False)
        .select_related("mentor", "mentee")
        .prefetch_related(Prefetch("reports", queryset=Report.objects.select_related("reporter", "handled_by")))
        .distinct()
        .first()
    )
