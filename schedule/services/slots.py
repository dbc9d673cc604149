"""Publishing, moving, hiding and deleting a mentor's slots, all under one window rule."""

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from accounts import directory
from accounts.models import User
from core.dates import duration
from schedule.models import Booking, Slot
from schedule.services.errors import BookingError

MIN_SLOT_MINUTES = 15
MAX_SLOT_MINUTES = 8 * 60
MAX_BULK_WEEKS = 12
MAX_BULK_SLOTS = 500  # one request may not publish more (a mistaken form must not make thousands)


@dataclasses.dataclass(frozen=True)
class BulkResult:
    created: int
    skipped_past: int
    skipped_overlap: int
    skipped_horizon: int = 0
    skipped_soon: int = 0  # within the platform's minimum notice: never bookable
    dates: frozenset = frozenset()  # the days (in the mentor's zone) that got new slots

    @property
    def skipped(self) -> int:
        return self.skipped_past + self.skipped_soon + self.skipped_overlap + self.skipped_horizon

    def summary(self) -> str:
        """What happened, for the person who asked: "12 slots created. 2 skipped because they are in the past."."""
        reasons = [  # (count, one, many); msgids spelled out so makemessages finds them
            (self.created, ngettext_lazy("%(n)d slot created.", "%(n)d slots created.", "n")),
            (
                self.skipped_past,
                ngettext_lazy(
                    "%(n)d skipped because it is in the past.", "%(n)d skipped because they are in the past.", "n"
                ),
            ),
            (
                self.skipped_soon,
                ngettext_lazy(
                    "%(n)d skipped because it starts too soon to be booked.",
                    "%(n)d skipped because they start too soon to be booked.",
                    "n",
                ),
            ),
            (
                self.skipped_overlap,
                ngettext_lazy(
                    "%(n)d skipped because it overlaps an existing slot.",
                    "%(n)d skipped because they overlap existing slots.",
                    "n",
                ),
            ),
            (
                self.skipped_horizon,
                ngettext_lazy(
                    "%(n)d skipped because it is more than %(days)d days ahead.",
                    "%(n)d skipped because they are more than %(days)d days ahead.",
                    "n",
                ),
            ),
        ]
        parts = [
            text % {"n": count, "days": settings.BOOKING_HORIZON_DAYS}
            for index, (count, text) in enumerate(reasons)
            if count or index == 0  # the number created is always said, skips only when there are some
        ]
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
    """The rules every slot's time obeys, whether it is created alone or moved (bulk: ``slot_bulk_create``)."""
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
    if start < now + dt.timedelta(minutes=settings.BOOKING_MIN_NOTICE_MINUTES):  # published, but never bookable
        raise BookingError(
            _("Mentees book at least %(notice)s ahead, so a slot must start later than that.")
            % {"notice": duration(settings.BOOKING_MIN_NOTICE_MINUTES)},
            code="too_soon",
        )
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
    pairs = []
    for offset in range(weeks * 7):
        day = first_day + dt.timedelta(days=offset)
        if day.weekday() in weekdays:
            pairs += day_pairs(
                tz=tz,
                day=day,
                start=day_start,
                end=day_end,
                session_minutes=session_minutes,
                buffer_minutes=buffer_minutes,
            )
    return pairs


MIDNIGHT = dt.time(0)


def to_the_minute(time: dt.time | None) -> dt.time | None:
    """Hours of availability are whole minutes: seconds typed into a form (09:00:30) are dropped."""
    return time.replace(second=0, microsecond=0) if time is not None else None


def range_minutes(start: dt.time, end: dt.time) -> tuple[int, int]:
    """
    A range of wall-clock hours as minutes from the start of the day. An end at 00:00 is the midnight
    that ends the day (22:00–00:00 is two hours; 00:00–00:00 the whole day), as people write it.
    """
    return start.hour * 60 + start.minute, (end.hour * 60 + end.minute) or 24 * 60


def ends_after_start(start: dt.time, end: dt.time) -> bool:
    first, last = range_minutes(start, end)
    return last > first


def _minutes_between(start: dt.time, end: dt.time) -> int:
    first, last = range_minutes(start, end)
    return last - first


def check_fits_a_session(start: dt.time, end: dt.time, session_minutes: int, weekday: int | None = None) -> None:
    """
    A range shorter than one session would publish nothing: said, rather than saved to no effect;
    for weekly hours, on which day ("Monday, 18:00–18:30 is shorter ...").
    """
    if _minutes_between(start, end) < session_minutes:
        values = {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "length": duration(session_minutes)}
        if weekday is None:
            text = _("%(start)s–%(end)s is shorter than one session (%(length)s): no time would be offered.")
        else:
            values["day"] = capfirst(WEEKDAYS[weekday])  # Django's Ukrainian names are lower case
            text = _("%(day)s, %(start)s–%(end)s is shorter than one session (%(length)s): no time would be offered.")
        raise BookingError(text % values, code="too_short")


