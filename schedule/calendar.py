"""
Bookings in people's calendars: the .ics invite (built with the icalendar library) and "add to
calendar" links for Google Calendar and Outlook. All share one title and description.
"""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from schedule.models import Booking

METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"


def _address(user, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.display_name)
    address.params["role"] = vText(role)
    return address


def event_title(booking: Booking) -> str:
    return _("Mentoring session: %(mentor)s & %(mentee)s") % {
        "mentor": booking.slot.mentor.display_name,
        "mentee": booking.mentee.display_name,
    }


def event_details(booking: Booking) -> str:
    """The meeting link first (what people look for at the start), then the note and the booking page."""
    lines = []
    if booking.meeting_url:
        lines.append(_("Join: %(url)s") % {"url": booking.meeting_url})
    if booking.note:
        lines.append(booking.note)
    lines.append(_("Details: %(url)s") % {"url": f"{settings.SITE_URL}{booking.get_absolute_url()}"})
    return "\n\n".join(lines)


def _event(booking: Booking, *, cancelled: bool = False) -> Event:
    slot = booking.slot
    event = Event()
    event.add("uid", booking.calendar_uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", slot.start.astimezone(dt.UTC))
    event.add("dtend", slot.end.astimezone(dt.UTC))
    event.add("summary", event_title(booking))
    event.add("description", event_details(booking))
    if booking.meeting_url:
        event.add("location", booking.meeting_url)
    event.add("url", booking.meeting_url or f"{settings.SITE_URL}{booking.get_absolute_url()}")
    event["organizer"] = _address(slot.mentor, "CHAIR")
    event.add("attendee", _address(booking.mentee, "REQ-PARTICIPANT"))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Mentorship platform//EN")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def booking_invite(booking: Booking, *, method: str = METHOD_REQUEST) -> bytes:
    """One VEVENT per booking with a stable UID; a cancellation reuses the UID with a higher SEQUENCE."""
    cal = _calendar(method)
    cal.add_component(_event(booking, cancelled=method == METHOD_CANCEL))
    return cal.to_ical()


def feed(bookings, *, name: str) -> bytes:
    """A subscribable calendar (no METHOD): the given bookings, cancelled ones marked so."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval;value=duration", "PT1H")
    cal.add("x-published-ttl", "PT1H")
    for booking in bookings:
        cal.add_component(_event(booking, cancelled=booking.status == Booking.Status.CANCELLED))
    return cal.to_ical()


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def google_calendar_url(booking: Booking) -> str:
    slot = booking.slot
    query = {
        "action": "TEMPLATE",
        "text": event_title(booking),
        "dates": f"{_utc(slot.start):%Y%m%dT%H%M%SZ}/{_utc(slot.end):%Y%m%dT%H%M%SZ}",
        "details": event_details(booking),
        "location": booking.meeting_url,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(booking: Booking) -> str:
    slot = booking.slot
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event_title(booking),
        "startdt": f"{_utc(slot.start):%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{_utc(slot.end):%Y-%m-%dT%H:%M:%SZ}",
        "body": event_details(booking),
        "location": booking.meeting_url,
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
