"""iCalendar (.ics) invites for bookings, built with the icalendar library."""

import datetime as dt

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


def booking_invite(booking: Booking, *, method: str = METHOD_REQUEST) -> bytes:
    """One VEVENT per booking with a stable UID; a cancellation reuses the UID with a higher SEQUENCE."""
    slot = booking.slot
    mentor, mentee = slot.mentor, booking.mentee
    cal = Calendar()
    cal.add("prodid", "-//Mentorship platform//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", booking.calendar_uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", slot.start.astimezone(dt.UTC))
    event.add("dtend", slot.end.astimezone(dt.UTC))
    event.add(
        "summary",
        _("Mentoring session: %(mentor)s & %(mentee)s")
        % {"mentor": mentor.display_name, "mentee": mentee.display_name},
    )
    description = f"{settings.SITE_URL}{booking.get_absolute_url()}"
    if booking.note:
        description = f"{booking.note}\n\n{description}"
    event.add("description", description)
    event.add("url", f"{settings.SITE_URL}{booking.get_absolute_url()}")
    event["organizer"] = _address(mentor, "CHAIR")
    event.add("attendee", _address(mentee, "REQ-PARTICIPANT"))
    event.add("status", "CANCELLED" if method == METHOD_CANCEL else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
