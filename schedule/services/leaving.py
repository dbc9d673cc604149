"""
What leaving the platform does to someone's schedule. ``accounts.services.deletion`` calls these two
steps: ``user_schedule_close`` when the person asks to leave (everyone else stops counting on them at
once), ``user_schedule_erase`` when the account is anonymised at the end of the grace period. The
sessions themselves stay, so the other side's history still reads ("Deleted user").
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import directory
from accounts.models import User
from schedule.delivery import outbox_forget
from schedule.models import ACCOUNT_BLOCKED, ACCOUNT_CLOSED, Booking, CalendarFeed, WeeklySchedule
from schedule.services.bookings import booking_cancel, holds_release
from schedule.services.errors import BookingError
from schedule.services.slots import slot_withdraw_future
from schedule.services.waitlist import waitlist_remove_user


def user_schedule_close(*, user: User, now: dt.datetime | None = None) -> int:
    """
    Someone leaves: each of their sessions that has not started, on either side, is cancelled through
    ``booking_cancel`` (the usual emails to both sides, with the platform's reason, which each reader
    reads in their own language; a leaving mentor's slot is hidden, not freed), a mentor's future free
    slots are withdrawn, and every waitlist of or with them goes. Returns the number of sessions cancelled.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cancelled = _sessions_to_come_end(user=user, by=user, reason=ACCOUNT_CLOSED, hide_own_slots=True, now=now)
        # After the cancellations: cancelling republishes the mentor's weekly hours.
        slot_withdraw_future(mentor=user, now=now)
        waitlist_remove_user(user=user)
    return cancelled


def on_person_blocked(*, user: User, by: User, now: dt.datetime) -> int:
    """
    ``accounts.hooks.PERSON_BLOCKED``: each session of theirs that has not started, on either side, is
    cancelled by the staff member (both sides emailed, the client refunded in full), and times held for
    payment end. Their free slots stay, for the day they are unblocked; nobody can book a blocked mentor.
    Returns the number of sessions cancelled.
    """
    return _sessions_to_come_end(user=user, by=by, reason=ACCOUNT_BLOCKED, hide_own_slots=False, now=now)


def _sessions_to_come_end(*, user: User, by: User, reason: str, hide_own_slots: bool, now: dt.datetime) -> int:
    """
    Times held for payment by ``user``, or on their slots, end unpaid; each of their sessions that has not
    started, on either side, is cancelled by ``by`` with the platform's ``reason`` (``hide_own_slots``: the
    slots of their own sessions as a mentor are hidden, not freed). Returns how many were cancelled.
    """
    theirs = Q(mentee=user) | Q(mentor=user)
    holds_release(Booking.objects.filter(theirs, status=Booking.Status.PENDING), now=now)
    upcoming = (
        Booking.objects.filter(theirs, status=Booking.Status.CONFIRMED, slot__start__gt=now)
        .select_related("mentee", "mentor")
        .order_by("pk")
    )
    cancelled = 0
    for booking in upcoming:
        hide_slot = hide_own_slots and booking.mentor_id == user.pk
        try:
            booking_cancel(booking=booking, by=by, reason=reason, hide_slot=hide_slot, now=now)
        except BookingError:  # cancelled by the other side, or started, a moment ago
            continue
        cancelled += 1
    return cancelled


def user_schedule_erase(*, user: User, closed_at: dt.datetime, now: dt.datetime | None = None) -> None:
    """
    The personal part of someone's schedule, at the end of the grace period: what they wrote on
    bookings (notes as a mentee, their reasons for cancelling before ``closed_at``; the platform's own
    "The account was closed." stays), a mentor's meeting links, their calendar feed and their weekly
    hours. Whatever was booked meanwhile (by staff) is cancelled first, as on leaving. Both sides'
    booking lists are shown afresh, with "Deleted user".
    """
    now = now or timezone.now()
    with transaction.atomic():
        user_schedule_close(user=user, now=now)
        Booking.objects.filter(mentee=user).exclude(note="").update(note="")
        Booking.objects.filter(cancelled_by=user, cancelled_at__lt=closed_at).exclude(cancel_reason="").update(
            cancel_reason=""
        )
        Booking.objects.filter(mentor=user).exclude(meeting_url="").update(meeting_url="")
        CalendarFeed.objects.filter(user=user).delete()
        WeeklySchedule.objects.filter(mentor=user).delete()
        people = Booking.objects.filter(Q(mentee=user) | Q(mentor=user)).values_list("mentee_id", "mentor_id")
        for person in {user.pk, *(pk for pair in people for pk in pair)}:
            directory.changed(directory.user_namespace(person))


def on_person_erased(*, user: User, addresses: list[str], requested_at: dt.datetime, now: dt.datetime) -> None:
    """``accounts.hooks.PERSON_ERASED``: the schedule's part, and no mail still queued to the person goes out."""
    user_schedule_erase(user=user, closed_at=requested_at, now=now)
    outbox_forget(addresses=addresses, now=now)
