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
from django.utils.translation import ngettext

from accounts import directory
from accounts.models import MentorProfile, User
from accounts.selectors import has_verified_email
from audit.models import Event
from audit.services import event_record
from core.dates import duration
from messaging import selectors as messaging_selectors
from notifications import kinds
from notifications.services import notify
from schedule import emails, hooks
from schedule.meetings import new_meeting_url
from schedule.models import Booking, CalendarFeed, Reminder, Slot
from schedule.services import weekly
from schedule.services.errors import BookingError, SlotTakenError, require_verified_email

NO_SHOW_GRACE = dt.timedelta(minutes=10)  # someone late is not absent: reports open this long after the start


def _bookings_changed(booking: Booking) -> None:
    """The directory (free slots) and both participants' booking lists show this booking."""
    directory.changed()
    directory.changed(directory.user_namespace(booking.mentee_id))
    directory.changed(directory.user_namespace(booking.mentor_id))


def _others(booking: Booking, by: User) -> list[User]:
    """Who hears about a change ``by`` made: the other side, or both sides when staff made it."""
    return [person for person in (booking.mentee, booking.mentor) if person.pk != by.pk]


def booking_create(
    *,
    slot_id: int,
    mentee: User,
    note: str = "",
    expected_start: dt.datetime | None = None,
    now: dt.datetime | None = None,
    hold: bool = False,
    by: User | None = None,
) -> Booking:
    """
    Book a slot for a mentee, or raise BookingError with the reason it cannot be booked.
    ``expected_start`` is the start the mentee was shown: a slot moved since then is refused.
    With ``hold`` (``booking_hold``) the booking waits for payment instead. ``by``: staff booking
    for the mentee (in the audit log), and never a paid mentor's session, which its client pays for
    (a staff member booking one for themselves goes through the checkout like anyone).
    """
    now = now or timezone.now()
    require_verified_email(mentee)
    if hold:
        held = Booking.objects.filter(mentee=mentee, status=Booking.Status.PENDING, hold_expires_at__gt=now).count()
        if held >= settings.BOOKING_MAX_HOLDS:  # a few checkouts at once, not a way to keep mentors' calendars blocked
            raise BookingError(
                _("You have %(n)d times waiting for payment. Pay for them or let them run out first.") % {"n": held},
                code="too_many_holds",
            )
    for_someone = by is not None  # staff, on the dashboard: themselves included, never a paid time unpaid
    try:
        with transaction.atomic():
            if for_someone:
                _refuse_paid_for_someone(slot_id)
            booking = _claim_and_book(
                slot_id=slot_id, mentee=mentee, note=note, expected_start=expected_start, now=now, hold=hold
            )
            if for_someone:
                event_record(
                    action=Event.Action.BOOKING_CREATE, actor=by, target=booking, changes={"note": note}, now=now
                )
    except IntegrityError:  # the partial unique index saw an active booking: the whole attempt rolled back
        raise SlotTakenError() from None
    return booking


def _refuse_paid_for_someone(slot_id: int) -> None:
    """Staff take no client's payment: a paid mentor's time (``MentorProfile.is_paid``) is the client's to book."""
    profile = MentorProfile.objects.filter(user__slots__pk=slot_id).first()
    if profile is not None and profile.is_paid:
        raise BookingError(
            _("This mentor's sessions are paid: the client books this time and pays for it on the site."),
            code="paid",
        )


