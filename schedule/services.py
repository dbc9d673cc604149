"""
State changes for slots and bookings.

Booking is the scarce-capacity operation: inside one transaction the slot is claimed with a
conditional UPDATE (``available`` -> ``booked``; zero rows means someone else won), then the booking
row is inserted. A partial unique index (one confirmed booking per slot) is the backstop. Emails are
written to the outbox in the same transaction, so a rolled-back booking never sends mail and a mail
failure never loses a booking.
"""

import dataclasses
import datetime as dt
import secrets
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import directory
from accounts.models import User
from core.dates import duration
from schedule import emails
from schedule.meetings import new_meeting_url
from schedule.models import Booking, CalendarFeed, Reminder, Slot

MIN_SLOT_MINUTES = 15
MAX_SLOT_MINUTES = 8 * 60
MAX_BULK_WEEKS = 12
MAX_BULK_SLOTS = 500  # one request may not publish more (a mistaken form must not make thousands)


class BookingError(Exception):
    """A refused schedule operation; ``message`` is translated and shown to the user."""

    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class SlotTakenError(BookingError):
    def __init__(self):
        super().__init__(_("Sorry, this slot was just booked by someone else."), code="taken")


@dataclasses.dataclass(frozen=True)
class BulkResult:
    created: int
    skipped_past: int
    skipped_overlap: int
    skipped_horizon: int = 0

    @property
    def skipped(self) -> int:
        return self.skipped_past + self.skipped_overlap + self.skipped_horizon

    def summary(self) -> str:
        """What happened, for the person who asked: "12 slots created; 2 skipped (in the past)."."""
        created = ngettext("%(n)d slot created.", "%(n)d slots created.", self.created) % {"n": self.created}
        parts = [created]
        if self.skipped_past:
            parts.append(
                ngettext(
                    "%(n)d skipped because it is in the past.",
                    "%(n)d skipped because they are in the past.",
                    self.skipped_past,
                )
                % {"n": self.skipped_past}
            )
        if self.skipped_overlap:
            parts.append(
                ngettext(
                    "%(n)d skipped because it overlaps an existing slot.",
                    "%(n)d skipped because they overlap existing slots.",
                    self.skipped_overlap,
                )
                % {"n": self.skipped_overlap}
            )
        if self.skipped_horizon:
            parts.append(
                ngettext(
                    "%(n)d skipped because it is more than %(days)d days ahead.",
                    "%(n)d skipped because they are more than %(days)d days ahead.",
                    self.skipped_horizon,
                )
                % {"n": self.skipped_horizon, "days": settings.BOOKING_HORIZON_DAYS}
            )
        return " ".join(parts)


def _require_mentor(user: User) -> None:
    if not user.is_mentor:
        raise BookingError(_("Only mentors can publish availability."), code="not_mentor")


def _overlaps_existing(*, mentor: User, start: dt.datetime, end: dt.datetime) -> bool:
    return Slot.objects.filter(mentor=mentor, start__lt=end, end__gt=start).exists()


def horizon_end(now: dt.datetime) -> dt.datetime:
    """The latest start a slot may have: mentees book at most BOOKING_HORIZON_DAYS ahead."""
    return now + dt.timedelta(days=settings.BOOKING_HORIZON_DAYS)


