"""Reminders: queued exactly once per booking, offset and recipient, even with two sweeps at once."""

import dataclasses
import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from schedule import emails
from schedule.models import Booking, Reminder


@dataclasses.dataclass(frozen=True)
class SweepResult:
    queued: int
    skipped: int


REMINDER_CHUNK = 500


def due_bookings(*, offset: int, now: dt.datetime):
    """Confirmed bookings starting within ``offset`` minutes with no reminder at that offset yet: what a sweep takes."""
    return Booking.objects.filter(
        status=Booking.Status.CONFIRMED, slot__start__gt=now, slot__start__lte=now + dt.timedelta(minutes=offset)
    ).exclude(reminders__offset_minutes=offset)


def reminder_sweep(*, now: dt.datetime | None = None, chunk_size: int = REMINDER_CHUNK) -> SweepResult:
    """
    Queue the reminders that are due: for every offset in ``REMINDER_OFFSETS``, each confirmed booking
    starting within that many minutes gets one reminder per side, in the recipient's zone and language.

    Safe with several sweeps at once: bookings are taken in chunks with ``SELECT ... FOR UPDATE SKIP
    LOCKED`` (PostgreSQL; SQLite's IMMEDIATE transactions serialise instead), each chunk's reminder rows
    and outbox emails are written in one transaction, and the unique constraint on reminders is the
    backstop. A reminder more than ``REMINDER_GRACE_MINUTES`` late, or due before the booking was made,
    is recorded as skipped and never sent.
    """
    now = now or timezone.now()
    grace = dt.timedelta(minutes=settings.REMINDER_GRACE_MINUTES)
    queued = skipped = 0
    for offset in sorted(set(settings.REMINDER_OFFSETS), reverse=True):
        due = (
            due_bookings(offset=offset, now=now)
            .select_related("slot", "slot__mentor", "slot__mentor__mentor_profile", "mentee")
            .order_by("slot__start", "pk")
        )
        for _attempt in range(10_000):  # bounded: every pass either finishes chunks or ends the loop
            try:
                with transaction.atomic():
                    chunk = list(due.select_for_update(skip_locked=True, of=("self",))[:chunk_size])
                    if not chunk:
                        break
                    # Re-check under the lock: another sweep may have committed these a moment ago.
                    done = set(
                        Reminder.objects.filter(booking__in=chunk, offset_minutes=offset).values_list(
                            "booking_id", flat=True
                        )
                    )
                    chunk = [b for b in chunk if b.pk not in done]
                    rows, to_send = _reminders_for(chunk, offset=offset, now=now, grace=grace)
                    Reminder.objects.bulk_create(rows)
                    emails.enqueue_reminders(to_send)
            except IntegrityError:  # lost a race with another sweep: its reminders stand, look again
                continue
            queued += len(to_send)
            skipped += len(rows) - len(to_send)
    return SweepResult(queued=queued, skipped=skipped)


def _reminders_for(bookings, *, offset: int, now: dt.datetime, grace: dt.timedelta):
    """The reminder rows for ``bookings`` at ``offset`` minutes, and the subset to send."""
    window = dt.timedelta(minutes=offset)
    rows, to_send = [], []
    for booking in bookings:
        moment = booking.slot.start - window
        late = moment < booking.agreed_at or now - moment > grace
        status = Reminder.Status.SKIPPED if late else Reminder.Status.SENT
        for recipient in (booking.mentee, booking.slot.mentor):
            reminder = Reminder(
                booking=booking, recipient=recipient, offset_minutes=offset, status=status, created_at=now
            )
            rows.append(reminder)
            if not late:
                to_send.append(reminder)
    return rows, to_send
