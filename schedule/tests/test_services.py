import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from icalendar import Calendar
from post_office.models import STATUS, Email

from accounts.tests.factories import MentorFactory, UserFactory
from schedule import services
from schedule.models import Booking, Slot
from schedule.services import BookingError
from schedule.tests.factories import BookingFactory, SlotFactory
from schedule.tests.outbox import invite, queued, rendered

pytestmark = pytest.mark.django_db

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


# --- slot_create ---


def test_a_mentor_publishes_a_slot(mentor):
    slot = services.slot_create(mentor=mentor, start=at(24), end=at(25), now=NOW)
    assert slot.status == Slot.Status.AVAILABLE
    assert slot.duration_minutes == 60


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (-2, -1, "past"),
        (5, 4, "end_before_start"),
        (5, 5.1, "bad_length"),
        (5, 15, "bad_length"),
    ],
)
def test_invalid_slots_are_refused(mentor, start, end, code):
    with pytest.raises(BookingError) as error:
        services.slot_create(mentor=mentor, start=at(start), end=at(end), now=NOW)
    assert error.value.code == code
    assert not Slot.objects.exists()


def test_a_mentee_cannot_publish_slots(mentee):
    with pytest.raises(BookingError, match="Only mentors"):
        services.slot_create(mentor=mentee, start=at(24), end=at(25), now=NOW)


def test_overlapping_slots_of_one_mentor_are_refused_but_touching_ones_are_fine(mentor):
    services.slot_create(mentor=mentor, start=at(24), end=at(25), now=NOW)
    with pytest.raises(BookingError, match="overlaps"):
        services.slot_create(mentor=mentor, start=at(24.5), end=at(25.5), now=NOW)
    services.slot_create(mentor=mentor, start=at(25), end=at(26), now=NOW)
    other = MentorFactory()
    services.slot_create(mentor=other, start=at(24), end=at(25), now=NOW)
    assert Slot.objects.count() == 3


def test_the_database_refuses_a_slot_that_ends_before_it_starts(mentor):
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(mentor=mentor, start=at(5), end=at(4))


# --- slot_bulk_create and daylight saving ---


def _bulk(mentor, **overrides):
    options = {
        "first_day": dt.date(2026, 11, 30),
        "weeks": 1,
        "weekdays": [0, 1, 2, 3, 4],
        "day_start": dt.time(10, 0),
        "day_end": dt.time(13, 0),
        "session_minutes": 60,
        "buffer_minutes": 0,
        "now": NOW,
    }
    options.update(overrides)
    return services.slot_bulk_create(mentor=mentor, **options)


def test_bulk_creation_lays_out_weekdays_times_and_weeks(mentor):
    result = _bulk(mentor, weeks=2)

    assert (result.created, result.skipped) == (30, 0)
    first = Slot.objects.order_by("start").first()
    assert first.start.astimezone(KYIV) == dt.datetime(2026, 11, 30, 10, 0, tzinfo=KYIV)


def test_bulk_creation_runs_until_midnight_when_the_day_ends_at_00_00(mentor):
    result = _bulk(mentor, weekdays=[0], day_start=dt.time(22), day_end=dt.time(0))
    assert result.created == 2
    last = Slot.objects.order_by("start").last()
    assert last.end.astimezone(KYIV) == dt.datetime(2026, 12, 1, 0, 0, tzinfo=KYIV)
    with pytest.raises(BookingError, match="end of the day must be after its start"):
        _bulk(mentor, day_start=dt.time(22), day_end=dt.time(21))


def test_bulk_creation_leaves_a_buffer_between_sessions(mentor):
    result = _bulk(mentor, weekdays=[0], session_minutes=45, buffer_minutes=15)
    starts = [s.start.astimezone(KYIV).strftime("%H:%M") for s in Slot.objects.order_by("start")]
    assert result.created == 3
    assert starts == ["10:00", "11:00", "12:00"]


