"""Reads about slots and bookings that cross relations; every list is built in a fixed number of queries."""

import dataclasses
import datetime as dt
import itertools
import zoneinfo
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import MentorProfile, User
from schedule import hooks
from schedule.models import Booking, DateOverride, Slot, WaitlistEntry
from schedule.services.bookings import NO_SHOW_GRACE, mentee_sessions_overlapping
from schedule.services.reminders import due_bookings


def bookable_after(now: dt.datetime | None = None) -> dt.datetime:
    """The earliest start a mentee may still book (now plus the minimum notice)."""
    now = now or timezone.now()
    return now + dt.timedelta(minutes=settings.BOOKING_MIN_NOTICE_MINUTES)


def bookable_slots(*, now: dt.datetime | None = None) -> QuerySet[Slot]:
    """Free slots far enough ahead: the platform's notice, and the mentor's own when it is longer."""
    now = now or timezone.now()
    return Slot.objects.filter(status=Slot.Status.AVAILABLE, start__gte=bookable_after(now)).filter(
        Q(book_by__isnull=True) | Q(book_by__gte=now)
    )


def move_target(*, booking: Booking, slot_id: int, start: dt.datetime) -> Slot | None:
    """
    The free time of the booking's mentor a move was asked to, still at the start it was shown with;
    None when it is not one (taken, moved, another mentor's). ``client_busy``: the client has another
    session then. The move itself checks everything again.
    """
    return (
        bookable_slots()
        .filter(pk=slot_id, start=start, mentor_id=booking.slot.mentor_id)
        .exclude(pk=booking.slot_id)
        .annotate(client_busy=Exists(mentee_sessions_overlapping(booking.mentee_id).exclude(pk=booking.pk)))
        .first()
    )


def with_next_free_slot(mentors: QuerySet[MentorProfile], *, now=None) -> QuerySet[MentorProfile]:
    """Annotate each mentor profile with the start of their next bookable slot (or None)."""
    next_slot = bookable_slots(now=now).filter(mentor=OuterRef("user")).order_by("start").values("start")[:1]
    return mentors.annotate(next_free_slot=Subquery(next_slot))


def group_by_local_day(slots, tz: zoneinfo.ZoneInfo | None = None) -> list[tuple[dt.date, list[Slot]]]:
    """[(local date, [slots])] in ``tz`` (default: the active zone), slots already ordered by start."""
    tz = tz or timezone.get_current_timezone()
    return [(day, list(group)) for day, group in itertools.groupby(slots, key=lambda s: s.start.astimezone(tz).date())]


class WeekSlot(NamedTuple):
    """A bookable time on the week picker: ``local`` is its start in the viewer's zone (computed once)."""

    pk: int
    start: dt.datetime
    local: dt.datetime


@dataclasses.dataclass
class WeekView:
    """A week of a mentor's bookable times in the viewer's zone, with what the navigation needs."""

    start: dt.date  # the Monday
    days: list[tuple[dt.date, list[WeekSlot]]]  # all seven, empty ones too
    earliest: dt.date | None  # the day of the first bookable time, for "earliest available"
    previous: dt.date | None  # the previous Monday, unless this is the current week
    next: dt.date | None  # the next Monday, unless it is past the booking horizon
    clashes: set[int]  # ids of slots that overlap one of the viewer's own sessions

    @property
    def is_empty(self) -> bool:
        return not any(slots for _day, slots in self.days)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _local_midnight(day: dt.date, tz) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).replace(tzinfo=tz).astimezone(dt.UTC)


LOOK_UP = object()  # week_availability(first=...): not known yet, ask the database


