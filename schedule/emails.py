"""
Booking emails through the django-post-office outbox.

Enqueueing happens inside the caller's transaction and is cheap: one outbox row per recipient that
names what to send (kind, booking, recipient, reminder offset) in its headers. The message itself is
rendered at delivery time (``prepare``), in the recipient's language and time zone, from the
template triple ``templates/emails/<name>.subject.txt|.txt|.html``, with its ``.ics`` invite. So a
booking request or a reminder sweep never pays for rendering, and a reminder whose booking was
cancelled in the meantime is dropped instead of sent.

A booking email is also an email of a notification kind (``GOVERNED_BY``), and goes only to those who
keep that kind's email on (``notifications.selectors``). The mentee's confirmation of a booking they
made always goes: it is their receipt and carries the calendar invite. Reminders have no notification
kind and always go.
"""

import datetime as dt
import zoneinfo
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from post_office.models import PRIORITY, STATUS, Email

from accounts.models import User
from core.mail import ACCOUNT, KIND_HEADER, MAILING, MESSAGES, RECEIPT, REFUND, REVIEWS, SUPPORT
from notifications import kinds as notification_kinds
from notifications.selectors import emails_wanted
from schedule import calendar
from schedule.models import Booking, Reminder

BOOKING_HEADER = "X-Mentorship-Booking"
RECIPIENT_HEADER = "X-Mentorship-Recipient"
OFFSET_HEADER = "X-Mentorship-Offset"
PREVIOUS_START_HEADER = "X-Mentorship-Previous-Start"

CONFIRMATION, CANCELLATION, REMINDER, RESCHEDULE = "confirmation", "cancellation", "reminder", "rescheduled"
WAITLIST = "waitlist"
WAITLIST_TIMES_SHOWN = 5
TEMPLATES = {
    CONFIRMATION: "booking_confirmed",
    CANCELLATION: "booking_cancelled",
    REMINDER: "booking_reminder",
    RESCHEDULE: "booking_rescheduled",
}
# The notification kind whose email preference decides whether a booking email goes out.
GOVERNED_BY = {
    CONFIRMATION: notification_kinds.BOOKING_CREATED,
    CANCELLATION: notification_kinds.BOOKING_CANCELLED,
    RESCHEDULE: notification_kinds.BOOKING_MOVED,
}
# A moved session is a REQUEST with the same UID and a higher SEQUENCE: calendars move the event.
INVITE_METHODS = {
    CONFIRMATION: calendar.METHOD_REQUEST,
    CANCELLATION: calendar.METHOD_CANCEL,
    RESCHEDULE: calendar.METHOD_REQUEST,
}


def new_message_id() -> str:
    return make_msgid(domain=settings.POST_OFFICE["MESSAGE_ID_FQDN"])


def kind_label(kind: str) -> str:
    return {
        CONFIRMATION: gettext("Booking confirmation"),
        CANCELLATION: gettext("Cancellation"),
        REMINDER: gettext("Reminder"),
        RESCHEDULE: gettext("New time"),
        WAITLIST: gettext("Waitlist"),
        ACCOUNT: gettext("Account"),
        MESSAGES: gettext("Unread messages"),
        REVIEWS: gettext("Review invitation"),
        RECEIPT: gettext("Receipt"),
        REFUND: gettext("Refund"),
        SUPPORT: gettext("Support"),
        MAILING: gettext("Mentor mailing"),
    }.get(kind, "")


def describe(email: Email) -> tuple[str, str]:
    """(kind, subject) of an outbox row for the delivery log; the subject is empty until it is rendered."""
    headers = email.headers or {}
    kind = headers.get(KIND_HEADER, "")
    subject = "" if email.subject == _placeholder_subject(kind, headers.get(BOOKING_HEADER)) else email.subject
    return kind_label(kind), subject


def _placeholder_subject(kind: str, booking_id) -> str:
    return f"[{kind}] booking #{booking_id}"