def test_a_slot_that_starts_too_soon_to_be_booked_is_refused_not_published(mentor):
    with pytest.raises(BookingError, match="Mentees book at least 2 hours ahead") as refused:
        services.slot_create(
            mentor=mentor, start=NOW + dt.timedelta(minutes=25), end=NOW + dt.timedelta(hours=1), now=NOW
        )
    assert refused.value.code == "too_soon" and not Slot.objects.exists()
    services.slot_create(mentor=mentor, start=NOW + dt.timedelta(hours=2), end=NOW + dt.timedelta(hours=3), now=NOW)


def test_bulk_creation_skips_past_times_and_overlaps_and_reports_them(mentor):
    services.slot_create(
        mentor=mentor,
        start=dt.datetime(2026, 11, 23, 13, 30, tzinfo=KYIV),
        end=dt.datetime(2026, 11, 23, 14, 0, tzinfo=KYIV),
        now=NOW,
    )
    # NOW is 11:00 Kyiv on Monday 23 November: 10:00 and 11:00 are not in the future, 12:00 is within
    # the 2 hours' notice (never bookable), 13:00 overlaps.
    result = _bulk(mentor, first_day=dt.date(2026, 11, 23), weekdays=[0], day_end=dt.time(15, 0))

    assert (result.created, result.skipped_past, result.skipped_soon, result.skipped_overlap) == (1, 2, 1, 1)
    assert result.summary() == (
        "1 slot created. 2 skipped because they are in the past. 1 skipped because it starts too soon to be "
        "booked. 1 skipped because it overlaps an existing slot."
    )


def test_bulk_creation_running_twice_creates_nothing_new(mentor):
    _bulk(mentor)
    again = _bulk(mentor)
    assert again.created == 0 and again.skipped_overlap == 15
    assert Slot.objects.count() == 15


@pytest.mark.parametrize(
    ("tzname", "first_day"),
    [
        ("Europe/Kyiv", dt.date(2026, 10, 19)),  # clocks go back on 25 October 2026
        ("Europe/Kyiv", dt.date(2027, 3, 22)),  # clocks go forward on 28 March 2027
        ("America/New_York", dt.date(2026, 10, 26)),  # back on 1 November 2026
        ("America/New_York", dt.date(2027, 3, 8)),  # forward on 14 March 2027
    ],
)
def test_recurring_slots_keep_their_wall_clock_time_across_daylight_saving(tzname, first_day):
    mentor = MentorFactory(timezone=tzname)
    tz = zoneinfo.ZoneInfo(tzname)

    result = services.slot_bulk_create(
        mentor=mentor,
        first_day=first_day,
        weeks=2,
        weekdays=[0, 2, 4],
        day_start=dt.time(10, 0),
        day_end=dt.time(11, 0),
        session_minutes=60,
        now=dt.datetime.combine(first_day - dt.timedelta(days=7), dt.time(), tzinfo=dt.UTC),
    )

    slots = list(Slot.objects.order_by("start"))
    assert result.created == 6
    assert {s.start.astimezone(tz).time() for s in slots} == {dt.time(10, 0)}
    assert {s.duration_minutes for s in slots} == {60}
    assert len({s.start.astimezone(tz).utcoffset() for s in slots}) == 2  # the offset really changed


def test_a_local_time_skipped_by_daylight_saving_is_not_created():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    # On Sunday 28 March 2027 Kyiv jumps from 03:00 to 04:00.
    result = services.slot_bulk_create(
        mentor=mentor,
        first_day=dt.date(2027, 3, 28),
        weeks=1,
        weekdays=[6],
        day_start=dt.time(2, 0),
        day_end=dt.time(5, 0),
        session_minutes=60,
        now=NOW,
    )
    starts = [s.start.astimezone(KYIV).strftime("%H:%M") for s in Slot.objects.order_by("start")]
    assert starts == ["02:00", "04:00"]
    assert result.created == 2


# --- hide, unhide, delete ---


def test_a_free_slot_can_be_hidden_shown_and_deleted():
    slot = SlotFactory()
    services.slot_set_hidden(slot=slot, hidden=True)
    assert Slot.objects.get().status == Slot.Status.HIDDEN
    services.slot_set_hidden(slot=slot, hidden=False)
    assert Slot.objects.get().status == Slot.Status.AVAILABLE
    services.slot_delete(slot=slot)
    assert not Slot.objects.exists()


