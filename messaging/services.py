"""
State changes of conversations. Every refusal is a MessagingError with a translated message, raised
before anything is stored. Sending writes the message and its notification in one transaction; the
push to open pages (through the channel layer) and the forgetting of cached unread counts wait for
the commit, and a channel layer that is down never fails the send.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.selectors import has_verified_email
from core import ratelimit, realtime
from messaging import MESSAGE_KIND, REPORT_HANDLED_KIND, emails, selectors
from messaging.models import Conversation, Message, Report

logger = logging.getLogger(__name__)

CREATED_EVENT = "message.created"
REPORT_REASON_MAX_LENGTH = 300
REPORT_OUTCOME_MAX_LENGTH = 500


class MessagingError(Exception):
    """A refused messaging operation; ``message`` is translated and shown to the user."""

    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def group_name(conversation_id: int) -> str:
    """The channel-layer group of one conversation's open pages (joined only by checked participants)."""
    return f"messaging.conversation.{conversation_id}"


def _require_verified(user: User) -> None:
    if not has_verified_email(user):
        raise MessagingError(
            _("Please confirm your email address first: follow the link we emailed you."), code="unverified"
        )


# --- Opening ---


def conversation_open(*, mentor: User, mentee: User, now: dt.datetime | None = None) -> Conversation:
    """
    "Ask a question" on a mentor's page: the mentee's conversation with the mentor, made on first use.
    A new one counts towards NEW_CONVERSATIONS_PER_DAY, so a person cannot write to every mentor at once.
    """
    now = now or timezone.now()
    _check_pair(mentor=mentor, mentee=mentee)
    existing = Conversation.objects.filter(mentor=mentor, mentee=mentee).first()
    if existing is not None:
        return existing
    started = Conversation.objects.filter(mentee=mentee, created_at__gt=now - dt.timedelta(days=1)).count()
    limit = settings.NEW_CONVERSATIONS_PER_DAY
    if started >= limit:
        raise MessagingError(
            ngettext(
                "You can start %(count)d new conversation a day. Please try again tomorrow.",
                "You can start %(count)d new conversations a day. Please try again tomorrow.",
                limit,
            )
            % {"count": limit},
            code="daily_limit",
        )
    return _get_or_create(mentor=mentor, mentee=mentee, now=now)


def conversation_for_booking(*, booking, user: User, now: dt.datetime | None = None) -> Conversation:
    """ "Message <name>" on a booking: the booking decides who is the mentor and who the mentee."""
    if user.pk not in (booking.mentor_id, booking.mentee_id):
        raise MessagingError(_("You do not take part in this session."), code="not_participant")
    mentor, mentee = booking.mentor, booking.mentee
    _check_pair(mentor=mentor, mentee=mentee)
    existing = Conversation.objects.filter(mentor=mentor, mentee=mentee).first()
    return existing or _get_or_create(mentor=mentor, mentee=mentee, now=now or timezone.now())


def _check_pair(*, mentor: User, mentee: User) -> None:
    if mentor.pk == mentee.pk:
        raise MessagingError(_("You cannot send messages to yourself."), code="self")
    if not (mentor.is_mentor and mentor.is_active and mentee.is_active):
        raise MessagingError(_("This person cannot receive messages."), code="unavailable")
    _require_verified(mentee)
    _require_verified(mentor)


def _get_or_create(*, mentor: User, mentee: User, now: dt.datetime) -> Conversation:
    conversation = Conversation(mentor=mentor, mentee=mentee, created_at=now)
    conversation.full_clean()
    try:
        with transaction.atomic():
            conversation.save()
    except IntegrityError:  # the same pair opened it a moment ago (a double click): that one it is
        return Conversation.objects.get(mentor=mentor, mentee=mentee)
    return conversation


# --- Sending ---


def _take_rate_token(user: User, now: dt.datetime) -> bool:
    """One more message this minute for ``user``, if the limit allows (a fixed one-minute window)."""
    return ratelimit.take(f"messaging:{user.pk}", limit=settings.MESSAGE_RATE_PER_MINUTE, window_seconds=60, now=now)


