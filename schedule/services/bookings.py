"""
Booking is the scarce-capacity operation: inside one transaction the slot is claimed with a
conditional UPDATE (``available`` -> ``booked``; zero rows means someone else won), then the booking
row is inserted. A partial unique index (one confirmed booking per slot) is the backstop. Emails are
written to the outbox in the same transaction, so a rolled-back booking never sends mail and a mail
failure never loses a booking.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import directory
from accounts.models import User
from core.dates import duration
from schedule import emails
from schedule.meetings import new_meeting_url
from schedule.models import Booking, CalendarFeed, Slot
from schedule.services.errors import BookingError, SlotTakenError


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


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the user a calendar subscription link, or a new one: the old link stops working at once."""
    token = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": token, "created_at": timezone.now()}
    )
    return feed