def check_slot_window(*, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> None:
    """The rules every slot's time obeys, whether it is created alone, in bulk or moved."""
    if end <= start:
        raise BookingError(_("A slot must end after it starts."), code="end_before_start")
    if not MIN_SLOT_MINUTES <= (end - start).total_seconds() / 60 <= MAX_SLOT_MINUTES:
        raise BookingError(
            _("A slot must last between %(min)d minutes and %(max)d hours.")
            % {"min": MIN_SLOT_MINUTES, "max": MAX_SLOT_MINUTES // 60},
            code="bad_length",
        )
    if start <= now:
        raise BookingError(_("A slot cannot start in the past."), code="past")
    if start > horizon_end(now):
        raise BookingError(
            _("Slots can be published at most %(days)d days ahead.") % {"days": settings.BOOKING_HORIZON_DAYS},
            code="horizon",
        )


@transaction.atomic
def slot_create(*, mentor: User, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> Slot:
    """Publish one slot. Refuses past or far-off times, odd lengths and overlaps with the mentor's other slots."""
    now = now or timezone.now()
    _require_mentor(mentor)
    check_slot_window(start=start, end=end, now=now)
    if _overlaps_existing(mentor=mentor, start=start, end=end):
        raise BookingError(_("This time overlaps one of your existing slots."), code="overlap")
    slot = Slot(mentor=mentor, start=start, end=end)
    slot.full_clean()
    try:
        with transaction.atomic():
            slot.save()
    except IntegrityError:  # the PostgreSQL exclusion constraint caught a concurrent overlap
        raise BookingError(_("This time overlaps one of your existing slots."), code="overlap") from None
    directory.changed()
    return slot


def wall_clock_starts(
    *,
    tz: zoneinfo.ZoneInfo,
    first_day: dt.date,
    weeks: int,
    weekdays: Iterable[int],
    day_start: dt.time,
    day_end: dt.time,
    session_minutes: int,
    buffer_minutes: int = 0,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """
    The (start, end) pairs, in UTC, of a recurring pattern expressed in wall-clock time of ``tz``.

    Each day is laid out in local time, so a 10:00 Kyiv slot stays at 10:00 Kyiv across a
    daylight-saving change. Local times that do not exist (the hour skipped in spring) are left out.
    """
    weekdays = set(weekdays)
    session = dt.timedelta(minutes=session_minutes)
    step = dt.timedelta(minutes=session_minutes + buffer_minutes)
    pairs = []
    for offset in range(weeks * 7):
        day = first_day + dt.timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        local = dt.datetime.combine(day, day_start)
        limit = dt.datetime.combine(day, day_end)
        while local + session <= limit:
            aware = local.replace(tzinfo=tz)
            start_utc = aware.astimezone(dt.UTC)
            if start_utc.astimezone(tz).replace(tzinfo=None) == local:  # skip non-existent local times
                # The length is exact in real time: a 60-minute session starting in the repeated
                # autumn hour ends 60 minutes later, not at the next 'local + 60 minutes'.
                pairs.append((start_utc, start_utc + session))
            local += step
    return pairs


@transaction.atomic
def slot_bulk_create(
    *,
    mentor: User,
    first_day: dt.date,
    weeks: int,
    weekdays: Iterable[int],
    day_start: dt.time,
    day_end: dt.time,
    session_minutes: int,
    buffer_minutes: int = 0,
    now: dt.datetime | None = None,
) -> BulkResult:
    """Publish a recurring block of slots in the mentor's time zone, skipping past times and overlaps."""
    now = now or timezone.now()
    _require_mentor(mentor)
    if not 1 <= weeks <= MAX_BULK_WEEKS:
        raise BookingError(
            ngettext("Choose between 1 and %(max)d week.", "Choose between 1 and %(max)d weeks.", MAX_BULK_WEEKS)
            % {"max": MAX_BULK_WEEKS},
            code="weeks",
        )
    if not MIN_SLOT_MINUTES <= session_minutes <= MAX_SLOT_MINUTES:
        raise BookingError(_("Choose a session length between 15 minutes and 8 hours."), code="bad_length")
    if day_end <= day_start:
        raise BookingError(_("The end of the day must be after its start."), code="end_before_start")
    tz = zoneinfo.ZoneInfo(mentor.timezone)
    if not (now - dt.timedelta(days=1)).date() <= first_day <= horizon_end(now).astimezone(tz).date():
        raise BookingError(
            _("Slots can be published at most %(days)d days ahead.") % {"days": settings.BOOKING_HORIZON_DAYS},
            code="horizon",
        )
    pairs = wall_clock_starts(
        tz=tz,
        first_day=first_day,
        weeks=weeks,
        weekdays=weekdays,
        day_start=day_start,
        day_end=day_end,
        session_minutes=session_minutes,
        buffer_minutes=buffer_minutes,
    )
    future = [(s, e) for s, e in pairs if s > now]
    skipped_past = len(pairs) - len(future)
    last_start = horizon_end(now)
    within = [(s, e) for s, e in future if s <= last_start]
    skipped_horizon = len(future) - len(within)
    future = within
    if len(future) > MAX_BULK_SLOTS:
        raise BookingError(
            _(
                "This would publish %(count)d slots; one request can publish at most %(max)d. "
                "Choose fewer days or weeks."
            )
            % {"count": len(future), "max": MAX_BULK_SLOTS},
            code="too_many",
        )
    if not future:
        return BulkResult(created=0, skipped_past=skipped_past, skipped_overlap=0, skipped_horizon=skipped_horizon)
    existing = list(
        Slot.objects.filter(mentor=mentor, start__lt=future[-1][1], end__gt=future[0][0]).values_list("start", "end")
    )
    new_slots = []
    for start, end in future:
        if any(s < end and e > start for s, e in existing):
            continue
        new_slots.append(Slot(mentor=mentor, start=start, end=end))
        existing.append((start, end))
    try:
        with transaction.atomic():
            Slot.objects.bulk_create(new_slots)
    except IntegrityError:
        raise BookingError(_("Your schedule changed while saving. Please try again."), code="overlap") from None
    directory.changed()
    return BulkResult(
        created=len(new_slots),
        skipped_past=skipped_past,
        skipped_overlap=len(future) - len(new_slots),
        skipped_horizon=skipped_horizon,
    )


def slot_set_hidden(*, slot: Slot, hidden: bool) -> Slot:
    """Hide a free slot from mentees, or show a hidden one again. Booked slots are left alone."""
    source, target = (
        (Slot.Status.AVAILABLE, Slot.Status.HIDDEN) if hidden else (Slot.Status.HIDDEN, Slot.Status.AVAILABLE)
    )
    changed = Slot.objects.filter(pk=slot.pk, status=source).update(status=target, updated_at=timezone.now())
    if not changed:
        if Slot.objects.filter(pk=slot.pk, status=Slot.Status.BOOKED).exists():
            raise BookingError(_("This slot is booked. Cancel the booking first."), code="booked")
        raise BookingError(_("This slot has already changed. Please reload the page."), code="stale")
    slot.status = target
    directory.changed()
    return slot


@transaction.atomic
def slot_delete(*, slot: Slot) -> None:
    """Delete a free or hidden slot that has never been booked (history is kept, so hide those)."""
    if slot.bookings.exists():
        if slot.bookings.filter(status=Booking.Status.CONFIRMED).exists():
            raise BookingError(_("This slot is booked. Cancel the booking first."), code="booked")
        raise BookingError(_("This slot has booking history and cannot be deleted; hide it instead."), code="history")
    deleted, _unused = Slot.objects.filter(pk=slot.pk, status__in=[Slot.Status.AVAILABLE, Slot.Status.HIDDEN]).delete()
    if not deleted:
        raise BookingError(_("This slot is booked. Cancel the booking first."), code="booked")
    directory.changed()


def _bookings_changed(booking: Booking) -> None:
    """The directory (free slots) and both participants' booking lists show this booking."""
    directory.changed()
    directory.changed(directory.user_namespace(booking.mentee_id))
    directory.changed(directory.user_namespace(booking.mentor_id))


def booking_create(
    *,
    slot_id: int,
    mentee: User,
    note: str = "",
    expected_start: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """
    Book a slot for a mentee, or raise BookingError with the reason it cannot be booked.
    ``expected_start`` is the start the mentee was shown: a slot moved since then is refused.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            booking = _claim_and_book(slot_id=slot_id, mentee=mentee, note=note, expected_start=expected_start, now=now)
    except IntegrityError:  # the partial unique index saw a confirmed booking: the whole attempt rolled back
        raise SlotTakenError() from None
    return booking


def _claim_and_book(
    *, slot_id: int, mentee: User, note: str, expected_start: dt.datetime | None, now: dt.datetime
) -> Booking:
    # One mentee's bookings take turns (a row lock until commit), or two at once could both pass the
    # overlap check, neither seeing the other's uncommitted booking. SQLite's IMMEDIATE transactions
    # already take turns.
    list(User.objects.select_for_update().filter(pk=mentee.pk).values_list("pk", flat=True))
    mentee_clash = Booking.objects.filter(
        mentee=mentee,
        status=Booking.Status.CONFIRMED,
        slot__start__lt=OuterRef("end"),
        slot__end__gt=OuterRef("start"),
    ).exclude(slot=OuterRef("pk"))
    slot = (
        Slot.objects.select_related("mentor", "mentor__mentor_profile")
        .annotate(mentee_clash=Exists(mentee_clash))
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise BookingError(_("This slot no longer exists."), code="missing")
    if expected_start is not None and slot.start != expected_start:
        raise BookingError(
            _("The mentor has moved this session to another time. Please check the new time and confirm again."),
            code="moved",
        )
    if slot.mentor_id == mentee.pk:
        raise BookingError(_("You cannot book your own slot."), code="own_slot")
    if slot.start <= now:
        raise BookingError(_("This slot is in the past."), code="past")
    notice = dt.timedelta(minutes=settings.BOOKING_MIN_NOTICE_MINUTES)
    if slot.start < now + notice:
        raise BookingError(
            _("Sessions must be booked at least %(notice)s in advance.")
            % {"notice": duration(settings.BOOKING_MIN_NOTICE_MINUTES)},
            code="notice",
        )
    if slot.status == Slot.Status.HIDDEN or not (slot.mentor.is_active and slot.mentor.is_mentor):
        raise BookingError(_("This slot is no longer available."), code="unavailable")
    if slot.mentee_clash:
        raise BookingError(_("You already have a session booked at this time."), code="mentee_overlap")
    # Only the slot as checked above: still free, and not moved meanwhile by its mentor.
    claimed = Slot.objects.filter(pk=slot.pk, status=Slot.Status.AVAILABLE, start=slot.start, end=slot.end).update(
        status=Slot.Status.BOOKED, updated_at=now
    )
    if not claimed:
        raise SlotTakenError()
    booking = Booking(
        slot=slot,
        mentor=slot.mentor,
        mentee=mentee,
        note=note.strip(),
        created_at=now,
        meeting_url=new_meeting_url(slot.mentor),
    )
    # slot, mentor and mentee were just loaded: skip re-querying them; the DB constraints still apply
    booking.full_clean(exclude=["slot", "mentor", "mentee"], validate_constraints=False)
    booking.save()
    slot.status = Slot.Status.BOOKED
    emails.enqueue_booking_confirmed(booking)
    _bookings_changed(booking)
    return booking


def booking_cancel(
    *,
    booking: Booking,
    by: User,
    reason: str = "",
    hide_slot: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Cancel a confirmed booking before it starts; the slot is freed (or hidden, if its mentor asks)."""
    now = now or timezone.now()
    slot = booking.slot
    if not (by.pk in (booking.mentee_id, slot.mentor_id) or by.is_staff):
        raise BookingError(_("You cannot cancel this booking."), code="forbidden")
    if slot.start <= now:
        raise BookingError(_("This session has already started and can no longer be cancelled."), code="started")
    with transaction.atomic():
        changed = Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).update(
            status=Booking.Status.CANCELLED,
            cancelled_at=now,
            cancelled_by=by,
            cancel_reason=reason.strip(),
            sequence=F("sequence") + 1,
        )
        if not changed:
            raise BookingError(_("This booking is already cancelled."), code="already_cancelled")
        new_status = Slot.Status.HIDDEN if hide_slot else Slot.Status.AVAILABLE
        Slot.objects.filter(pk=slot.pk, status=Slot.Status.BOOKED).update(status=new_status, updated_at=now)
        booking.refresh_from_db()
        slot.status = new_status
        emails.enqueue_booking_cancelled(booking)
        _bookings_changed(booking)
    return booking


@dataclasses.dataclass(frozen=True)
class SweepResult:
    queued: int
    skipped: int


REMINDER_CHUNK = 500


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
        window = dt.timedelta(minutes=offset)
        due = (
            Booking.objects.filter(status=Booking.Status.CONFIRMED, slot__start__gt=now, slot__start__lte=now + window)
            .exclude(reminders__offset_minutes=offset)
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
        late = moment < booking.created_at or now - moment > grace
        status = Reminder.Status.SKIPPED if late else Reminder.Status.SENT
        for recipient in (booking.mentee, booking.slot.mentor):
            reminder = Reminder(
                booking=booking, recipient=recipient, offset_minutes=offset, status=status, created_at=now
            )
            rows.append(reminder)
            if not late:
                to_send.append(reminder)
    return rows, to_send


@transaction.atomic
def slot_update(*, slot: Slot, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> Slot:
    """Move a free (or hidden) slot to a new time, under the same rules as creating one."""
    now = now or timezone.now()
    locked = Slot.objects.select_for_update().filter(pk=slot.pk).first()
    if locked is None:
        raise BookingError(_("This slot no longer exists."), code="missing")
    if locked.status == Slot.Status.BOOKED:
        raise BookingError(_("This slot is booked. Cancel the booking first."), code="booked")
    check_slot_window(start=start, end=end, now=now)
    if Slot.objects.filter(mentor_id=locked.mentor_id, start__lt=end, end__gt=start).exclude(pk=slot.pk).exists():
        raise BookingError(_("This time overlaps one of the mentor's other slots."), code="overlap")
    changed = Slot.objects.filter(pk=slot.pk, status__in=[Slot.Status.AVAILABLE, Slot.Status.HIDDEN]).update(
        start=start, end=end, updated_at=now
    )
    if not changed:
        raise BookingError(_("This slot is booked. Cancel the booking first."), code="booked")
    slot.start, slot.end = start, end
    directory.changed()
    return slot


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the user a calendar subscription link, or a new one: the old link stops working at once."""
    token = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": token, "created_at": timezone.now()}
    )
    return feed
