"""Moving a confirmed booking to another free time of the same mentor."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from accounts.tests.factories import MentorFactory, UserFactory
from schedule import emails, services
from schedule.models import Booking, Reminder, Slot
from schedule.services import BookingError
from schedule.tests.factories import SlotFactory
from schedule.tests.outbox import invite, queued, rendered

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


@pytest.fixture
def booked(mentee):
    mentor = MentorFactory(first_name="Seán O'Brien", last_name="& Co")
    slot = SlotFactory(mentor=mentor, start=at(48), end=at(49))
    return services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)


def free_slot(booking, hours=72):
    return SlotFactory(mentor=booking.mentor, start=at(hours), end=at(hours + 1))


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_either_side_moves_the_session_and_the_old_time_is_free_again(booked, who):
    old_slot, new_slot = booked.slot, free_slot(booked)
    by = booked.mentee if who == "mentee" else booked.mentor

    moved = services.booking_reschedule(booking=booked, new_slot_id=new_slot.pk, by=by, now=NOW)

    assert moved.pk == booked.pk and moved.slot_id == new_slot.pk
    assert moved.sequence == 1 and moved.reschedule_count == 1 and moved.rescheduled_at == NOW
    assert Slot.objects.get(pk=old_slot.pk).status == Slot.Status.AVAILABLE
    assert Slot.objects.get(pk=new_slot.pk).status == Slot.Status.BOOKED


def test_both_sides_are_told_from_when_to_when_with_the_same_calendar_event(booked, mentee):
    new_slot = free_slot(booked)
    services.booking_reschedule(booking=booked, new_slot_id=new_slot.pk, by=mentee, now=NOW)

    rows = queued("rescheduled")
    assert sorted(r.to[0] for r in rows) == sorted([mentee.email, booked.mentor.email])
    mail = rendered(next(r for r in rows if r.to == [mentee.email]))
    assert "moved from" in mail.body and "Seán O'Brien" in mail.subject and "&amp;" not in mail.subject
    assert "Wednesday, 25 November 2026, 04:00" in mail.body  # the old time in New York...
    assert "Thursday, 26 November 2026, 04:00" in mail.body  # ...and the new one
    [event] = Calendar.from_ical(invite(mail)).walk("VEVENT")
    cal = Calendar.from_ical(invite(mail))
    assert str(cal["METHOD"]) == "REQUEST" and str(event["UID"]) == booked.calendar_uid
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART") == new_slot.start


def test_reminders_follow_the_new_time_and_none_is_left_for_the_old_one(booked, mentee, settings):
    settings.REMINDER_OFFSETS = [1440]
    # 23.5 h before the old start: the 24 h reminder goes out (queued then: the outbox stamps the real clock).
    with time_machine.travel(at(24.5), tick=False):
        services.reminder_sweep(now=at(24.5))
    assert Reminder.objects.filter(booking=booked).count() == 2
    new_slot = free_slot(booked, hours=96)

    services.booking_reschedule(booking=booked, new_slot_id=new_slot.pk, by=mentee, now=at(25))

    assert not Reminder.objects.filter(booking=booked).exists()
    # The queued reminders for the old time expire (a drain holding one drops it at delivery).
    old_reminders = queued("reminder")
    assert old_reminders and {m.expires_at for m in old_reminders} == {at(25)}
    assert all(emails.prepare([m])[m.pk] is None for m in old_reminders)
    services.reminder_sweep(now=at(30))  # far from the new time: nothing yet
    assert not Reminder.objects.filter(booking=booked).exists()
    services.reminder_sweep(now=at(72.5))  # 23.5 h before the new start
    assert Reminder.objects.filter(booking=booked, status=Reminder.Status.SENT).count() == 2


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("too_late", "too_late"),
        ("limit", "limit"),
        ("other_mentor", "missing"),
        ("same", "same"),
        ("taken", "taken"),
        ("hidden", "unavailable"),
        ("clash", "mentee_overlap"),
        ("cancelled", "cancelled"),
        ("stranger", "forbidden"),
        ("moved", "moved"),
    ],
)
def test_a_move_that_breaks_a_rule_is_refused_and_changes_nothing(booked, mentee, settings, setup, code):
    target = free_slot(booked)
    by, now, expected = mentee, NOW, None
    if setup == "too_late":
        now = at(47)  # the session starts in 1 h: less than the 2 h notice
    elif setup == "limit":
        settings.BOOKING_MAX_RESCHEDULES = 0
    elif setup == "other_mentor":
        target = SlotFactory(start=at(72), end=at(73))
    elif setup == "same":
        target = booked.slot
    elif setup == "taken":
        services.booking_create(slot_id=target.pk, mentee=UserFactory(), now=NOW)
    elif setup == "hidden":
        Slot.objects.filter(pk=target.pk).update(status=Slot.Status.HIDDEN)
    elif setup == "clash":
        other = SlotFactory(start=at(72), end=at(73))
        services.booking_create(slot_id=other.pk, mentee=mentee, now=NOW)
    elif setup == "cancelled":
        services.booking_cancel(booking=booked, by=mentee, now=NOW)
    elif setup == "stranger":
        by = UserFactory()
    elif setup == "moved":
        expected = target.start - dt.timedelta(hours=1)
    before = Booking.objects.get(pk=booked.pk)

    with pytest.raises(BookingError) as refused:
        services.booking_reschedule(booking=booked, new_slot_id=target.pk, by=by, expected_start=expected, now=now)

    assert refused.value.code == code
    after = Booking.objects.get(pk=booked.pk)
    assert (after.slot_id, after.sequence, after.reschedule_count) == (before.slot_id, before.sequence, 0)
    assert not queued("rescheduled")


def test_a_booking_can_be_moved_only_the_allowed_number_of_times(booked, mentee, settings):
    settings.BOOKING_MAX_RESCHEDULES = 2
    for hours in (72, 96):
        services.booking_reschedule(booking=booked, new_slot_id=free_slot(booked, hours).pk, by=mentee, now=NOW)
    with pytest.raises(BookingError) as refused:
        services.booking_reschedule(booking=booked, new_slot_id=free_slot(booked, 120).pk, by=mentee, now=NOW)
    assert refused.value.code == "limit" and "2 times" in refused.value.message


# --- the pages: the week picker on the mentor page and on "move the session" ---


def _week_of_slots(mentor, days=56):
    """Half-hour slots 9:00-18:00 every day for eight weeks, as a busy mentor publishes them."""
    from django.utils import timezone

    base = (timezone.now() + dt.timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)
    Slot.objects.bulk_create(
        Slot(mentor=mentor, start=start, end=start + dt.timedelta(minutes=30))
        for start in (base + dt.timedelta(days=d, minutes=30 * i) for d in range(days) for i in range(18))
    )


@time_machine.travel(NOW, tick=False)
def test_the_mentor_page_shows_one_week_however_far_the_mentor_publishes(client, django_assert_num_queries):
    mentor = MentorFactory()
    _week_of_slots(mentor)
    # The profile with its user, topics (as one JSON array) and earliest time; the week's slots; the
    # packages; the newest articles. (Six before: the topics and the earliest time were queries of their own.)
    with django_assert_num_queries(4):
        page = client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert 0 < page.count('href="/book/') <= 7 * 18  # not 1,008 buttons
    assert "Next week" in page and "Previous week" not in page


@time_machine.travel(NOW, tick=False)
def test_a_signed_in_viewer_sees_the_week_in_a_fixed_number_of_queries(client, mentee, django_assert_num_queries):
    mentor = MentorFactory()
    _week_of_slots(mentor)
    client.force_login(mentee)
    # The session and the user; the profile (with user, topics, earliest time); the week's slots; the
    # viewer's own sessions that week (clashes); the waitlist entry; the header's counts; whether the
    # viewer follows the mentor; the packages; the newest articles.
    with django_assert_num_queries(10):
        page = client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert 0 < page.count('href="/book/') <= 7 * 18


@time_machine.travel(NOW, tick=False)
def test_each_time_is_a_link_to_book_it_read_out_with_its_whole_date(client):
    mentor = MentorFactory()
    slot = SlotFactory(mentor=mentor, start=at(24), end=at(25))  # Tuesday 24 November 2026, 09:00 UTC
    page = client.get(mentor.mentor_profile.get_absolute_url(), HTTP_COOKIE="tz=UTC").content.decode()
    assert (
        f'<a class="btn btn-sm btn-outline-primary slot-btn" href="/book/{slot.pk}/" '
        'aria-label="Book Tuesday, 24 November 2026, 09:00">09:00</a>'
    ) in page
    heading = '<span class="day-heading-line">Tue 24 Nov</span><span class="day-heading-lines">Tue<br>24 Nov</span>'
    assert heading in page
    empty_day = '<span aria-hidden="true">—</span><span class="visually-hidden">No free times</span>'
    assert page.count(empty_day) == 6  # the other days of the week


@time_machine.travel(dt.datetime(2027, 10, 28, 9, 0, tzinfo=dt.UTC), tick=False)
def test_times_in_the_repeated_autumn_hour_carry_their_utc_offset_on_the_week(client):
    """Kyiv turns its clocks back at 04:00 on 31 October 2027: 03:00 and 03:30 happen twice."""
    mentor = MentorFactory()
    first = dt.datetime(2027, 10, 30, 23, 30, tzinfo=dt.UTC)  # 02:30 in Kyiv (UTC+3)
    for i in range(5):
        start = first + dt.timedelta(minutes=30 * i)
        SlotFactory(mentor=mentor, start=start, end=start + dt.timedelta(minutes=30))
    client.cookies["tz"] = "Europe%2FKyiv"
    page = client.get(mentor.mentor_profile.get_absolute_url(), {"week": "2027-10-31"}).content.decode()
    times = [m.group(1) for m in re.finditer(r'class="btn btn-sm btn-outline-primary slot-btn"[^>]*>([^<]+)</a>', page)]
    assert times == ["02:30", "03:00 (UTC+3)", "03:30 (UTC+3)", "03:00 (UTC+2)", "03:30 (UTC+2)"]
    assert 'aria-label="Book Sunday, 31 October 2027, 03:30 (UTC+2)"' in page


@time_machine.travel(NOW, tick=False)
def test_weeks_are_navigated_with_plain_links_and_absurd_weeks_are_clamped(client):
    from django.utils import timezone

    mentor = MentorFactory()
    _week_of_slots(mentor)
    url = mentor.mentor_profile.get_absolute_url()
    first = client.get(url).content.decode()
    next_week = (timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())).isoformat()
    second = client.get(url, {"week": next_week}).content.decode()
    assert "Previous week" in second and second != first
    for absurd in ("0001-01-01", "9999-12-31", "x" * 5000, "2026-02-30"):
        assert client.get(url, {"week": absurd}).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_time_that_clashes_with_the_viewers_own_session_is_marked(client, mentee):
    mentor, other = MentorFactory(), MentorFactory()
    slot = SlotFactory(mentor=mentor, start=at(24 * 3), end=at(24 * 3 + 1))
    SlotFactory(mentor=mentor, start=at(24 * 3 + 2), end=at(24 * 3 + 3))
    mine = SlotFactory(mentor=other, start=slot.start, end=slot.end)
    services.booking_create(slot_id=mine.pk, mentee=mentee)
    client.force_login(mentee)
    page = client.get(mentor.mentor_profile.get_absolute_url(), {"week": slot.start.date().isoformat()})
    html = page.content.decode()
    assert "Your session" in html and f'href="/book/{slot.pk}/"' not in html
    assert html.count('href="/book/') == 1


@time_machine.travel(NOW, tick=False)
def test_moving_a_session_from_its_page(client, booked, mentee):
    target = free_slot(booked)
    client.force_login(mentee)
    url = reverse("schedule:booking_reschedule", args=[booked.pk])
    page = client.get(url, {"week": target.start.date().isoformat()}).content.decode()
    assert f'value="{target.pk}:{int(target.start.timestamp())}"' in page
    assert f'value="{booked.slot_id}:' not in page  # not the current time
    assert "It can be moved 2 more times." in page

    choice = f"{target.pk}:{int(target.start.timestamp())}"
    confirm = client.get(url, {"slot": choice}).content.decode()  # picking a time asks first
    assert "Move the session?" in confirm and f'<input type="hidden" name="slot" value="{choice}">' in confirm
    assert "From Wednesday, 25 November 2026, 04:00 to Thursday, 26 November 2026, 04:00." in confirm
    assert Booking.objects.get(pk=booked.pk).slot_id == booked.slot_id

    response = client.post(url, {"slot": choice})

    assert response.status_code == 302 and response["Location"] == booked.get_absolute_url()
    assert Booking.objects.get(pk=booked.pk).slot_id == target.pk


@time_machine.travel(NOW, tick=False)
def test_a_time_taken_before_the_confirmation_is_said_and_the_week_shown_again(client, booked, mentee):
    target, other_mentors = free_slot(booked), SlotFactory(start=at(80), end=at(81))
    client.force_login(mentee)
    url = reverse("schedule:booking_reschedule", args=[booked.pk])
    for slot in (other_mentors, booked.slot):  # another mentor's time, the session's own
        page = client.get(url, {"slot": f"{slot.pk}:{int(slot.start.timestamp())}"}, follow=True).content.decode()
        assert "That time is no longer free. Choose another one." in page and "Move the session?" not in page
    services.booking_create(slot_id=target.pk, mentee=UserFactory(), now=NOW)
    page = client.get(url, {"slot": f"{target.pk}:{int(target.start.timestamp())}"}).content.decode()
    assert "That time is no longer free." in page
    assert Booking.objects.get(pk=booked.pk).slot_id == booked.slot_id


@time_machine.travel(NOW, tick=False)
def test_when_no_moves_are_left_the_pages_say_so_instead_of_offering_a_week(client, booked, mentee, settings):
    settings.BOOKING_MAX_RESCHEDULES = 1
    services.booking_reschedule(booking=booked, new_slot_id=free_slot(booked, 72).pk, by=mentee, now=NOW)
    free_slot(booked, 96)
    client.force_login(mentee)
    move_url = reverse("schedule:booking_reschedule", args=[booked.pk])
    assert move_url not in client.get(booked.get_absolute_url()).content.decode()
    page = client.get(move_url).content.decode()
    assert "This session has already been moved 1 time, the most allowed. You can still cancel it." in page
    assert 'name="slot"' not in page


@time_machine.travel(NOW, tick=False)
def test_the_mentor_moving_sees_the_client_s_other_sessions_as_busy_not_as_their_own(client, booked, mentee):
    target = free_slot(booked, 72)
    elsewhere = SlotFactory(start=target.start, end=target.end)
    services.booking_create(slot_id=elsewhere.pk, mentee=mentee, now=NOW)
    client.force_login(booked.mentor)
    url = reverse("schedule:booking_reschedule", args=[booked.pk])
    page = client.get(url, {"week": target.start.date().isoformat()}).content.decode()
    assert "Client busy" in page and "Your session" not in page


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_a_time_the_client_is_busy_at_is_refused_before_the_confirmation_in_the_movers_words(
    client, booked, mentee, side
):
    target = free_slot(booked, 72)
    elsewhere = SlotFactory(start=target.start, end=target.end)
    services.booking_create(slot_id=elsewhere.pk, mentee=mentee, now=NOW)
    mover = mentee if side == "mentee" else booked.mentor
    client.force_login(mover)
    url = reverse("schedule:booking_reschedule", args=[booked.pk])
    choice = f"{target.pk}:{int(target.start.timestamp())}"
    page = client.get(url, {"slot": choice}, follow=True).content.decode()
    said = {
        "mentee": "You already have a session booked at this time.",
        "mentor": "Your client has another session at this time. Choose another one.",
    }[side]
    assert said in page and "Yes, move it" not in page
    page = client.post(url, {"slot": choice}, follow=True).content.decode()  # the move says the same
    assert said in page and Booking.objects.get(pk=booked.pk).slot_id == booked.slot_id


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("choice", ["", "abc", "1:2:3", "9" * 40, "1:" + "9" * 20, "-1:5", "\x00"])
def test_a_bad_choice_changes_nothing(client, booked, mentee, choice):
    client.force_login(mentee)
    response = client.post(reverse("schedule:booking_reschedule", args=[booked.pk]), {"slot": choice}, follow=True)
    assert response.status_code == 200
    assert Booking.objects.get(pk=booked.pk).slot_id == booked.slot_id


@time_machine.travel(NOW, tick=False)
def test_nobody_else_can_move_a_booking(client, booked):
    client.force_login(UserFactory())
    target = free_slot(booked)
    url = reverse("schedule:booking_reschedule", args=[booked.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"slot": f"{target.pk}:{int(target.start.timestamp())}"}).status_code == 404
    assert Booking.objects.get(pk=booked.pk).slot_id == booked.slot_id


@time_machine.travel(NOW, tick=False)
def test_the_mentor_page_is_served_whole_from_the_cache_to_visitors(client, django_assert_num_queries):
    mentor = MentorFactory()
    _week_of_slots(mentor)
    url = mentor.mentor_profile.get_absolute_url()
    first = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == first


def test_a_cancel_from_a_page_loaded_before_a_move_frees_the_new_time(booked, mentee):
    stale = Booking.objects.select_related("slot").get(pk=booked.pk)  # the page the mentee still has open
    old_slot, new_slot = booked.slot, free_slot(booked)
    services.booking_reschedule(
        booking=Booking.objects.get(pk=booked.pk), new_slot_id=new_slot.pk, by=booked.mentor, now=NOW
    )

    services.booking_cancel(booking=stale, by=mentee, now=NOW)

    assert Slot.objects.get(pk=new_slot.pk).status == Slot.Status.AVAILABLE  # not left booked by nobody
    assert Slot.objects.get(pk=old_slot.pk).status == Slot.Status.AVAILABLE


@time_machine.travel(NOW, tick=False)
def test_the_move_page_query_count_is_pinned(client, booked, mentee, django_assert_num_queries):
    for hours in (72, 96, 120):
        free_slot(booked, hours)
    client.force_login(mentee)
    url = reverse("schedule:booking_reschedule", args=[booked.pk])
    # session, user, the booking, the earliest free time, the week's times, the mentee's sessions that week,
    # the header's unread counts (one query), and what cancelling would refund (payment, package session)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    target = Slot.objects.filter(mentor=booked.mentor, start=at(96)).get()
    # the confirmation: session, user, the booking, the chosen time, the refund's two reads (the header's
    # counts are cached by now)
    with django_assert_num_queries(6):
        assert client.get(url, {"slot": f"{target.pk}:{int(target.start.timestamp())}"}).status_code == 200