def _outbox_row(
    *, kind: str, booking: Booking, recipient: User, offset: int | None = None, extra: dict | None = None
) -> Email:
    headers = {KIND_HEADER: kind, BOOKING_HEADER: str(booking.pk), RECIPIENT_HEADER: str(recipient.pk)}
    if offset is not None:
        headers[OFFSET_HEADER] = str(offset)
    headers.update(extra or {})
    return Email(
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        message_id=new_message_id(),  # the same on every attempt: a retry is the same message
        subject=_placeholder_subject(kind, booking.pk),  # replaced by the rendered subject on delivery
        headers=headers,
        status=STATUS.queued,
        priority=PRIORITY.medium,
    )


def _both_sides(booking: Booking) -> tuple[User, User]:
    return booking.mentee, booking.slot.mentor


def _recipients(kind: str, booking: Booking, *, always: User | None = None) -> list[User]:
    """Both sides, less those who turned this kind's email off (one query); ``always`` is never left out."""
    people = _both_sides(booking)
    wanted = emails_wanted(people, GOVERNED_BY[kind])
    return [person for person in people if person.pk in wanted or person == always]


def enqueue_booking_confirmed(booking: Booking) -> list[Email]:
    """The mentee's confirmation always goes (their receipt); the mentor's follows "New bookings"."""
    recipients = _recipients(CONFIRMATION, booking, always=booking.mentee)
    return Email.objects.bulk_create(_outbox_row(kind=CONFIRMATION, booking=booking, recipient=r) for r in recipients)


def enqueue_booking_cancelled(booking: Booking) -> list[Email]:
    recipients = _recipients(CANCELLATION, booking)
    return Email.objects.bulk_create(_outbox_row(kind=CANCELLATION, booking=booking, recipient=r) for r in recipients)


def enqueue_booking_rescheduled(booking: Booking, *, previous_start: dt.datetime) -> list[Email]:
    """The new time, to each side that keeps "moved" emails; the old one travels with the row (rendered on delivery)."""
    extra = {PREVIOUS_START_HEADER: previous_start.isoformat()}
    return Email.objects.bulk_create(
        _outbox_row(kind=RESCHEDULE, booking=booking, recipient=r, extra=extra)
        for r in _recipients(RESCHEDULE, booking)
    )


def drop_queued_reminders(booking: Booking, *, now) -> int:
    """
    Reminders queued for a booking's old time are not sent (the sweep queues new ones). They expire
    rather than vanish: a drain may hold one at this moment, and it drops it itself at delivery
    (``prepare`` sees it was written before the move).
    """
    return Email.objects.filter(
        **{f"headers__{KIND_HEADER}": REMINDER, f"headers__{BOOKING_HEADER}": str(booking.pk)},
        status__in=[STATUS.queued, STATUS.requeued],
    ).update(expires_at=now)


def enqueue_waitlist_opening(*, entry, slots) -> Email:
    """
    "New times with <mentor>": rendered now, in the mentee's language and zone (it is not tied to a
    booking, so there is nothing to re-read at delivery).
    """
    mentee, mentor = entry.mentee, entry.mentor
    context = {
        "mentor": mentor,
        "slots": slots[:WAITLIST_TIMES_SHOWN],
        "more": max(0, len(slots) - WAITLIST_TIMES_SHOWN),
        "mentor_url": f"{settings.SITE_URL}{mentor.mentor_profile.get_absolute_url()}",
    }
    return enqueue_rendered(kind=WAITLIST, template="waitlist_opening", recipient=mentee, context=context)


def enqueue_rendered(*, kind: str, template: str, recipient: User, context: dict) -> Email:
    """An email rendered now, in the recipient's language and zone, queued as it is (nothing to re-read later)."""
    subject, text, html = render(template=template, recipient=recipient, context=context)
    return Email.objects.create(
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        message_id=new_message_id(),
        subject=subject,
        message=text,
        html_message=html,
        headers={KIND_HEADER: kind},
        status=STATUS.queued,
        priority=PRIORITY.medium,
    )


