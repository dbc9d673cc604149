"""The staff dashboard's numbers: each figure group is one aggregate query, whatever the data size."""

import datetime as dt

from django.contrib.auth.models import Group
from django.db.models import Count, F, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from post_office.models import STATUS, Email

from accounts.models import AccountDeletion, User
from accounts.selectors import STAFF_ROLES
from schedule import delivery
from schedule.models import Booking, Slot


def _day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """Start of today, of this week (Monday) and of tomorrow, in the active time zone."""
    local = timezone.localtime(now)
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return today, today - dt.timedelta(days=today.weekday()), today + dt.timedelta(days=1)


def platform_stats(*, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today, week_start, _tomorrow = _day_bounds(now)
    users = User.objects.aggregate(
        total=Count("pk"),
        mentors=Count("pk", filter=Q(is_mentor=True)),
        mentees=Count("pk", filter=Q(is_mentor=False, is_staff=False)),
        new_30d=Count("pk", filter=Q(date_joined__gte=now - dt.timedelta(days=30))),
    )
    slots = Slot.objects.aggregate(
        total=Count("pk"),
        booked=Count("pk", filter=Q(status=Slot.Status.BOOKED)),
        free=Count("pk", filter=Q(status=Slot.Status.AVAILABLE)),
        hidden=Count("pk", filter=Q(status=Slot.Status.HIDDEN)),
        upcoming_free=Count("pk", filter=Q(status=Slot.Status.AVAILABLE, start__gt=now)),
    )
    confirmed = Q(status=Booking.Status.CONFIRMED)
    bookings = Booking.objects.filter(status__in=Booking.SETTLED).aggregate(
        total=Count("pk"),
        today=Count("pk", filter=Q(created_at__gte=today)),
        this_week=Count("pk", filter=Q(created_at__gte=week_start)),
        cancelled=Count("pk", filter=Q(status=Booking.Status.CANCELLED)),
        completed=Count("pk", filter=confirmed & Q(slot__end__lte=now, no_show="")),
        no_shows=Count("pk", filter=confirmed & ~Q(no_show="")),
        upcoming=Count("pk", filter=confirmed & Q(slot__start__gt=now)),
    )
    total = bookings["total"]
    bookings["cancellation_rate"] = round(100 * bookings["cancelled"] / total, 1) if total else 0
    ended = bookings["completed"] + bookings["no_shows"]
    bookings["no_show_rate"] = round(100 * bookings["no_shows"] / ended, 1) if ended else 0
    outbox = Email.objects.aggregate(
        queued=Count("pk", filter=Q(status__in=[STATUS.queued, STATUS.requeued])),
        failed=Count("pk", filter=Q(status=STATUS.failed)),
        oldest_queued=Min("created", filter=Q(status__in=[STATUS.queued, STATUS.requeued])),
    )
    outbox["oldest_age"] = now - outbox["oldest_queued"] if outbox["oldest_queued"] else None
    return {"users": users, "slots": slots, "bookings": bookings, "outbox": outbox}


def _daily(rows, days: list[dt.date], *keys) -> list[dict]:
    by_day = {row["day"]: row for row in rows}
    return [{"day": day, **{k: (by_day.get(day) or {}).get(k, 0) for k in keys}} for day in days]


def last_days(*, now: dt.datetime | None = None, days: int = 30) -> tuple[list[dt.date], dt.datetime, dt.datetime]:
    """The last ``days`` local days (today included), and the moments they start and end."""
    now = now or timezone.now()
    _today, _week, tomorrow = _day_bounds(now)
    start = tomorrow - dt.timedelta(days=days)
    return [(start + dt.timedelta(days=i)).date() for i in range(days)], start, tomorrow


def bookings_per_day(*, now: dt.datetime | None = None, days: int = 30) -> list[dict]:
    """Bookings made per local day over the last ``days`` days (today included), zeros filled in."""
    now = now or timezone.now()
    _today, _week, tomorrow = _day_bounds(now)
    start = tomorrow - dt.timedelta(days=days)
    rows = (
        Booking.objects.filter(created_at__gte=start, created_at__lt=tomorrow, status__in=Booking.SETTLED)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"))
    )
    return _daily(rows, [(start + dt.timedelta(days=i)).date() for i in range(days)], "count")


def slots_per_day(*, now: dt.datetime | None = None, days: int = 14) -> list[dict]:
    """Booked and free slots per local day for the next ``days`` days (today first)."""
    now = now or timezone.now()
    today, _week, _tomorrow = _day_bounds(now)
    end = today + dt.timedelta(days=days)
    rows = (
        Slot.objects.filter(start__gte=today, start__lt=end)
        .annotate(day=TruncDate("start", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            booked=Count("pk", filter=Q(status=Slot.Status.BOOKED)),
            free=Count("pk", filter=Q(status=Slot.Status.AVAILABLE)),
        )
    )
    return _daily(rows, [(today + dt.timedelta(days=i)).date() for i in range(days)], "booked", "free")


def top_mentors(*, now: dt.datetime | None = None, limit: int = 5) -> list[dict]:
    """Mentors with the most completed sessions (one grouped query over bookings)."""
    now = now or timezone.now()
    return list(
        Booking.objects.filter(status=Booking.Status.CONFIRMED, slot__end__lte=now, no_show="")
        .values(
            pk=F("mentor"),
            first_name=F("mentor__first_name"),
            last_name=F("mentor__last_name"),
            email=F("mentor__email"),
        )
        .annotate(completed=Count("pk"))
        .order_by("-completed", "first_name", "pk")[:limit]
    )


def with_leaving(users):
    """Each with ``leaving_on``: when their account is erased, if they asked to leave (None otherwise)."""
    pending = AccountDeletion.objects.pending().filter(user=OuterRef("pk")).values("due_at")[:1]
    return users.annotate(leaving_on=Subquery(pending))


def people(*, query: str = "", role: str = "", topic: str = ""):
    """
    People for staff, each with ``staff_groups`` (their staff role's group, if any) and ``leaving_on``.
    Mentees are the people who are neither mentors nor staff; the blocked are inactive accounts that were
    not deleted and are not leaving.
    """
    users = with_leaving(User.objects.select_related("mentor_profile")).order_by("first_name", "last_name", "pk")
    if role == "mentor":
        users = users.filter(is_mentor=True)
    elif role == "mentee":
        users = users.filter(is_mentor=False, is_staff=False)
    elif role == "staff":
        users = users.filter(is_staff=True)
    elif role == "blocked":
        users = users.filter(is_active=False, deleted_at__isnull=True, leaving_on__isnull=True)
    if topic:
        users = users.filter(mentor_profile__topics__slug=topic)
    for word in query.split()[:5]:
        users = users.filter(Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if topic:
        users = users.distinct()
    staff_groups = Prefetch("groups", queryset=Group.objects.filter(name__in=STAFF_ROLES), to_attr="staff_groups")
    return users.prefetch_related("mentor_profile__topics", staff_groups)


def _person_filter(prefix: str, text: str) -> Q:
    q = Q()
    for word in text.split()[:5]:
        q &= (
            Q(**{f"{prefix}__email__icontains": word})
            | Q(**{f"{prefix}__first_name__icontains": word})
            | Q(**{f"{prefix}__last_name__icontains": word})
        )
    return q


def slots(*, mentor: str = "", status: str = "", date_from=None, date_to=None):
    rows = Slot.objects.select_related("mentor", "mentor__mentor_profile").order_by("start", "pk")
    if mentor:
        rows = rows.filter(_person_filter("mentor", mentor))
    if status:
        rows = rows.filter(status=status)
    if date_from:
        rows = rows.filter(start__date__gte=date_from)
    if date_to:
        rows = rows.filter(start__date__lte=date_to)
    return rows


def bookings(*, mentor: str = "", mentee: str = "", status: str = "", date_from=None, date_to=None, now=None):
    now = now or timezone.now()
    rows = (  # holds waiting for payment (or that lapsed) are checkouts, not bookings yet
        Booking.objects.filter(status__in=Booking.SETTLED)
        .select_related("slot", "slot__mentor", "mentee")
        .order_by("-slot__start", "-pk")
    )
    if mentor:
        rows = rows.filter(_person_filter("mentor", mentor))
    if mentee:
        rows = rows.filter(_person_filter("mentee", mentee))
    if status == "completed":
        rows = rows.filter(status=Booking.Status.CONFIRMED, slot__end__lte=now, no_show="")
    elif status == Booking.Status.CONFIRMED:
        rows = rows.filter(status=status, slot__end__gt=now)
    elif status:
        rows = rows.filter(status=status)
    if date_from:
        rows = rows.filter(slot__start__date__gte=date_from)
    if date_to:
        rows = rows.filter(slot__start__date__lte=date_to)
    return rows


def mentor_overview(*, user: User, now=None) -> dict:
    now = now or timezone.now()
    return Slot.objects.filter(mentor=user).aggregate(
        upcoming_free=Count("pk", filter=Q(status=Slot.Status.AVAILABLE, start__gt=now)),
        upcoming_booked=Count("pk", filter=Q(status=Slot.Status.BOOKED, start__gt=now)),
        completed=Count(
            "bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED, bookings__no_show="", end__lte=now)
        ),
    )


def delivery_log():
    return delivery.with_last_attempt(Email.objects.order_by("-created"))
