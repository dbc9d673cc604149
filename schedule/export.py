"""The schedule's part of "Download my data" (``accounts.hooks.PERSON_EXPORTED``), in five queries."""

from django.db.models import Q

from accounts.models import User
from core.exports import clock, day, utc
from schedule.models import Booking, WaitlistEntry, WeeklySchedule


def _booking(booking: Booking, *, user: User) -> dict:
    """One session from the reader's side: the other person by name, who cancelled by role."""
    as_mentor = booking.mentor_id == user.pk
    other = booking.mentee if as_mentor else booking.mentor
    cancelled_by = None
    if booking.cancelled_by_id is not None:
        if booking.cancelled_by_id == user.pk:
            cancelled_by = "you"
        elif booking.cancelled_by_id == other.pk:
            cancelled_by = "mentee" if as_mentor else "mentor"
        else:
            cancelled_by = "staff"
    return {
        "start": utc(booking.slot.start),
        "end": utc(booking.slot.end),
        "status": booking.status,
        ("mentee" if as_mentor else "mentor"): other.display_name,
        "note": booking.note,
        "meeting_url": booking.meeting_url,
        "booked_at": utc(booking.created_at),
        "times_moved": booking.reschedule_count,
        "cancelled_at": utc(booking.cancelled_at),
        "cancelled_by": cancelled_by,
        "cancel_reason": booking.cancel_reason_text,
    }


def _weekly_hours(schedule: WeeklySchedule | None) -> dict | None:
    if schedule is None:
        return None
    return {
        "publish": schedule.is_active,
        "session_minutes": schedule.session_minutes,
        "break_minutes": schedule.buffer_minutes,
        "minimum_notice_minutes": schedule.min_notice_minutes,
        "most_sessions_a_day": schedule.max_per_day,
        "days_ahead": schedule.horizon_days,
        "hours": [
            {"weekday": hours.weekday, "from": clock(hours.start), "until": clock(hours.end)}
            for hours in schedule.hours.all()
        ],
        "date_overrides": [
            {"date": day(o.date), "kind": o.kind, "from": clock(o.start), "until": clock(o.end)}
            for o in schedule.overrides.all()
        ],
    }


def person_sections(*, user: User, **_facts) -> dict:
    """
    Every booking on either side with both people (a mentee's own holds, paid or not, are theirs; a
    mentor gets only the bookings made, as on their pages), the waitlist entries, the weekly hours
    with their ranges and date overrides.
    """
    bookings = list(
        Booking.objects.filter(Q(mentee=user) | Q(mentor=user, status__in=Booking.SETTLED))
        .select_related("slot", "mentee", "mentor")
        .order_by("slot__start", "pk")
    )
    waitlist = WaitlistEntry.objects.filter(mentee=user).select_related("mentor").order_by("created_at", "pk")
    schedule = WeeklySchedule.objects.filter(mentor=user).prefetch_related("hours", "overrides").first()
    return {
        "bookings_as_mentee": [_booking(b, user=user) for b in bookings if b.mentee_id == user.pk],
        "bookings_as_mentor": [_booking(b, user=user) for b in bookings if b.mentor_id == user.pk],
        "waitlist": [
            {
                "mentor": entry.mentor.display_name,
                "from": day(entry.date_from),
                "until": day(entry.date_to),
                "joined_at": utc(entry.created_at),
            }
            for entry in waitlist
        ],
        "weekly_hours": _weekly_hours(schedule),
    }