def test_a_booked_slot_cannot_be_hidden_or_deleted():
    booking = BookingFactory()
    with pytest.raises(BookingError, match="Cancel the booking first"):
        services.slot_set_hidden(slot=booking.slot, hidden=True)
    with pytest.raises(BookingError, match="Cancel the booking first"):
        services.slot_delete(slot=booking.slot)
    assert Slot.objects.get().status == Slot.Status.BOOKED


def test_a_slot_with_booking_history_is_kept(mentee):
    booking = BookingFactory(status=Booking.Status.CANCELLED, slot__status=Slot.Status.AVAILABLE)
    with pytest.raises(BookingError, match="history"):
        services.slot_delete(slot=booking.slot)
    assert Booking.objects.exists()


# --- booking_create ---


def test_a_mentee_books_a_free_slot_and_both_sides_get_an_invite(mentee, django_capture_on_commit_callbacks):
    slot = SlotFactory(start=at(24), end=at(25))

    booking = services.booking_create(slot_id=slot.pk, mentee=mentee, note=" Career change ", now=NOW)

    slot.refresh_from_db()
    assert slot.status == Slot.Status.BOOKED
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.note == "Career change"
    emails = queued("confirmation")
    assert [e.to for e in emails] == [[mentee.email], [slot.mentor.email]]
    assert all(e.status == STATUS.queued for e in emails)  # queued, not sent by the request


def test_the_invite_parses_back_with_the_right_times_uid_and_method(mentee):
    slot = SlotFactory(start=at(24), end=at(25))
    booking = services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)

    [mail] = [m for m in queued("confirmation") if m.to == [mentee.email]]
    calendar = Calendar.from_ical(invite(rendered(mail)))
    event = calendar.walk("VEVENT")[0]

    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == booking.calendar_uid
    assert event.decoded("DTSTART") == at(24)
    assert event.decoded("DTEND") == at(25)
    assert event.decoded("DTSTART").tzinfo.utcoffset(None) == dt.timedelta(0)
    assert str(event["ORGANIZER"]) == f"mailto:{slot.mentor.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{mentee.email}"


def test_the_confirmation_email_shows_both_zones(mentee):
    slot = SlotFactory(start=at(24), end=at(25))  # 10:00 UTC = 12:00 Kyiv = 05:00 New York
    services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)
    [row] = [m for m in queued("confirmation") if m.to == [mentee.email]]
    mail = rendered(row)
    assert "05:00" in mail.body and "America/New York" in mail.body
    assert "12:00" in mail.body and "Europe/Kyiv" in mail.body
    [(html, _mimetype)] = mail.alternatives
    assert "/bookings/" in mail.body and "<a href" in html


HOSTILE_NAME = "Seán O'Brien & <Co>"
HOSTILE_TEXT = "Bring <b>notes</b> & 'ideas' \"quoted\""


