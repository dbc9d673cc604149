"""A personal calendar link that calendar apps subscribe to: secret, revocable, always current."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from accounts.tests.factories import UserFactory
from schedule import services
from schedule.models import CalendarFeed
from schedule.tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db


def events(response) -> dict[str, str]:
    """UID -> STATUS of the feed's events."""
    return {str(e["UID"]): str(e["STATUS"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_user_gets_a_link_and_the_feed_lists_their_sessions_on_both_sides(client, mentee, mentor):
    as_mentee = BookingFactory(mentee=mentee)
    as_mentor = BookingFactory(slot=SlotFactory(mentor=mentor, status="booked"), mentee=UserFactory())
    someone_else = BookingFactory()
    client.force_login(mentee)
    client.post(reverse("schedule:calendar_feed_reset"))
    feed = CalendarFeed.objects.get(user=mentee)
    assert len(feed.token) >= 40
    assert feed.get_absolute_url() in client.get(reverse("schedule:booking_list")).content.decode()

    client.logout()  # calendar apps have no session: the token is the key
    response = client.get(feed.get_absolute_url())

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert set(events(response)) == {as_mentee.calendar_uid}
    mentor_feed = services.calendar_feed_reset(user=mentor)
    assert set(events(client.get(mentor_feed.get_absolute_url()))) == {as_mentor.calendar_uid}
    assert someone_else.calendar_uid not in events(response)


def test_changes_show_up_and_cancelled_sessions_are_marked_cancelled(
    client, mentee, django_capture_on_commit_callbacks
):
    booking = BookingFactory(mentee=mentee, meeting_url="https://meet.jit.si/mentorship-room")
    feed = services.calendar_feed_reset(user=mentee)
    assert events(client.get(feed.get_absolute_url())) == {booking.calendar_uid: "CONFIRMED"}
    assert b"LOCATION:https://meet.jit.si/mentorship-room" in client.get(feed.get_absolute_url()).content

    with django_capture_on_commit_callbacks(execute=True):  # the cached feed is renewed after the commit
        services.booking_cancel(booking=booking, by=mentee)

    assert events(client.get(feed.get_absolute_url())) == {booking.calendar_uid: "CANCELLED"}


def test_resetting_the_link_revokes_the_old_one(client, mentee):
    old = services.calendar_feed_reset(user=mentee).get_absolute_url()
    new = services.calendar_feed_reset(user=mentee).get_absolute_url()
    assert old != new
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


@pytest.mark.parametrize("token", ["x", "a" * 500, "../../etc/passwd", "%00"])
def test_a_wrong_or_absurd_token_is_a_404(client, mentee, token):
    services.calendar_feed_reset(user=mentee)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_an_inactive_users_feed_is_gone(client, mentee):
    feed = services.calendar_feed_reset(user=mentee)
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_the_feed_takes_two_queries_however_many_sessions(client, mentee, django_assert_num_queries):
    feed = services.calendar_feed_reset(user=mentee)
    for day in range(1, 31):
        start = SlotFactory().start + dt.timedelta(days=day)
        BookingFactory(mentee=mentee, slot=SlotFactory(start=start, end=start + dt.timedelta(hours=1), status="booked"))
    with django_assert_num_queries(2):
        assert len(events(client.get(feed.get_absolute_url()))) == 30


def test_getting_a_link_needs_a_signed_in_user_and_a_post(client, mentee):
    assert client.post(reverse("schedule:calendar_feed_reset")).status_code == 302  # to the login page
    assert not CalendarFeed.objects.exists()
    client.force_login(mentee)
    assert client.get(reverse("schedule:calendar_feed_reset")).status_code == 405