def week_availability(
    *,
    mentor: User,
    week: dt.date | None = None,
    viewer: User | None = None,
    exclude: Slot | None = None,
    now=None,
    first=LOOK_UP,
) -> WeekView:
    """
    One week (Monday to Sunday, in the active zone) of ``mentor``'s bookable times: ``week`` is any day
    in it; None means the week of the earliest bookable time. Up to three queries: the earliest time
    (none when the caller already knows it: ``first``, the start of the mentor's first bookable time or
    None, as ``with_next_free_slot`` annotates it), the week's slots and, for a signed-in viewer, their
    own sessions that week (to mark clashes).
    """
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    today = now.astimezone(tz).date()
    mine = bookable_slots(now=now).filter(mentor=mentor)
    if exclude is not None:
        mine = mine.exclude(pk=exclude.pk)
    if first is LOOK_UP:
        first = mine.order_by("start").values_list("start", flat=True).first()
    earliest = first.astimezone(tz).date() if first else None
    last_week = monday(today + dt.timedelta(days=settings.BOOKING_HORIZON_DAYS))
    start = monday(week or earliest or today)
    start = min(max(start, monday(today)), last_week)
    begin, end = _local_midnight(start, tz), _local_midnight(start + dt.timedelta(days=7), tz)
    signed_in = viewer is not None and viewer.is_authenticated
    # Plain rows, not model instances: a busy week has over a hundred of them. The end matters only
    # for a viewer's clashes.
    columns = ("pk", "start", "end") if signed_in else ("pk", "start")
    rows = list(mine.filter(start__gte=begin, start__lt=end).order_by("start").values_list(*columns))
    by_day: dict[dt.date, list[WeekSlot]] = {}
    for row in rows:
        local = row[1].astimezone(tz)
        by_day.setdefault(local.date(), []).append(WeekSlot(row[0], row[1], local))
    clashes = set()
    if signed_in and rows:
        taken = (
            Booking.objects.filter(Q(mentee=viewer) | Q(mentor=viewer))
            .filter(status__in=Booking.ACTIVE, slot__start__lt=end, slot__end__gt=begin)
            .values_list("slot__start", "slot__end")
        )
        taken = list(taken)
        clashes = {
            pk for pk, s_start, s_end in rows if any(b_start < s_end and b_end > s_start for b_start, b_end in taken)
        }
    return WeekView(
        start=start,
        days=[(day, by_day.get(day, [])) for day in (start + dt.timedelta(days=i) for i in range(7))],
        earliest=earliest,
        previous=start - dt.timedelta(days=7) if start > monday(today) else None,
        next=start + dt.timedelta(days=7) if start < last_week else None,
        clashes=clashes,
    )


def mentor_upcoming_slots(*, mentor: User, now=None) -> QuerySet[Slot]:
    """The mentor's future slots with their confirmed booking (and mentee) loaded in one extra query."""
    now = now or timezone.now()
    confirmed = Booking.objects.filter(status=Booking.Status.CONFIRMED).select_related("mentee")
    return (
        Slot.objects.filter(mentor=mentor, end__gt=now)
        .order_by("start")
        .prefetch_related(Prefetch("bookings", queryset=confirmed, to_attr="confirmed_bookings"))
    )


def bookings_for_user(*, user: User) -> QuerySet[Booking]:
    """Bookings the user takes part in, as mentee or as mentor (not holds: those are the payer's checkout)."""
    return Booking.objects.filter(Q(mentee=user) | Q(mentor=user), status__in=Booking.SETTLED).select_related(
        "slot", "slot__mentor", "mentee"
    )


def own_active_booking(*, slot_id: int, mentee: User, now: dt.datetime | None = None) -> Booking | None:
    """
    The mentee's booking of this slot, or their hold of it that has not run out, if they have one (a
    double submit finds what the first one made).
    """
    now = now or timezone.now()
    live = Q(status=Booking.Status.CONFIRMED) | Q(status=Booking.Status.PENDING, hold_expires_at__gt=now)
    return Booking.objects.filter(live, slot_id=slot_id, mentee=mentee).first()


def bookings_with_own_holds(*, user: User) -> QuerySet[Booking]:
    """
    ``bookings_for_user`` and the user's own holds, waiting for payment or run out / given up (the API
    lists them all: a client that held a time reads what became of it, not a 404).
    """
    own_holds = Q(mentee=user, status__in=(Booking.Status.PENDING, Booking.Status.EXPIRED))
    return Booking.objects.filter(
        own_holds | Q(Q(mentee=user) | Q(mentor=user), status__in=Booking.SETTLED)
    ).select_related("slot", "slot__mentor", "mentee")


def holds_awaiting_payment(*, user: User, now=None) -> QuerySet[Booking]:
    """The user's own holds whose time to pay has not run out, soonest first (their checkouts to finish)."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(mentee=user, status=Booking.Status.PENDING, hold_expires_at__gt=now)
        .select_related("slot", "slot__mentor")
        .order_by("slot__start")
    )


def needs_payment(*, slot_id: int) -> bool:
    """The slot's mentor charges: booking it holds the time for payment (``booking_hold``) instead."""
    return MentorProfile.objects.filter(user__slots=slot_id, is_free=False, price__gt=0).exists()