def test_plain_text_emails_and_subjects_carry_names_and_notes_as_written(django_capture_on_commit_callbacks):
    """Text parts and subjects are not HTML: no &amp; or &#x27; there; the HTML part stays escaped."""
    mentor = MentorFactory(first_name=HOSTILE_NAME, last_name="")
    mentee = UserFactory(first_name="Ann & <Bob>", last_name="")
    slot = SlotFactory(mentor=mentor, start=at(24), end=at(25))
    booking = services.booking_create(slot_id=slot.pk, mentee=mentee, note=HOSTILE_TEXT, now=NOW)
    [confirmation] = [m for m in queued("confirmation") if m.to == [mentee.email]]
    mail = rendered(confirmation)
    assert HOSTILE_NAME in mail.subject and HOSTILE_NAME in mail.body and HOSTILE_TEXT in mail.body
    assert "&amp;" not in mail.body + mail.subject and "&#x27;" not in mail.body + mail.subject
    [(html, _mimetype)] = mail.alternatives
    assert "O&#x27;Brien &amp; &lt;Co&gt;" in html and "<b>notes</b>" not in html

    services.booking_cancel(booking=booking, by=mentor, reason=HOSTILE_TEXT, now=NOW)
    [cancellation] = [m for m in queued("cancellation") if m.to == [mentee.email]]
    mail = rendered(cancellation)
    assert HOSTILE_TEXT in mail.body and HOSTILE_NAME in mail.subject and "&amp;" not in mail.subject


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("own", "own_slot"),
        ("past", "past"),
        ("notice", "notice"),
        ("hidden", "unavailable"),
        ("taken", "taken"),
        ("clash", "mentee_overlap"),
        ("inactive_mentor", "unavailable"),
        ("moved", "moved"),
    ],
)
def test_booking_rules_refuse_with_a_clear_message_and_change_nothing(mentee, setup, code):
    slot = SlotFactory(start=at(24), end=at(25))
    booker, shown_start = mentee, None
    if setup == "own":
        booker = slot.mentor
    elif setup == "past":
        slot = SlotFactory(start=at(-3), end=at(-2))
    elif setup == "notice":
        slot = SlotFactory(start=at(1), end=at(2))
    elif setup == "hidden":
        slot = SlotFactory(start=at(30), end=at(31), status=Slot.Status.HIDDEN)
    elif setup == "taken":
        services.booking_create(slot_id=slot.pk, mentee=UserFactory(), now=NOW)
    elif setup == "inactive_mentor":
        slot.mentor.is_active = False
        slot.mentor.save()
    elif setup == "clash":
        other = SlotFactory(start=at(24.5), end=at(25.5))
        services.booking_create(slot_id=other.pk, mentee=mentee, now=NOW)
    elif setup == "moved":  # the mentee was shown 24h from now; the mentor moved it since
        shown_start = slot.start
        services.slot_update(slot=slot, start=at(48), end=at(49), now=NOW)
    bookings_before, emails_before = Booking.objects.count(), Email.objects.count()
    status_before = Slot.objects.get(pk=slot.pk).status

    with pytest.raises(BookingError) as error:
        services.booking_create(slot_id=slot.pk, mentee=booker, expected_start=shown_start, now=NOW)

    assert error.value.code == code
    assert error.value.message
    assert Booking.objects.count() == bookings_before
    assert Email.objects.count() == emails_before
    assert Slot.objects.get(pk=slot.pk).status == status_before


def test_the_partial_unique_constraint_allows_one_confirmed_booking_per_slot(mentee):
    booking = BookingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=booking.slot, mentor=booking.mentor, mentee=mentee)
    booking.status = Booking.Status.CANCELLED
    booking.save()
    Booking.objects.create(slot=booking.slot, mentor=booking.mentor, mentee=mentee)  # a cancelled one does not block


def test_when_mail_rendering_fails_the_booking_rolls_back(mentee, monkeypatch):
    slot = SlotFactory(start=at(24), end=at(25))

    def broken(booking):
        raise RuntimeError("template missing")

    monkeypatch.setattr(services.emails, "enqueue_booking_confirmed", broken)
    with pytest.raises(RuntimeError):
        services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)
    assert not Booking.objects.exists()
    assert Slot.objects.get().status == Slot.Status.AVAILABLE


# --- booking_cancel ---


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_either_side_cancels_and_the_slot_is_free_again(mentee, side):
    slot = SlotFactory(start=at(24), end=at(25))
    booking = services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)
    by = mentee if side == "mentee" else slot.mentor

    services.booking_cancel(booking=booking, by=by, reason="Sick", now=NOW)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancelled_by == by and booking.cancel_reason == "Sick"
    assert Slot.objects.get().status == Slot.Status.AVAILABLE
    cancel_mails = queued("cancellation")
    assert sorted(m.to[0] for m in cancel_mails) == sorted([mentee.email, slot.mentor.email])
    message = rendered(cancel_mails[0])
    assert message.subject.startswith("Cancelled") and "Sick" in message.body
    calendar = Calendar.from_ical(invite(message))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == booking.calendar_uid
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 1