def booking_hold(
    *,
    slot_id: int,
    mentee: User,
    note: str = "",
    expected_start: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """
    Take a paid mentor's slot for the mentee while they pay: a pending booking that holds the slot
    (others see it taken) for BOOKING_HOLD_MINUTES. Nobody is told yet; ``booking_hold_confirm``
    makes it a booking once it is paid, and an unpaid hold runs out (``holds_release_expired``).
    """
    return booking_create(slot_id=slot_id, mentee=mentee, note=note, expected_start=expected_start, now=now, hold=True)


def booking_hold_confirm(*, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """
    The hold was paid for: the booking is confirmed and both sides hear of it as of any booking. Called
    by the payments app inside the transaction that records the payment; a hold that is no longer
    pending (released meanwhile) raises, and the payment rolls back with it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        confirmed = Booking.objects.filter(pk=booking.pk, status=Booking.Status.PENDING).update(
            status=Booking.Status.CONFIRMED, hold_expires_at=None
        )
        if not confirmed:
            raise BookingError(_("The time held for you ran out. Please choose the time again."), code="expired")
        booking.refresh_from_db()
        _announce(booking)
    return booking


def holds_release_expired(*, now: dt.datetime | None = None, slot_id: int | None = None) -> int:
    """
    Give back the slots of holds that ran out unpaid (all of them, or the one on ``slot_id``). Each hold
    is released by a conditional update, so two sweeps (or a sweep and a booking) release it once.
    """
    now = now or timezone.now()
    expired = Booking.objects.filter(status=Booking.Status.PENDING, hold_expires_at__lte=now)
    if slot_id is not None:
        expired = expired.filter(slot_id=slot_id)
    return holds_release(expired, now=now)


def holds_release(holds, *, now: dt.datetime) -> int:
    """End these holds unpaid (at most 500 a call): each slot is offered again, each hold ends once."""
    released = 0
    for booking in holds.filter(status=Booking.Status.PENDING).select_related("slot").order_by("pk")[:500]:
        with transaction.atomic():
            if not Booking.objects.filter(pk=booking.pk, status=Booking.Status.PENDING).update(
                status=Booking.Status.EXPIRED
            ):
                continue
            Slot.objects.filter(pk=booking.slot_id, status=Slot.Status.BOOKED).update(
                status=Slot.Status.AVAILABLE, updated_at=now
            )
            weekly.weekly_publish(mentor=booking.slot.mentor, now=now)
            hooks.fire(hooks.HOLD_RELEASED, booking=booking, now=now)
            _bookings_changed(booking)
            released += 1
    return released


def booking_hold_release(*, booking: Booking, by: User, now: dt.datetime | None = None) -> None:
    """
    The client gives up a time they hold for payment ("Give up"): nothing was charged, the
    slot is offered again at once. A hold paid for meanwhile (the payment locks the row first) stays.
    """
    if by.pk != booking.mentee_id:
        raise BookingError(_("This is not your booking."), code="forbidden")
    now = now or timezone.now()
    if not holds_release(Booking.objects.filter(pk=booking.pk), now=now):
        raise BookingError(_("This time is no longer held for you."), code="not_held")


def client_busy_message() -> str:
    """What a mentor is told who moves a session onto a time their client has another session at."""
    return _("Your client has another session at this time. Choose another one.")


def mentee_sessions_overlapping(mentee_id: int):
    """The mentee's sessions and holds overlapping the outer query's slot (for an Exists annotation)."""
    return Booking.objects.filter(
        mentee_id=mentee_id,
        status__in=Booking.ACTIVE,
        slot__start__lt=OuterRef("end"),
        slot__end__gt=OuterRef("start"),
    )


def _claim(slot: Slot, *, now: dt.datetime) -> None:
    """Take the slot as checked: still free, and not moved meanwhile by its mentor; else someone won."""
    claimed = Slot.objects.filter(pk=slot.pk, status=Slot.Status.AVAILABLE, start=slot.start, end=slot.end).update(
        status=Slot.Status.BOOKED, updated_at=now
    )
    if not claimed:
        raise SlotTakenError()


def _check_bookable(slot: Slot, *, expected_start: dt.datetime | None, now: dt.datetime) -> None:
    """The rules a slot meets to be taken, by a new booking or a moved one (``mentee_clash`` annotated)."""
    if expected_start is not None and slot.start != expected_start:
        raise BookingError(
            _("The mentor has moved this session to another time. Please check the new time and confirm again."),
            code="moved",
        )
    if slot.start <= now:
        raise BookingError(_("This slot is in the past."), code="past")
    notice = dt.timedelta(minutes=settings.BOOKING_MIN_NOTICE_MINUTES)
    if slot.start < now + notice:
        raise BookingError(
            _("Sessions must be booked at least %(notice)s in advance.")
            % {"notice": duration(settings.BOOKING_MIN_NOTICE_MINUTES)},
            code="notice",
        )
    if slot.book_by is not None and slot.book_by < now:
        raise BookingError(
            _("This mentor asks for more notice: sessions must be booked at least %(notice)s in advance.")
            % {"notice": duration((slot.start - slot.book_by).total_seconds() // 60)},
            code="notice",
        )
    if slot.status == Slot.Status.HIDDEN or not (slot.mentor.is_active and slot.mentor.is_mentor):
        raise BookingError(_("This slot is no longer available."), code="unavailable")
    if slot.mentee_clash:
        raise BookingError(_("You already have a session booked at this time."), code="mentee_overlap")


def _claim_and_book(
    *, slot_id: int, mentee: User, note: str, expected_start: dt.datetime | None, now: dt.datetime, hold: bool = False
) -> Booking:
    # One mentee's bookings take turns (a row lock until commit), or two at once could both pass the
    # overlap check, neither seeing the other's uncommitted booking. SQLite's IMMEDIATE transactions
    # already take turns.
    list(User.objects.select_for_update().filter(pk=mentee.pk).values_list("pk", flat=True))
    slot = (
        Slot.objects.select_related("mentor", "mentor__mentor_profile")
        .annotate(mentee_clash=Exists(mentee_sessions_overlapping(mentee.pk).exclude(slot=OuterRef("pk"))))
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise BookingError(_("This slot no longer exists."), code="missing")
    if slot.mentor_id == mentee.pk:
        raise BookingError(_("You cannot book your own slot."), code="own_slot")
    if messaging_selectors.is_blocked(mentor=slot.mentor, mentee=mentee):  # either side blocked the other
        raise BookingError(_("You cannot book this mentor: one of you has blocked the other."), code="blocked")
    if not has_verified_email(slot.mentor):  # the booking would mail an address nobody proved
        raise BookingError(_("This mentor is not taking bookings yet."), code="unavailable")
    _check_bookable(slot, expected_start=expected_start, now=now)
    schedule = weekly.day_cap_guard(slot)
    if slot.status == Slot.Status.BOOKED and holds_release_expired(now=now, slot_id=slot.pk):
        slot.status = Slot.Status.AVAILABLE  # a hold on it had run out: released on the spot
    _claim(slot, now=now)
    booking = Booking(
        slot=slot,
        mentor=slot.mentor,
        mentee=mentee,
        note=note.strip(),
        created_at=now,
        meeting_url=new_meeting_url(slot.mentor),
        status=Booking.Status.PENDING if hold else Booking.Status.CONFIRMED,
        hold_expires_at=now + dt.timedelta(minutes=settings.BOOKING_HOLD_MINUTES) if hold else None,
        price=slot.mentor.mentor_profile.price if hold else None,
    )
    # slot, mentor and mentee were just loaded: skip re-querying them; the DB constraints still apply
    booking.full_clean(exclude=["slot", "mentor", "mentee"], validate_constraints=False)
    booking.save()
    slot.status = Slot.Status.BOOKED
    weekly.enforce_daily_cap(slot, schedule=schedule)
    if hold:
        _bookings_changed(booking)  # the slot is off the directory; the participants hear once it is paid
    else:
        _announce(booking)
    return booking


def _announce(booking: Booking) -> None:
    """A booking is made: the confirmation (with the invite) to both sides, a notification to the mentor."""
    emails.enqueue_booking_confirmed(booking)
    notify(
        recipient=booking.mentor,
        kind=kinds.BOOKING_CREATED,
        params={"name": booking.mentee.display_name, "start": booking.slot.start.isoformat()},
        person=booking.mentee,
        link=booking.get_absolute_url(),
    )
    hooks.fire(hooks.CONFIRMED, booking=booking)
    _bookings_changed(booking)


def booking_cancel(
    *,
    booking: Booking,
    by: User,
    reason: str = "",
    hide_slot: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """
    Cancel a confirmed booking before it starts; its slot is freed (or hidden, if its mentor asks).
    The booking is locked and read again inside the transaction: a move a moment earlier changed its
    slot, and the slot freed must be the one it holds now.
    """
    now = now or timezone.now()
    if not (by.pk in (booking.mentee_id, booking.mentor_id) or by.is_staff):
        raise BookingError(_("You cannot cancel this booking."), code="forbidden")
    if not by.is_staff:
        require_verified_email(by)  # the reason goes out by mail
    with transaction.atomic():
        locked = Booking.objects.select_for_update(of=("self",)).select_related("slot").filter(pk=booking.pk).first()
        if locked is None or locked.status != Booking.Status.CONFIRMED:
            raise _hold_refusal(locked, by) or BookingError(
                _("This booking is already cancelled."), code="already_cancelled"
            )
        slot = locked.slot
        if slot.start <= now:
            raise BookingError(_("This session has already started and can no longer be cancelled."), code="started")
        Booking.objects.filter(pk=locked.pk).update(
            status=Booking.Status.CANCELLED,
            cancelled_at=now,
            cancelled_by=by,
            cancel_reason=reason.strip(),
            sequence=F("sequence") + 1,
        )
        # A hidden slot (its mentor is leaving) comes back with their weekly hours if they keep the account.
        freed = {"status": Slot.Status.HIDDEN, "hidden_by_publisher": slot.from_weekly_hours} if hide_slot else {}
        Slot.objects.filter(pk=slot.pk, status=Slot.Status.BOOKED).update(
            **({"status": Slot.Status.AVAILABLE} | freed), updated_at=now
        )
        booking.refresh_from_db()
        if by.pk not in (booking.mentee_id, booking.mentor_id):  # staff, for someone
            event_record(
                action=Event.Action.BOOKING_CANCEL,
                actor=by,
                target=booking,
                changes={"status": [Booking.Status.CONFIRMED, Booking.Status.CANCELLED], "reason": reason.strip()},
                now=now,
            )
        # Whatever follows a cancellation in other apps (a refund) happens in this transaction, or not at all.
        hooks.fire(hooks.CANCELLED, booking=booking, by=by, now=now)
        # A day that was full (max_per_day) has room again: the mentor's weekly hours republish it.
        weekly.weekly_publish(mentor=booking.mentor, now=now)
        emails.enqueue_booking_cancelled(booking)
        for recipient in _others(booking, by):
            notify(
                recipient=recipient,
                kind=kinds.BOOKING_CANCELLED,
                params={"name": by.display_name, "start": slot.start.isoformat()},
                person=by,
                link=booking.get_absolute_url(),
            )
        _bookings_changed(booking)
    return booking


def booking_reschedule(
    *,
    booking: Booking,
    new_slot_id: int,
    by: User,
    expected_start: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """
    Move a confirmed booking to another free slot of the same mentor, up to the minimum notice before
    its current start and at most BOOKING_MAX_RESCHEDULES times. One transaction claims the new slot
    (as booking does: two people moving into one slot, one wins) and frees the old one, so the old
    slot is never left booked. The booking keeps its id and calendar UID; its SEQUENCE goes up, both
    sides are emailed the old and the new time with a REQUEST invite, and reminders follow the new time.
    """
    now = now or timezone.now()
    if by.pk not in (booking.mentee_id, booking.mentor_id):
        raise BookingError(_("You cannot move this booking."), code="forbidden")
    require_verified_email(by)
    try:
        with transaction.atomic():
            previous_start = booking.slot.start
            moved = _move(booking=booking, new_slot_id=new_slot_id, expected_start=expected_start, by=by, now=now)
            hooks.fire(hooks.MOVED, booking=moved, by=by, previous_start=previous_start, now=now)
            for recipient in _others(moved, by):
                notify(
                    recipient=recipient,
                    kind=kinds.BOOKING_MOVED,
                    params={
                        "name": by.display_name,
                        "start": moved.slot.start.isoformat(),
                        "previous_start": previous_start.isoformat(),
                    },
                    person=by,
                    link=moved.get_absolute_url(),
                )
            return moved
    except IntegrityError:  # the one-confirmed-booking-per-slot index saw another booking take it
        raise SlotTakenError() from None


def _hold_refusal(booking: Booking | None, by: User | None = None) -> BookingError | None:
    """
    Why a time held for payment, or one whose hold ended, cannot be cancelled or moved (None for other
    bookings): in the payer's words to the payer, in plain words to anyone else (staff).
    """
    if booking is not None and booking.status == Booking.Status.PENDING:
        if by is not None and by.pk == booking.mentee_id:
            message = _("This time is held for your payment: pay for it, or give it up to choose another.")
        else:
            message = _("This time is held for a payment; it is not a booking yet.")
        return BookingError(message, code="held")
    if booking is not None and booking.status == Booking.Status.EXPIRED:
        return BookingError(_("This time was not paid for and is no longer held."), code="expired")
    return None


def move_refusal(booking: Booking, *, now: dt.datetime | None = None, by: User | None = None) -> BookingError | None:
    """
    Why the booking cannot be moved now (cancelled, within the minimum notice, moved the most times
    allowed), or None when it can: the move checks it on the locked row, the pages before offering one.
    """
    now = now or timezone.now()
    if booking.status != Booking.Status.CONFIRMED:
        return _hold_refusal(booking, by) or BookingError(
            _("This booking is cancelled and cannot be moved."), code="cancelled"
        )
    if booking.slot.start < now + dt.timedelta(minutes=settings.BOOKING_MIN_NOTICE_MINUTES):
        return BookingError(
            _("A session can be moved up to %(notice)s before it starts; this one starts sooner.")
            % {"notice": duration(settings.BOOKING_MIN_NOTICE_MINUTES)},
            code="too_late",
        )
    if booking.reschedule_count >= settings.BOOKING_MAX_RESCHEDULES:
        return BookingError(
            ngettext(
                "This session has already been moved %(n)d time, the most allowed. You can still cancel it.",
                "This session has already been moved %(n)d times, the most allowed. You can still cancel it.",
                booking.reschedule_count,
            )
            % {"n": booking.reschedule_count},
            code="limit",
        )
    return None


def _move(
    *, booking: Booking, new_slot_id: int, expected_start: dt.datetime | None, by: User, now: dt.datetime
) -> Booking:
    # The mentee's bookings take turns (as in booking_create), then this booking's row is locked.
    list(User.objects.select_for_update().filter(pk=booking.mentee_id).values_list("pk", flat=True))
    locked = Booking.objects.select_for_update(of=("self",)).select_related("slot").filter(pk=booking.pk).first()
    if locked is None:
        raise BookingError(_("This booking is cancelled and cannot be moved."), code="cancelled")
    refusal = move_refusal(locked, now=now, by=by)
    if refusal is not None:
        raise refusal
    old = locked.slot
    slot = (
        Slot.objects.select_related("mentor")
        .annotate(mentee_clash=Exists(mentee_sessions_overlapping(locked.mentee_id).exclude(pk=locked.pk)))
        .filter(pk=new_slot_id, mentor_id=locked.mentor_id)
        .first()
    )
    if slot is None:
        raise BookingError(_("This time is not one of your mentor's free times."), code="missing")
    if slot.pk == old.pk:
        raise BookingError(_("The session is already at this time."), code="same")
    if slot.mentee_clash and by.pk != locked.mentee_id:  # the mentor moving it: the clash is the client's
        raise BookingError(client_busy_message(), code="mentee_overlap")
    _check_bookable(slot, expected_start=expected_start, now=now)
    schedule = weekly.day_cap_guard(slot)
    _claim(slot, now=now)
    Booking.objects.filter(pk=locked.pk).update(
        slot=slot,
        sequence=F("sequence") + 1,
        reschedule_count=F("reschedule_count") + 1,
        rescheduled_at=now,
    )
    Slot.objects.filter(pk=old.pk, status=Slot.Status.BOOKED).update(status=Slot.Status.AVAILABLE, updated_at=now)
    weekly.enforce_daily_cap(slot, schedule=schedule)
    if schedule is not None:  # the day left may have room again
        weekly.weekly_publish(mentor=locked.mentor, now=now)
    reminders, _by_model = Reminder.objects.filter(booking=locked).delete()
    if reminders:  # only then can reminder mail for the old time be waiting in the outbox
        emails.drop_queued_reminders(locked, now=now)
    booking.refresh_from_db()
    emails.enqueue_booking_rescheduled(booking, previous_start=old.start)
    _bookings_changed(booking)
    return booking


def booking_no_show(*, booking: Booking, by: User, now: dt.datetime | None = None) -> Booking:
    """
    After the start, the mentor says the client did not come, or the client says the mentor did not;
    once per booking, up to BOOKING_NO_SHOW_DAYS after the end. It feeds the refund rules (a mentor who
    did not come refunds in full, through the hook) and keeps the session from being reviewed.
    """
    now = now or timezone.now()
    if by.pk not in (booking.mentee_id, booking.mentor_id):
        raise BookingError(_("You did not take part in this session."), code="forbidden")
    with transaction.atomic():
        locked = Booking.objects.select_for_update(of=("self",)).select_related("slot").filter(pk=booking.pk).first()
        if locked is None or locked.status != Booking.Status.CONFIRMED:
            raise BookingError(_("Only a confirmed session can be reported."), code="not_confirmed")
        if locked.slot.start + NO_SHOW_GRACE > now:
            raise BookingError(
                _("You can report this from %(minutes)d minutes after the start.")
                % {"minutes": NO_SHOW_GRACE.total_seconds() // 60},
                code="not_started",
            )
        if locked.slot.end + dt.timedelta(days=settings.BOOKING_NO_SHOW_DAYS) < now:
            raise BookingError(
                ngettext(
                    "A missed session can be reported up to %(days)d day after it.",
                    "A missed session can be reported up to %(days)d days after it.",
                    settings.BOOKING_NO_SHOW_DAYS,
                )
                % {"days": settings.BOOKING_NO_SHOW_DAYS},
                code="too_late",
            )
        if message := hooks.refusal(hooks.NO_SHOW_REFUSAL, booking=locked):
            raise BookingError(message, code="refused")
        absent = Booking.NoShow.MENTEE if by.pk == locked.mentor_id else Booking.NoShow.MENTOR
        if not Booking.objects.filter(pk=locked.pk, no_show="").update(no_show=absent, no_show_at=now):
            raise BookingError(_("This session has already been reported as missed."), code="already_reported")
        booking.refresh_from_db()
        hooks.fire(hooks.NO_SHOW, booking=booking, by=by, now=now)
        for recipient in _others(booking, by):
            notify(
                recipient=recipient,
                kind=kinds.BOOKING_NO_SHOW,
                params={"name": by.display_name, "start": booking.slot.start.isoformat(), "absent": absent},
                person=by,
                link=booking.get_absolute_url(),
            )
        _bookings_changed(booking)
    return booking


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the user a calendar subscription link, or a new one: the old link stops working at once."""
    token = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": token, "created_at": timezone.now()}
    )
    return feed
