"""
Standing weekly hours: a mentor describes availability once (weekly hours in their own zone, date
overrides, session length, buffer, notice, a daily cap and a horizon) and the publisher keeps the
bookable slots for the whole horizon, rolling forward every day.

The publisher only ever deletes *free* slots it published itself and that the rules no longer give;
booked slots, hidden slots and slots added by hand are never touched. Each mentor's publishing takes
a row lock on their schedule (SQLite's IMMEDIATE transactions serialise instead), and the
one-slot-per-start unique constraint (plus PostgreSQL's exclusion constraint) is the backstop, so two
schedulers publishing at once create nothing twice.
"""

import dataclasses
import datetime as dt
import itertools
import zoneinfo
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import directory
from accounts.models import MentorProfile, User
from schedule.models import DateOverride, Slot, WeeklyHours, WeeklySchedule
from schedule.services.errors import BookingError
from schedule.services.slots import check_fits_a_session, day_pairs, ends_after_start, range_minutes, to_the_minute

MAX_RANGES = 42  # six ranges a day is plenty


@dataclasses.dataclass
class PublishResult:
    created: int = 0
    removed: int = 0

    def __add__(self, other):
        return PublishResult(self.created + other.created, self.removed + other.removed)


def weekly_pairs(
    *,
    tz: zoneinfo.ZoneInfo,
    hours: Iterable[tuple[int, dt.time, dt.time]],
    overrides: Iterable[tuple[dt.date, str, dt.time | None, dt.time | None]],
    first_day: dt.date,
    last_day: dt.date,
    session_minutes: int,
    buffer_minutes: int = 0,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The sessions the rules give from ``first_day`` to ``last_day`` (local dates), in UTC, without overlaps."""
    by_weekday: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, start, end in hours:
        by_weekday.setdefault(weekday, []).append((start, end))
    days_off = {day for day, kind, _s, _e in overrides if kind == DateOverride.Kind.DAY_OFF}
    extra: dict[dt.date, list[tuple[dt.time, dt.time]]] = {}
    for day, kind, start, end in overrides:
        if kind == DateOverride.Kind.EXTRA:
            extra.setdefault(day, []).append((start, end))
    pairs = []
    day = first_day
    while day <= last_day:
        ranges = ([] if day in days_off else by_weekday.get(day.weekday(), [])) + extra.get(day, [])
        for start, end in ranges:
            pairs += day_pairs(
                tz=tz, day=day, start=start, end=end, session_minutes=session_minutes, buffer_minutes=buffer_minutes
            )
        day += dt.timedelta(days=1)
    pairs.sort()
    chosen = []
    for start, end in pairs:  # overlapping ranges (weekly + extra) give each time once
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end))
    return chosen


def _profile_allows(session_minutes: int) -> bool:
    """Whether a profile may give this length (its field's validators; weekly hours allow longer ones)."""
    try:
        MentorProfile._meta.get_field("session_minutes").run_validators(session_minutes)
    except ValidationError:
        return False
    return True


def _check_ranges(hours: list[tuple[int, dt.time, dt.time]], *, session_minutes: int) -> None:
    if len(hours) > MAX_RANGES:
        raise BookingError(_("Up to %(max)d ranges of hours, please.") % {"max": MAX_RANGES}, code="too_many")
    for weekday, start, end in hours:
        if not 0 <= weekday <= 6:
            raise BookingError(_("Choose a day of the week."), code="weekday")
        if not ends_after_start(start, end):
            raise BookingError(_("Each range of hours must end after it starts."), code="end_before_start")
        check_fits_a_session(start, end, session_minutes, weekday)
    ordered = sorted((weekday, *range_minutes(start, end)) for weekday, start, end in hours)
    for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in itertools.pairwise(ordered):
        if day_a == day_b and start_b < end_a:
            raise BookingError(_("Two ranges of hours on the same day overlap."), code="overlap")


def weekly_schedule_save(
    *,
    mentor: User,
    hours: list[tuple[int, dt.time, dt.time]],
    session_minutes: int,
    buffer_minutes: int,
    min_notice_minutes: int,
    max_per_day: int | None,
    horizon_days: int,
    is_active: bool = True,
    now: dt.datetime | None = None,
) -> PublishResult:
    """
    Replace the mentor's weekly hours and settings, then publish: future free slots follow at once.
    Active weekly hours set the profile's session length too, which the mentor's page shows.
    """
    if not mentor.is_mentor:
        raise BookingError(_("Only mentors can publish availability."), code="not_mentor")
    hours = [(weekday, to_the_minute(start), to_the_minute(end)) for weekday, start, end in hours]
    _check_ranges(hours, session_minutes=session_minutes)
    if horizon_days > settings.BOOKING_HORIZON_DAYS:
        raise BookingError(
            _("Mentees can book at most %(days)d days ahead.") % {"days": settings.BOOKING_HORIZON_DAYS},
            code="horizon",
        )
    with transaction.atomic():
        schedule, _created = WeeklySchedule.objects.select_for_update().get_or_create(mentor=mentor)
        schedule.session_minutes = session_minutes
        schedule.buffer_minutes = buffer_minutes
        schedule.min_notice_minutes = min_notice_minutes
        schedule.max_per_day = max_per_day
        schedule.horizon_days = horizon_days
        schedule.is_active = is_active
        schedule.full_clean()
        schedule.save()
        schedule.hours.all().delete()
        WeeklyHours.objects.bulk_create(
            WeeklyHours(schedule=schedule, weekday=weekday, start=start, end=end) for weekday, start, end in hours
        )
        if is_active and _profile_allows(session_minutes):
            MentorProfile.objects.filter(user=mentor).exclude(session_minutes=session_minutes).update(
                session_minutes=session_minutes, updated_at=timezone.now()
            )
        return weekly_publish(mentor=mentor, now=now)


def date_override_add(
    *,
    mentor: User,
    date: dt.date,
    kind: str,
    start: dt.time | None = None,
    end: dt.time | None = None,
    now: dt.datetime | None = None,
) -> DateOverride:
    """A day off (free published slots that day go) or extra hours on a date (published at once)."""
    schedule = WeeklySchedule.objects.filter(mentor=mentor).first()
    if schedule is None:
        raise BookingError(_("Set your weekly hours first."), code="no_schedule")
    start, end = to_the_minute(start), to_the_minute(end)
    if kind == DateOverride.Kind.DAY_OFF:
        start = end = None
    elif not (start and end and ends_after_start(start, end)):
        raise BookingError(_("Extra hours need a start and an end after it."), code="end_before_start")
    else:
        check_fits_a_session(start, end, schedule.session_minutes)
    if DateOverride.objects.filter(schedule=schedule, date=date, kind=kind, start=start, end=end).exists():
        raise BookingError(_("You have already added this for that date."), code="duplicate")
    override = DateOverride(schedule=schedule, date=date, kind=kind, start=start, end=end)
    override.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            override.save()
            weekly_publish(mentor=mentor, now=now)
    except IntegrityError:  # the same day off sent twice at once: the other request saved it
        raise BookingError(_("You have already added this for that date."), code="duplicate") from None
    return override


def date_override_delete(*, override: DateOverride, now: dt.datetime | None = None) -> None:
    mentor = override.schedule.mentor
    with transaction.atomic():
        override.delete()
        weekly_publish(mentor=mentor, now=now)


def weekly_publish(*, mentor: User, now: dt.datetime | None = None) -> PublishResult:
    """
    Make the mentor's free published slots match the rules for the coming horizon: create the missing
    ones, remove the free ones the rules no longer give. Idempotent; booked slots are never touched.
    """
    now = now or timezone.now()
    with transaction.atomic():
        schedule = WeeklySchedule.objects.select_for_update().select_related("mentor").filter(mentor=mentor).first()
        existing = list(
            Slot.objects.filter(mentor=mentor, end__gt=now)
            .annotate(history=Count("bookings"))
            .values_list("pk", "start", "end", "status", "from_weekly_hours", "history", "hidden_by_publisher")
        )
        active = schedule is not None and schedule.is_active
        desired = set(_desired(schedule, now)) if active else set()
        # Free published times inside the notice window are left alone: they simply stop being bookable.
        notice = max(schedule.min_notice_minutes if schedule else 0, settings.BOOKING_MIN_NOTICE_MINUTES)
        earliest = now + dt.timedelta(minutes=notice)
        stale = [
            pk
            for pk, start, end, status, generated, _history, _by_us in existing
            if generated and status == Slot.Status.AVAILABLE and start >= earliest and (start, end) not in desired
        ]
        deleted = _remove(stale, existing)
        removed = len(stale)
        back = [
            pk
            for pk, start, end, status, _generated, _history, by_us in existing
            if by_us and status == Slot.Status.HIDDEN and (start, end) in desired and start >= earliest
        ]
        restored = Slot.objects.filter(pk__in=back, status=Slot.Status.HIDDEN, hidden_by_publisher=True).update(
            status=Slot.Status.AVAILABLE, hidden_by_publisher=False, updated_at=now
        )
        kept = [(start, end) for pk, start, end, *_rest in existing if pk not in deleted]
        new = [pair for pair in sorted(desired) if not any(s < pair[1] and e > pair[0] for s, e in kept)]
        created = (_create(mentor, schedule, new) if new else 0) + restored
        if schedule is not None:
            # A changed notice applies to the free slots already published, too.
            notice = dt.timedelta(minutes=schedule.min_notice_minutes)
            Slot.objects.filter(
                mentor=mentor, from_weekly_hours=True, status=Slot.Status.AVAILABLE, start__gt=now
            ).exclude(book_by=F("start") - notice).update(book_by=F("start") - notice)
        if created or removed:
            directory.changed()
    return PublishResult(created=created, removed=removed)


def _desired(schedule: WeeklySchedule, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    tz = zoneinfo.ZoneInfo(schedule.mentor.timezone)
    today = now.astimezone(tz).date()
    last_day = today + dt.timedelta(days=min(schedule.horizon_days, settings.BOOKING_HORIZON_DAYS) - 1)
    pairs = weekly_pairs(
        tz=tz,
        hours=schedule.hours.values_list("weekday", "start", "end"),
        overrides=schedule.overrides.filter(date__gte=today).values_list("date", "kind", "start", "end"),
        first_day=today,
        last_day=last_day,
        session_minutes=schedule.session_minutes,
        buffer_minutes=schedule.buffer_minutes,
    )
    earliest = now + dt.timedelta(minutes=max(schedule.min_notice_minutes, settings.BOOKING_MIN_NOTICE_MINUTES))
    pairs = [(start, end) for start, end in pairs if start >= earliest]
    if schedule.max_per_day:
        # A day whose sessions are all taken offers no more free times; sessions already over today count.
        midnight = dt.datetime.combine(today, dt.time()).replace(tzinfo=tz)
        starts = Slot.objects.filter(mentor=schedule.mentor, status=Slot.Status.BOOKED, start__gte=midnight)
        booked = Counter(start.astimezone(tz).date() for start in starts.values_list("start", flat=True))
        pairs = [(s, e) for s, e in pairs if booked[s.astimezone(tz).date()] < schedule.max_per_day]
    return pairs


def _remove(stale: list[int], existing) -> set[int]:
    """Delete free published slots the rules no longer give (their ids); hide those with booking history."""
    if not stale:
        return set()
    with_history = {pk for pk, _start, _end, _status, _generated, history, _by_us in existing if history}
    free = Slot.objects.filter(status=Slot.Status.AVAILABLE, from_weekly_hours=True)
    to_delete = [pk for pk in stale if pk not in with_history]
    deleted = set(free.filter(pk__in=to_delete).values_list("pk", flat=True))
    free.filter(pk__in=deleted).delete()
    free.filter(pk__in=with_history & set(stale)).update(
        status=Slot.Status.HIDDEN, hidden_by_publisher=True, updated_at=timezone.now()
    )
    return deleted


def _create(mentor: User, schedule: WeeklySchedule, pairs) -> int:
    notice = dt.timedelta(minutes=schedule.min_notice_minutes)
    rows = [Slot(mentor=mentor, start=s, end=e, from_weekly_hours=True, book_by=s - notice) for s, e in pairs]
    try:
        with transaction.atomic():
            Slot.objects.bulk_create(rows)
        return len(rows)
    except IntegrityError:  # a slot appeared meanwhile (another publisher, or one added by hand)
        created = 0
        for row in rows:
            try:
                with transaction.atomic():
                    row.pk = None
                    row.save()
                created += 1
            except IntegrityError:
                continue
        return created


def _local_day(slot: Slot, tz: zoneinfo.ZoneInfo):
    day = slot.start.astimezone(tz).date()
    begin = dt.datetime.combine(day, dt.time()).replace(tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).replace(tzinfo=tz)
    return Slot.objects.filter(mentor_id=slot.mentor_id, start__gte=begin, start__lt=end)


def day_cap_guard(slot: Slot) -> WeeklySchedule | None:
    """
    Before ``slot`` is claimed: when its mentor caps sessions a day, lock their schedule (bookings of
    that mentor take turns) and refuse a day that is already full. Returns the schedule, or None.
    """
    schedule = (
        WeeklySchedule.objects.select_for_update().filter(mentor_id=slot.mentor_id, max_per_day__isnull=False).first()
    )
    if schedule is None:
        return None
    tz = zoneinfo.ZoneInfo(slot.mentor.timezone)
    if _local_day(slot, tz).filter(status=Slot.Status.BOOKED).count() >= schedule.max_per_day:
        raise BookingError(_("This mentor's day is fully booked. Please choose another day."), code="day_full")
    return schedule


def enforce_daily_cap(slot: Slot, *, schedule: WeeklySchedule | None) -> int:
    """
    Called when ``slot`` has just been taken (under ``day_cap_guard``'s lock): if its mentor's day is
    now full, the other free published times of that day go. Returns how many were removed.
    """
    if schedule is None:
        return 0
    that_day = _local_day(slot, zoneinfo.ZoneInfo(slot.mentor.timezone))
    if that_day.filter(status=Slot.Status.BOOKED).count() < schedule.max_per_day:
        return 0
    free = that_day.filter(status=Slot.Status.AVAILABLE, from_weekly_hours=True)
    hidden = free.filter(~Q(bookings=None)).update(status=Slot.Status.HIDDEN, hidden_by_publisher=True)
    deleted, _by_model = free.filter(bookings=None).delete()
    return deleted + hidden


def on_weekly_hours_moved(*, user: User, now: dt.datetime, **_facts) -> None:
    """
    ``accounts.hooks.TIMEZONE_CHANGED`` and ``PERSON_STAYED``: a mentor's weekly hours are in their own
    zone, so a new zone moves their free times at once; and a mentor who keeps their account is
    bookable again at once (leaving withdrew their free times). Not left to the hourly job.
    """
    if user.is_mentor:
        weekly_publish(mentor=user, now=now)


def weekly_publish_all(*, now: dt.datetime | None = None) -> PublishResult:
    """The daily roll-forward: every active schedule, one mentor per transaction."""
    total = PublishResult()
    mentor_ids = WeeklySchedule.objects.filter(is_active=True, mentor__is_active=True, mentor__is_mentor=True)
    for mentor in User.objects.filter(pk__in=mentor_ids.values("mentor_id")).order_by("pk").iterator():
        total = total + weekly_publish(mentor=mentor, now=now)
    return total