def test_a_mentor_may_hide_the_slot_when_cancelling(mentee):
    slot = SlotFactory(start=at(24), end=at(25))
    booking = services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)
    services.booking_cancel(booking=booking, by=slot.mentor, hide_slot=True, now=NOW)
    assert Slot.objects.get().status == Slot.Status.HIDDEN


def test_a_booking_cannot_be_cancelled_twice_after_start_or_by_a_stranger(mentee):
    slot = SlotFactory(start=at(24), end=at(25))
    booking = services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)
    with pytest.raises(BookingError, match="cannot cancel"):
        services.booking_cancel(booking=booking, by=UserFactory(), now=NOW)
    with pytest.raises(BookingError, match="already started"):
        services.booking_cancel(booking=booking, by=mentee, now=at(24.5))
    services.booking_cancel(booking=booking, by=mentee, now=NOW)
    with pytest.raises(BookingError, match="already cancelled"):
        services.booking_cancel(booking=booking, by=mentee, now=NOW)


def test_a_booking_whose_end_has_passed_shows_as_completed():
    booking = BookingFactory(slot__start=at(-3), slot__end=at(-2))
    with time_machine.travel(NOW, tick=False):
        assert booking.is_completed
        assert booking.display_status == "Completed"


# --- limits: the horizon and the size of one bulk request ---


def test_a_slot_beyond_the_booking_horizon_is_refused(mentor, settings):
    settings.BOOKING_HORIZON_DAYS = 30
    with pytest.raises(BookingError) as refused:
        services.slot_create(mentor=mentor, start=at(31 * 24), end=at(31 * 24 + 1), now=NOW)
    assert refused.value.code == "horizon" and not Slot.objects.exists()


def test_a_slot_cannot_be_moved_beyond_the_horizon_either(mentor, settings):
    settings.BOOKING_HORIZON_DAYS = 30
    slot = services.slot_create(mentor=mentor, start=at(24), end=at(25), now=NOW)
    with pytest.raises(BookingError) as refused:
        services.slot_update(slot=slot, start=at(40 * 24), end=at(40 * 24 + 1), now=NOW)
    assert refused.value.code == "horizon"


def test_one_bulk_request_publishes_at_most_500_slots_and_says_so(mentor):
    with pytest.raises(BookingError) as refused:
        services.slot_bulk_create(
            mentor=mentor,
            first_day=NOW.date() + dt.timedelta(days=1),
            weeks=12,
            weekdays=range(7),
            day_start=dt.time(0, 0),
            day_end=dt.time(23, 45),
            session_minutes=15,
            now=NOW,
        )
    assert refused.value.code == "too_many" and "at most 500" in refused.value.message
    assert not Slot.objects.exists()


def test_bulk_times_past_the_horizon_are_skipped_and_counted(mentor, settings):
    settings.BOOKING_HORIZON_DAYS = 10
    result = services.slot_bulk_create(
        mentor=mentor,
        first_day=NOW.date() + dt.timedelta(days=1),
        weeks=3,
        weekdays=range(7),
        day_start=dt.time(10, 0),
        day_end=dt.time(11, 0),
        session_minutes=60,
        now=NOW,
    )
    assert result.created == 10 and result.skipped_horizon == 11
    assert "more than 10 days ahead" in result.summary()


def test_bulk_sessions_in_the_repeated_autumn_hour_last_exactly_their_length():
    """Kyiv, 25 October 2026: 03:00-04:00 happens twice. A 60-minute session is 60 minutes long."""
    mentor = MentorFactory(timezone="Europe/Kyiv")
    services.slot_bulk_create(
        mentor=mentor,
        first_day=dt.date(2026, 10, 25),
        weeks=1,
        weekdays=[6],
        day_start=dt.time(2, 0),
        day_end=dt.time(5, 0),
        session_minutes=60,
        now=dt.datetime(2026, 10, 20, tzinfo=dt.UTC),
    )
    assert {s.duration_minutes for s in Slot.objects.all()} == {60}
    assert [s.start.astimezone(KYIV).strftime("%H:%M") for s in Slot.objects.order_by("start")] == [
        "02:00",
        "03:00",
        "04:00",
    ]