def check_body(body: str) -> str:
    """The message as it is stored (trimmed), or MessagingError for an empty or too long one."""
    body = (body or "").strip()
    if not body:
        raise MessagingError(_("Please write a message."), code="empty")
    limit = settings.MESSAGE_MAX_LENGTH
    if len(body) > limit:
        raise MessagingError(
            ngettext(
                "A message can be at most %(limit)d character long (this one has %(length)d).",
                "A message can be at most %(limit)d characters long (this one has %(length)d).",
                limit,
            )
            % {"limit": limit, "length": len(body)},
            code="too_long",
        )
    return body


def message_send(*, conversation: Conversation, sender: User, body: str, now: dt.datetime | None = None) -> Message:
    """Send a message to the other side; refused while either side blocks, or past the per-minute limit."""
    now = now or timezone.now()
    side = conversation.side(sender)  # the caller looked the conversation up for a participant
    _require_verified(sender)
    body = check_body(body)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().select_related("mentor", "mentee").get(pk=conversation.pk)
        if locked.is_blocked:
            raise MessagingError(_("Messages in this conversation are blocked."), code="blocked")
        if not _take_rate_token(sender, now):
            raise MessagingError(
                ngettext(
                    "You can send at most %(count)d message a minute. Please wait a moment.",
                    "You can send at most %(count)d messages a minute. Please wait a moment.",
                    settings.MESSAGE_RATE_PER_MINUTE,
                )
                % {"count": settings.MESSAGE_RATE_PER_MINUTE},
                code="rate",
            )
        recipient = locked.other(sender)
        other_side = "mentee" if side == "mentor" else "mentor"
        # One notification per burst: only when the recipient has read everything this sender wrote.
        quiet = not locked.messages.filter(sender=sender, pk__gt=getattr(locked, f"{other_side}_read_id")).exists()
        message = Message(conversation=locked, sender=sender, body=body, created_at=now)
        message.full_clean()
        message.save()
        # Writing in a conversation means having read it.
        Conversation.objects.filter(pk=locked.pk).update(last_message_at=now, **{f"{side}_read_id": message.pk})
        if quiet:
            from notifications.services import notify  # a lower app; imported here to keep module loading light

            notify(
                recipient=recipient,
                kind=MESSAGE_KIND,
                params={"name": sender.display_name},
                person=sender,
                link=locked.get_absolute_url(),
            )
        transaction.on_commit(lambda: _announce(message, recipient=recipient))
    return message


def _announce(message: Message, *, recipient: User) -> None:
    selectors.unread_count_changed(recipient)  # the header's count, on every page they have open
    selectors.forget_unread_count(message.sender_id)
    realtime.push(group_name(message.conversation_id), {"type": CREATED_EVENT, "id": message.pk})


def conversation_mark_read(*, conversation: Conversation, user: User) -> bool:
    """Everything in the conversation is read by ``user`` now. Returns whether anything changed."""
    side = conversation.side(user)
    latest = conversation.messages.aggregate(latest=Max("pk"))["latest"] or 0
    changed = Conversation.objects.filter(pk=conversation.pk, **{f"{side}_read_id__lt": latest}).update(
        **{f"{side}_read_id": latest}
    )
    if changed:
        from notifications.services import notifications_mark_read  # a lower app, imported here as for notify

        setattr(conversation, f"{side}_read_id", latest)
        # The bell's "X sent you a message" is read too: the person has just read the messages themselves.
        notifications_mark_read(user=user, kind=MESSAGE_KIND, link=conversation.get_absolute_url())
        selectors.unread_count_changed(user)  # their other open pages too
    return bool(changed)


# --- Blocking and reporting ---


