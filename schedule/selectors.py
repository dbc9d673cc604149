"""Reads about slots and bookings that cross relations; every list is built in a fixed number of queries."""

import datetime as dt
import itertools
import zoneinfo

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import MentorProfile, User
from schedule.models import Booking, Slot

AVAILABILITY_WEEKS = 8


def bookable_after(now: dt.datetime | None = None) -> dt.datetime:
    """The earliest start a mentee may still book (now plus the minimum notice)."""
    now = now or timezone.now()
    return now + dt.timedelta(minutes=settings.BOOKING_MIN_NOTICE_MINUTES)


def bookable_slots(*, now: dt.datetime | None = None) -> QuerySet[Slot]:
    return Slot.objects.filter(status=Slot.Status.AVAILABLE, start__gte=bookable_after(now))


def with_next_free_slot(mentors: QuerySet[MentorProfile], *, now=None) -> QuerySet[MentorProfile]:
    """Annotate each mentor profile with the start of their next bookable slot (or None)."""
    next_slot = bookable_slots(now=now).filter(mentor=OuterRef("user")).order_by("start").values("start")[:1]
    return mentors.annotate(next_free_slot=Subquery(next_slot))


def group_by_local_day(slots, tz: zoneinfo.ZoneInfo | None = None) -> list[tuple[dt.date, list[Slot]]]:
    """[(local date, [slots])] in ``tz`` (default: the active zone), slots already ordered by start."""
    tz = tz or timezone.get_current_timezone()
    return [(day, list(group)) for day, group in itertools.groupby(slots, key=lambda s: s.start.astimezone(tz).date())]


def available_slots_by_day(*, mentor: User, now=None) -> list[tuple[dt.date, list[Slot]]]:
    now = now or timezone.now()
    slots = bookable_slots(now=now).filter(mentor=mentor, start__lt=now + dt.timedelta(weeks=AVAILABILITY_WEEKS))
    return group_by_local_day(slots.order_by("start"))


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
    """Bookings the user takes part in, as mentee or as mentor."""
    return Booking.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related("slot", "slot__mentor", "mentee")


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
    """Mentees with at least one confirmed booking with ``mentor``, with counts and last/next session."""
    now = now or timezone.now()
    mine = Q(bookings__mentor=mentor, bookings__status=Booking.Status.CONFIRMED)
    return (
        User.objects.filter(mine)
        .annotate(
            sessions=Count("bookings", filter=mine, distinct=True),
            last_session=Max("bookings__slot__start", filter=mine & Q(bookings__slot__start__lte=now)),
            next_session=Min("bookings__slot__start", filter=mine & Q(bookings__slot__start__gt=now)),
        )
        .order_by("first_name", "last_name", "pk")
    )


def has_upcoming_bookings_as_mentor(*, mentor: User, now=None) -> bool:
    now = now or timezone.now()
    return Booking.objects.filter(slot__mentor=mentor, status=Booking.Status.CONFIRMED, slot__start__gt=now).exists()


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
