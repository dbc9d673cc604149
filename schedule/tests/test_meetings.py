"""Every booking has a place to meet: shown to its two participants, in every email and in calendars."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from accounts.models import MentorProfile
from accounts.tests.factories import MentorFactory, UserFactory
from schedule import services
from schedule.tests.factories import SlotFactory
from schedule.tests.outbox import invite, queued, rendered

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
ZOOM = "https://us02web.zoom.us/j/123456789?pwd=abc"


def book(mentee, *, meeting_url="", day=1):
    mentor = MentorFactory()
    MentorProfile.objects.filter(user=mentor).update(meeting_url=meeting_url)
    start = NOW + dt.timedelta(days=day)
    slot = SlotFactory(mentor=mentor, start=start, end=start + dt.timedelta(hours=1))
    return services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)


def test_without_a_link_of_their_own_each_booking_gets_a_private_room(mentee, settings):
    first, second = book(mentee), book(mentee, day=2)
    assert first.meeting_url.startswith("https://meet.jit.si/mentorship-")
    assert (
        first.meeting_url != second.meeting_url and len(first.meeting_url) > len("https://meet.jit.si/mentorship-") + 16
    )


def test_the_mentors_own_link_is_used_and_the_template_is_configurable(mentee, settings):
    assert book(mentee, meeting_url=ZOOM).meeting_url == ZOOM
    settings.MEETING_URL_TEMPLATE = "https://video.example.org/r/{room}"
    assert book(mentee, day=2).meeting_url.startswith("https://video.example.org/r/")


def test_the_link_is_in_the_invite_as_location_and_url_and_in_the_emails(mentee):
    booking = book(mentee, meeting_url=ZOOM)
    [row] = [m for m in queued("confirmation") if m.to == [mentee.email]]
    mail = rendered(row)
    [event] = Calendar.from_ical(invite(mail)).walk("VEVENT")
    assert str(event["LOCATION"]) == ZOOM and str(event["URL"]) == ZOOM
    assert ZOOM in str(event["DESCRIPTION"])
    [(html, _mimetype)] = mail.alternatives
    assert f"Join the session: {ZOOM}" in mail.body and 'href="https://us02web.zoom.us/j/123456789?pwd=abc"' in html

    services.booking_cancel(booking=booking, by=mentee, now=NOW)
    [cancellation] = [m for m in queued("cancellation") if m.to == [mentee.email]]
    assert ZOOM not in rendered(cancellation).body  # a cancelled session has nowhere to join


def test_the_join_button_shows_from_ten_minutes_before_until_the_end(client, mentee):
    booking = book(mentee, meeting_url=ZOOM)
    client.force_login(mentee)
    url = booking.get_absolute_url()
    start = booking.slot.start

    def page_at(moment):
        with time_machine.travel(moment, tick=False):
            return client.get(url).content.decode()

    assert "Join the session" not in page_at(start - dt.timedelta(minutes=11))
    assert "A Join button appears here 10 minutes before the start." in page_at(start - dt.timedelta(minutes=11))
    assert "Join the session" in page_at(start - dt.timedelta(minutes=10))
    assert "Join the session" in page_at(start + dt.timedelta(minutes=59))
    assert "Join the session" not in page_at(start + dt.timedelta(minutes=60))
    assert ZOOM in page_at(start - dt.timedelta(days=1))  # the link itself is always on the page


def test_google_and_outlook_links_carry_the_session(client, mentee):
    booking = book(mentee, meeting_url=ZOOM)
    client.force_login(mentee)
    with time_machine.travel(NOW, tick=False):
        context = client.get(booking.get_absolute_url()).context
    google = parse_qs(urlparse(context["google_calendar_url"]).query)
    assert google["dates"] == ["20261124T090000Z/20261124T100000Z"] and google["location"] == [ZOOM]
    outlook = parse_qs(urlparse(context["outlook_calendar_url"]).query)
    assert outlook["startdt"] == ["2026-11-24T09:00:00Z"] and outlook["location"] == [ZOOM]


def test_only_the_participants_and_staff_see_the_link(client, mentee, staff):
    booking = book(mentee, meeting_url=ZOOM)
    client.force_login(UserFactory())
    assert client.get(booking.get_absolute_url()).status_code == 404
    client.force_login(staff)
    assert (
        ZOOM.replace("&", "&amp;")
        in client.get(reverse("dashboard:booking_detail", args=[booking.pk])).content.decode()
    )
    client.logout()
    assert ZOOM not in client.get(booking.slot.mentor.mentor_profile.get_absolute_url()).content.decode()


@pytest.mark.parametrize("link", ["http://zoom.us/j/1", "javascript:alert(1)", "not a link", "ftp://x.example/"])
def test_a_mentor_link_must_be_https(client, mentor, link):
    client.force_login(mentor)
    response = client.post(
        reverse("accounts:mentor_profile_edit"),
        {"headline": "H", "bio": "", "years_experience": 1, "price": "10", "session_minutes": 60, "languages": "",
         "meeting_url": link},
    )  # fmt: skip
    assert response.status_code == 200 and "meeting_url" in response.context["form"].errors
    assert MentorProfile.objects.get(user=mentor).meeting_url == ""