def conversation_block(*, conversation: Conversation, user: User, blocked: bool = True) -> Conversation:
    """
    ``user`` blocks (or unblocks) the other side: while either side blocks, nobody writes and the
    mentee cannot book the mentor. Each side's block is its own, so one side cannot lift the other's.
    """
    field = f"{conversation.side(user)}_blocks"
    Conversation.objects.filter(pk=conversation.pk).update(**{field: blocked})
    setattr(conversation, field, blocked)
    return conversation


def conversation_report(
    *, conversation: Conversation, reporter: User, reason: str, now: dt.datetime | None = None
) -> Report:
    """Ask staff to look at the conversation (which opens it to them); one report per person."""
    conversation.side(reporter)
    reason = (reason or "").strip()
    if not reason:
        raise MessagingError(_("Please say briefly what is wrong."), code="empty")
    if len(reason) > REPORT_REASON_MAX_LENGTH:
        raise MessagingError(
            _("Please keep the reason under %(limit)d characters.") % {"limit": REPORT_REASON_MAX_LENGTH},
            code="too_long",
        )
    if Report.objects.filter(conversation=conversation, reporter=reporter, handled_at__isnull=True).exists():
        raise MessagingError(_("You have already reported this conversation."), code="already")
    report = Report(conversation=conversation, reporter=reporter, reason=reason, created_at=now or timezone.now())
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise MessagingError(_("You have already reported this conversation."), code="already") from None
    return report


def conversation_reports_handle(
    *, conversation: Conversation, by: User, outcome: str, up_to: int | None = None, now: dt.datetime | None = None
) -> int:
    """
    Staff mark the conversation's waiting reports handled, saying what they did (kept for staff and in
    the audit log). Each reporter is told in-app that their report was looked into, without the staff
    note, which may concern the other side. ``up_to``: the newest report the staff member was shown; one
    that came in after it stays waiting, unread. Returns how many reports were handled.
    """
    from audit.models import Event  # a lower app; imported here as for notify
    from audit.services import event_record
    from notifications.services import notify

    if not by.has_staff_perm("moderate_content"):
        raise MessagingError(_("Only staff who moderate can handle reports."), code="forbidden")
    outcome = (outcome or "").strip()
    if not outcome:
        raise MessagingError(_("Please say what you did about the reports."), code="empty")
    if len(outcome) > REPORT_OUTCOME_MAX_LENGTH:
        raise MessagingError(
            _("Please keep the note under %(limit)d characters.") % {"limit": REPORT_OUTCOME_MAX_LENGTH},
            code="too_long",
        )
    now = now or timezone.now()
    waiting = Report.objects.filter(conversation=conversation, handled_at__isnull=True)
    if up_to is not None:
        waiting = waiting.filter(pk__lte=up_to)
    with transaction.atomic():
        # Two staff pressing at once: the first handles the reports, the second finds none waiting.
        # Only the reports' rows are locked, not their reporters'.
        reports = list(waiting.select_for_update(of=("self",)).select_related("reporter").order_by("pk"))
        if not reports:
            raise MessagingError(_("These reports are already handled."), code="handled")
        Report.objects.filter(pk__in=[r.pk for r in reports]).update(handled_at=now, handled_by=by, outcome=outcome)
        event_record(
            action=Event.Action.REPORTS_HANDLE,
            actor=by,
            target=conversation,
            changes={"outcome": outcome, "reports": len(reports)},
            now=now,
        )
        for report in reports:
            if report.reporter.is_active:
                other = conversation.mentee if report.reporter_id == conversation.mentor_id else conversation.mentor
                notify(
                    recipient=report.reporter,
                    kind=REPORT_HANDLED_KIND,
                    params={"name": other.display_name},
                    person=other,
                    link=conversation.get_absolute_url(),
                )
    return len(reports)