def upcoming_bookings(*, user: User, now=None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return (
        bookings_for_user(user=user).filter(status=Booking.Status.CONFIRMED, slot__end__gt=now).order_by("slot__start")
    )


def past_bookings(*, user: User, now=None) -> QuerySet[Booking]:
    """Completed sessions and cancelled bookings, newest first."""
    now = now or timezone.now()
    return (
        bookings_for_user(user=user)
        .filter(Q(status=Booking.Status.CANCELLED) | Q(slot__end__lte=now))
        .order_by("-slot__start")
    )


def mentor_clients(*, mentor: User, now=None) -> QuerySet[User]:
    """
    Mentees with at least one confirmed booking with ``mentor``, with counts and last/next session,
    and those two bookings' ids (the list links them: each page has "Message <name>").
    """
    now = now or timezone.now()
    mine = Q(bookings__mentor=mentor, bookings__status=Booking.Status.CONFIRMED)
    theirs = Booking.objects.filter(mentor=mentor, mentee=OuterRef("pk"), status=Booking.Status.CONFIRMED)
    return (
        User.objects.filter(mine)
        .annotate(
            sessions=Count("bookings", filter=mine, distinct=True),
            last_session=Max("bookings__slot__start", filter=mine & Q(bookings__slot__start__lte=now)),
            next_session=Min("bookings__slot__start", filter=mine & Q(bookings__slot__start__gt=now)),
            last_booking_id=Subquery(
                theirs.filter(slot__start__lte=now).order_by("-slot__start", "-pk").values("pk")[:1]
            ),
            next_booking_id=Subquery(theirs.filter(slot__start__gt=now).order_by("slot__start", "pk").values("pk")[:1]),
        )
        .order_by("first_name", "last_name", "pk")
    )


def days_off_among(*, mentor: User, dates) -> list[dt.date]:
    """Which of these dates (in the mentor's zone) the mentor marked as days off, in order."""
    return list(
        DateOverride.objects.filter(schedule__mentor=mentor, kind=DateOverride.Kind.DAY_OFF, date__in=set(dates))
        .order_by("date")
        .values_list("date", flat=True)
    )


def upcoming_session_count(*, user: User, now=None) -> int:
    """Confirmed sessions of the user, on either side, that have not started (leaving cancels them)."""
    now = now or timezone.now()
    return bookings_for_user(user=user).filter(status=Booking.Status.CONFIRMED, slot__start__gt=now).count()


def has_upcoming_bookings_as_mentor(*, mentor: User, now=None) -> bool:
    now = now or timezone.now()
    return Booking.objects.filter(slot__mentor=mentor, status__in=Booking.ACTIVE, slot__start__gt=now).exists()


def can_report_no_show(booking: Booking, *, now=None) -> bool:
    """
    Whether the page offers "did not come": started, confirmed, unreported, within the window, and no
    other app refuses it (``hooks.NO_SHOW_REFUSAL``: not once the session is reviewed).
    """
    now = now or timezone.now()
    window = dt.timedelta(days=settings.BOOKING_NO_SHOW_DAYS)
    opens = booking.slot.start + NO_SHOW_GRACE
    return (
        booking.is_confirmed
        and not booking.no_show
        and opens <= now <= booking.slot.end + window
        and hooks.refusal(hooks.NO_SHOW_REFUSAL, booking=booking) is None
    )


def id_page(queryset: QuerySet, *, number, per_page: int) -> Page:
    """
    Paginate a user's own (small) list in two cheap queries: the ordered ids (no LIMIT, so PostgreSQL
    filters on the user's indexes first instead of walking a date index), then that page's rows.
    """
    ids = list(queryset.values_list("pk", flat=True))
    page = Paginator(ids, per_page).get_page(number)
    rows = queryset.in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list]
    return page


FEED_PAST_DAYS = 30
FEED_MAX_EVENTS = 500


def calendar_feed_bookings(*, user: User, now=None) -> list[Booking]:
    """
    What a subscribed calendar shows: the user's sessions from a month back on, with cancelled ones
    (marked cancelled, so calendars remove them). Bounded, newest first.
    """
    now = now or timezone.now()
    rows = bookings_for_user(user=user).filter(slot__end__gt=now - dt.timedelta(days=FEED_PAST_DAYS))
    return list(rows.order_by("-slot__start")[:FEED_MAX_EVENTS])


def waitlist_entry(*, mentor: User, viewer) -> WaitlistEntry | None:
    """The viewer's place on the mentor's waitlist, if they are signed in and on it."""
    if not viewer.is_authenticated or viewer.pk == mentor.pk:
        return None
    return WaitlistEntry.objects.filter(mentor=mentor, mentee=viewer).first()


def reminder_lag(*, now: dt.datetime | None = None) -> dt.timedelta:
    """
    How long the oldest reminder has waited for a sweep to send it (or skip it as too late), zero when
    none is waiting: under a minute while the scheduler runs, growing while it does not. A booking agreed
    after its reminder's moment is left out: that reminder was never going to be sent on time, and the
    next sweep records it as skipped. One aggregate query per offset.
    """
    now = now or timezone.now()
    lag = dt.timedelta(0)
    for offset in set(settings.REMINDER_OFFSETS):
        window = dt.timedelta(minutes=offset)
        oldest = (
            due_bookings(offset=offset, now=now)
            .alias(agreed=Coalesce("rescheduled_at", "created_at"))
            .filter(agreed__lte=F("slot__start") - window)
            .aggregate(oldest=Min("slot__start"))["oldest"]
        )
        if oldest is not None:
            lag = max(lag, now - (oldest - window))
    return lag