def day_pairs(
    *, tz: zoneinfo.ZoneInfo, day: dt.date, start: dt.time, end: dt.time, session_minutes: int, buffer_minutes: int = 0
) -> list[tuple[dt.datetime, dt.datetime]]:
    """
    Sessions laid out in one range of wall-clock time on one day, as (start, end) in UTC. A local time
    that does not exist (the hour skipped in spring) is left out; a session starting in the repeated
    autumn hour takes the first of the two and lasts exactly its length in real time.
    """
    session = dt.timedelta(minutes=session_minutes)
    step = dt.timedelta(minutes=session_minutes + buffer_minutes)
    local = dt.datetime.combine(day, start)
    limit = dt.datetime.combine(day, MIDNIGHT) + dt.timedelta(minutes=range_minutes(start, end)[1])
    pairs = []
    while local + session <= limit:
        start_utc = local.replace(tzinfo=tz).astimezone(dt.UTC)
        if start_utc.astimezone(tz).replace(tzinfo=None) == local:
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
    day_start, day_end = to_the_minute(day_start), to_the_minute(day_end)
    if not 1 <= weeks <= MAX_BULK_WEEKS:
        raise BookingError(
            ngettext("Choose between 1 and %(max)d week.", "Choose between 1 and %(max)d weeks.", MAX_BULK_WEEKS)
            % {"max": MAX_BULK_WEEKS},
            code="weeks",
        )
    if not MIN_SLOT_MINUTES <= session_minutes <= MAX_SLOT_MINUTES:
        raise BookingError(_("Choose a session length between 15 minutes and 8 hours."), code="bad_length")
    if not ends_after_start(day_start, day_end):
        raise BookingError(_("The end of the day must be after its start."), code="end_before_start")
    check_fits_a_session(day_start, day_end, session_minutes)
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
    earliest = now + dt.timedelta(minutes=settings.BOOKING_MIN_NOTICE_MINUTES)
    bookable = [(s, e) for s, e in future if s >= earliest]
    skipped_soon = len(future) - len(bookable)
    future = bookable
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
    skipped = {"skipped_past": skipped_past, "skipped_soon": skipped_soon, "skipped_horizon": skipped_horizon}
    if not future:
        return BulkResult(created=0, skipped_overlap=0, **skipped)
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
        skipped_overlap=len(future) - len(new_slots),
        **skipped,
        dates=frozenset(slot.start.astimezone(tz).date() for slot in new_slots),
    )


def slot_set_hidden(*, slot: Slot, hidden: bool) -> Slot:
    """Hide a free slot from mentees, or show a hidden one again. Booked slots are left alone."""
    source, target = (
        (Slot.Status.AVAILABLE, Slot.Status.HIDDEN) if hidden else (Slot.Status.HIDDEN, Slot.Status.AVAILABLE)
    )
    # The mentor's own choice: the weekly-hours publisher leaves it alone from now on.
    changed = Slot.objects.filter(pk=slot.pk, status=source).update(
        status=target, hidden_by_publisher=False, updated_at=timezone.now()
    )
    if not changed:
        if Slot.objects.filter(pk=slot.pk, status=Slot.Status.BOOKED).exists():
            raise BookingError(_("This slot is booked. Cancel the booking first."), code="booked")
        raise BookingError(_("This slot has already changed. Please reload the page."), code="stale")
    slot.status = target
    directory.changed()
    return slot


@transaction.atomic
def slot_delete(*, slot: Slot) -> bool:
    """
    Delete a free or hidden slot that has never been booked (history is kept, so hide those). A time
    published from weekly hours would come back with the next publish: it is hidden instead (False).
    """
    if slot.from_weekly_hours:
        slot_set_hidden(slot=slot, hidden=True)
        return False
    if slot.bookings.exists():
        if slot.bookings.filter(status=Booking.Status.CONFIRMED).exists():
            raise BookingError(_("This slot is booked. Cancel the booking first."), code="booked")
        raise BookingError(_("This slot has booking history and cannot be deleted; hide it instead."), code="history")
    deleted, _unused = Slot.objects.filter(pk=slot.pk, status__in=[Slot.Status.AVAILABLE, Slot.Status.HIDDEN]).delete()
    if not deleted:
        raise BookingError(_("This slot is booked. Cancel the booking first."), code="booked")
    directory.changed()
    return True


@transaction.atomic
def slot_withdraw_future(*, mentor: User, now: dt.datetime | None = None) -> int:
    """
    Take every future free slot of a mentor off the market at once (the mentor is leaving), by the rule
    of ``slot_delete``: slots never booked are deleted, those with booking history are hidden and kept
    for it. Booked slots are left to their bookings. Returns how many slots were withdrawn.
    """
    now = now or timezone.now()
    free = Slot.objects.filter(mentor=mentor, status=Slot.Status.AVAILABLE, start__gt=now)
    # Hidden by the platform, not by the mentor: times from weekly hours come back if they keep the account.
    hidden = free.filter(~Q(bookings=None)).update(
        status=Slot.Status.HIDDEN, hidden_by_publisher=F("from_weekly_hours"), updated_at=now
    )
    deleted, _by_model = free.filter(bookings=None).delete()
    if hidden or deleted:
        directory.changed()
    return hidden + deleted


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