def enqueue_reminders(reminders: list[Reminder]) -> list[Email]:
    return Email.objects.bulk_create(
        (
            _outbox_row(kind=REMINDER, booking=r.booking, recipient=r.recipient, offset=r.offset_minutes)
            for r in reminders
        ),
        batch_size=1000,
    )


def render(*, template: str, recipient: User, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of ``template`` in the recipient's language and time zone."""
    context = {**context, "recipient": recipient, "site_url": settings.SITE_URL}
    with translation.override(recipient.language), timezone.override(zoneinfo.ZoneInfo(recipient.timezone)):
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


def _outdated(kind: str, email: Email, booking: Booking) -> bool:
    """
    A message that must not go out any more: anything but the cancellation of a cancelled booking (a
    late "booked" after the "cancelled" would put the event back in calendars), and a reminder
    written before the session moved.
    """
    if booking.status != Booking.Status.CONFIRMED:
        return kind != CANCELLATION
    return kind == REMINDER and booking.rescheduled_at is not None and email.created < booking.rescheduled_at


def _without_internal_headers(email: Email) -> EmailMultiAlternatives:
    """The message as stored, minus the X-Mentorship-* headers that are for our own log only."""
    headers = email.headers or {}
    email.headers = {k: v for k, v in headers.items() if not k.startswith("X-Mentorship-")}
    try:
        return email.email_message()
    finally:
        email.headers = headers


def prepare(emails: list[Email]) -> dict[int, EmailMultiAlternatives | None]:
    """
    The messages to send for a batch of outbox rows, rendered now (two queries for the whole batch).
    Rows written by this module get their subject and bodies filled in; other rows are sent as
    stored. ``None`` means "do not send": a reminder whose booking has been cancelled.
    """
    ours = {e.pk: int(e.headers[BOOKING_HEADER]) for e in emails if (e.headers or {}).get(BOOKING_HEADER)}
    bookings = Booking.objects.select_related("slot", "slot__mentor", "slot__mentor__mentor_profile", "mentee").in_bulk(
        set(ours.values())
    )
    messages = {}
    for email in emails:
        headers = email.headers or {}
        if not email.message_id:  # rows queued before Message-IDs were fixed at queueing time
            email.message_id = new_message_id()
        if email.pk not in ours:
            messages[email.pk] = _without_internal_headers(email)
            continue
        booking = bookings.get(ours[email.pk])
        if booking is None:
            messages[email.pk] = None  # the booking is gone
            continue
        kind = headers[KIND_HEADER]
        if _outdated(kind, email, booking):
            messages[email.pk] = None
            continue
        mentee, mentor = _both_sides(booking)
        recipient, other = (mentee, mentor) if int(headers[RECIPIENT_HEADER]) == mentee.pk else (mentor, mentee)
        context = {
            "booking": booking,
            "slot": booking.slot,
            "other": other,
            "role": "mentee" if recipient == mentee else "mentor",
            "now": timezone.now(),
        }
        if headers.get(PREVIOUS_START_HEADER):
            context["previous_start"] = dt.datetime.fromisoformat(headers[PREVIOUS_START_HEADER])
        email.subject, email.message, email.html_message = render(
            template=TEMPLATES[kind], recipient=recipient, context=context
        )
        email.headers = {k: v for k, v in headers.items() if not k.startswith("X-Mentorship-")} | {KIND_HEADER: kind}
        message = email.email_message()
        email.headers = headers  # keep what the row says for the delivery log
        if kind in INVITE_METHODS:
            method = INVITE_METHODS[kind]
            with translation.override(recipient.language):
                invite = calendar.booking_invite(booking, method=method)
            message.attach("invite.ics", invite, f"text/calendar; charset=utf-8; method={method}")
        messages[email.pk] = message
    return messages
