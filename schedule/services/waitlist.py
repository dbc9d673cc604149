"""
Waitlists: a mentee waits for a mentor's time (optionally within dates). A sweep finds times that
opened after they joined (published, freed by a cancellation, shown again) and emails each mentee
once about them, in the order they joined; the booking itself stays first come, first served.

Safe with two sweeps at once: entries are taken with SELECT ... FOR UPDATE SKIP LOCKED (IMMEDIATE
transactions on SQLite), and each notice row, unique per entry and slot, is written in the same
transaction as its email.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import has_verified_email
from schedule import emails, selectors
from schedule.models import WaitlistEntry, WaitlistNotice
from schedule.services.errors import BookingError, require_verified_email

WAITLIST_CHUNK = 100


def waitlist_join(
    *,
    mentor: User,
    mentee: User,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    now: dt.datetime | None = None,
) -> WaitlistEntry:
    """Join (or re-join, with new dates) a mentor's waitlist; only times opening from now on are announced."""
    now = now or timezone.now()
    if not (mentor.is_mentor and mentor.is_active and has_verified_email(mentor)):
        raise BookingError(_("This mentor is not taking bookings."), code="unavailable")
    if mentor.pk == mentee.pk:
        raise BookingError(_("You cannot join your own waitlist."), code="own")
    require_verified_email(mentee)
    today = now.astimezone(zoneinfo.ZoneInfo(mentee.timezone)).date()
    last = today + dt.timedelta(days=settings.BOOKING_HORIZON_DAYS)
    if date_from and date_to and date_to < date_from:
        raise BookingError(_("The end of the range must not be before its start."), code="range")
    for day in (date_from, date_to):
        if day is not None and not today <= day <= last:
            raise BookingError(
                _("Choose dates between today and %(days)d days ahead.") % {"days": settings.BOOKING_HORIZON_DAYS},
                code="range",
            )
    entry, _created = WaitlistEntry.objects.update_or_create(
        mentor=mentor, mentee=mentee, defaults={"date_from": date_from, "date_to": date_to, "created_at": now}
    )
    return entry


def waitlist_leave(*, mentor: User, mentee: User) -> bool:
    deleted, _by_model = WaitlistEntry.objects.filter(mentor=mentor, mentee=mentee).delete()
    return bool(deleted)


def waitlist_remove_user(*, user: User) -> int:
    """Someone is leaving: every waitlist they wait on, and every entry waiting for them as a mentor, goes."""
    deleted, _by_model = WaitlistEntry.objects.filter(Q(mentor=user) | Q(mentee=user)).delete()
    return deleted


def _opened_for(entry: WaitlistEntry, now: dt.datetime):
    """Bookable times of the entry's mentor, in its range, opened since it joined and not yet announced."""
    tz = zoneinfo.ZoneInfo(entry.mentee.timezone)
    slots = selectors.bookable_slots(now=now).filter(mentor_id=entry.mentor_id, updated_at__gt=entry.created_at)
    if entry.date_from:
        slots = slots.filter(start__gte=dt.datetime.combine(entry.date_from, dt.time()).replace(tzinfo=tz))
    if entry.date_to:
        end = dt.datetime.combine(entry.date_to + dt.timedelta(days=1), dt.time()).replace(tzinfo=tz)
        slots = slots.filter(start__lt=end)
    told = WaitlistNotice.objects.filter(entry=entry, slot=OuterRef("pk"), opened_at=OuterRef("updated_at"))
    return list(slots.exclude(Exists(told)).order_by("start"))


def waitlist_sweep(*, now: dt.datetime | None = None, chunk_size: int = WAITLIST_CHUNK) -> int:
    """Email every waiting mentee about newly opened times (one email per mentee and sweep). Returns emails queued."""
    now = now or timezone.now()
    queued = 0
    done: set[int] = set()
    waiting = (
        WaitlistEntry.objects.filter(mentor__is_active=True, mentor__is_mentor=True)
        .select_related("mentor", "mentee")
        .order_by("created_at", "pk")
    )
    for _attempt in range(10_000):  # bounded: each pass handles a chunk or ends the loop
        try:
            with transaction.atomic():
                chunk = list(
                    waiting.exclude(pk__in=done).select_for_update(skip_locked=True, of=("self",))[:chunk_size]
                )
                if not chunk:
                    break
                for entry in chunk:
                    done.add(entry.pk)
                    opened = _opened_for(entry, now)
                    if not opened:
                        continue
                    WaitlistNotice.objects.bulk_create(
                        WaitlistNotice(entry=entry, slot=s, opened_at=s.updated_at, created_at=now) for s in opened
                    )
                    emails.enqueue_waitlist_opening(entry=entry, slots=opened)
                    queued += 1
        except IntegrityError:  # another sweep announced these a moment ago; look again
            continue
    return queued