def user_reports_erase(*, user: User) -> None:
    """
    ``accounts.hooks.PERSON_ERASED``: the person's words in their reports go, and so do staff's notes on
    the reports about conversations they were in (in the audit log too), which usually name them. That
    a report was made and handled, and when, stays.
    """
    from audit.models import Event

    Report.objects.filter(reporter=user).exclude(reason="").update(reason="")
    theirs = Conversation.objects.filter(Q(mentor=user) | Q(mentee=user)).values_list("pk", flat=True)
    Report.objects.filter(conversation__in=theirs).exclude(outcome="").update(outcome="")
    events = Event.objects.filter(
        action=Event.Action.REPORTS_HANDLE,
        target_type__app_label="messaging",
        target_type__model="conversation",
        target_id__in=[str(pk) for pk in theirs],
    )
    for event in events:
        event.changes["outcome"] = ""
        event.save(update_fields=["changes"])


def on_person_erased(*, user: User, **_facts) -> None:
    """``accounts.hooks.PERSON_ERASED``."""
    user_reports_erase(user=user)


# --- The mail digest ---


def _pending(conversation: Conversation, side: str):
    """The other side's messages that ``side`` has neither read nor been told about, oldest first."""
    seen = max(getattr(conversation, f"{side}_read_id"), getattr(conversation, f"{side}_announced_id"))
    reader_id = getattr(conversation, f"{side}_id")
    return conversation.messages.filter(pk__gt=seen).exclude(sender_id=reader_id).order_by("pk")


def message_digest_sweep(*, now: dt.datetime | None = None) -> int:
    """
    Email each person about messages they have left unread for MESSAGE_DIGEST_MINUTES: one email per
    conversation covering everything unread so far, never again for the same messages (the side's
    ``announced_id`` moves past them in the same transaction as the outbox row). Each conversation
    side is claimed with SKIP LOCKED on PostgreSQL and re-checked under the lock, so two schedulers
    running at once send one email. Returns how many emails were queued.

    Someone who turned the email of new messages off (``notifications.selectors``) gets none, but
    their messages still count as announced: turning it on again does not mail them the backlog.
    """
    from notifications.selectors import emails_wanted  # a lower app; imported here as for notify

    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.MESSAGE_DIGEST_MINUTES)
    queued = 0
    for side in ("mentor", "mentee"):
        other = "mentee" if side == "mentor" else "mentor"
        due = list(
            # One filter() call: every condition is about the same message.
            Conversation.objects.filter(
                Q(messages__pk__gt=F(f"{side}_read_id")) & Q(messages__pk__gt=F(f"{side}_announced_id")),
                messages__created_at__lte=cutoff,
                messages__sender=F(other),
            )
            .values_list("pk", f"{side}_id")
            .distinct()
        )
        wanted = emails_wanted({reader_id for _pk, reader_id in due}, MESSAGE_KIND)
        for pk, reader_id in due:
            try:
                queued += _announce_by_mail(pk, side=side, cutoff=cutoff, email=reader_id in wanted)
            except Exception:  # one conversation's failure must not stop the others
                logger.exception("Message digest failed for conversation %s; tried again next run", pk)
    return queued


def _announce_by_mail(pk: int, *, side: str, cutoff: dt.datetime, email: bool = True) -> int:
    with transaction.atomic():
        locking = Conversation.objects.select_related("mentor", "mentee")
        if connection.features.has_select_for_update_skip_locked:
            locking = locking.select_for_update(skip_locked=True, of=("self",))
        conversation = locking.filter(pk=pk).first()
        if conversation is None:  # another scheduler holds it right now: it sends the email
            return 0
        pending = list(_pending(conversation, side).select_related("sender"))
        if not pending or pending[0].created_at > cutoff:  # read or announced meanwhile, or not yet due
            return 0
        recipient = getattr(conversation, side)
        if not recipient.is_active or not has_verified_email(recipient):
            return 0
        field = f"{side}_announced_id"
        claimed = Conversation.objects.filter(pk=pk, **{field: getattr(conversation, field)}).update(
            **{field: pending[-1].pk}
        )
        if not claimed or not email:  # email off: announced all the same, so nothing piles up
            return 0
        emails.enqueue_digest(conversation=conversation, recipient=recipient, messages=pending)
    return 1
