"""
The header bell in the browser: a mentor learns about a new booking and opens it from the bell; a mentor
who keeps new bookings to the site sees them under the bell and gets no email about them.
"""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, register
from e2e.test_journeys import book_first_free_slot

pytestmark = pytest.mark.e2e


def test_a_mentor_sees_a_new_booking_on_the_bell_and_opens_it(new_page, site):
    mentee = new_page()
    register(mentee, first="Bella", last="Bellringer")
    book_first_free_slot(mentee, "maria-ivanova")

    mentor = new_page()
    login(mentor, "maria.ivanova@example.com")
    bell = mentor.locator("[data-notifications]")
    count = bell.locator("[data-notifications-count]")
    expect(count).to_be_visible()
    unread = int(count.inner_text())
    assert unread >= 1

    bell.get_by_role("link", name="Notifications").click()  # JavaScript opens the latest in place
    item = bell.locator("[data-notifications-items] button", has_text="Bella Bellringer booked a session with you")
    expect(item).to_be_visible()
    item.click()
    expect(mentor).to_have_url(re.compile(r"/bookings/\d+/$"))
    expect(mentor.locator("main")).to_contain_text("Bella Bellringer")
    if unread > 1:
        expect(count).to_have_text(str(unread - 1))
    else:
        expect(count).to_be_hidden()

    mentor.goto("/notifications/")
    expect(mentor.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(mentor.locator(".notification-list")).to_contain_text("Bella Bellringer booked a session with you")


def test_a_mentor_who_turns_booking_email_off_sees_the_booking_on_the_bell_only(new_page, site, smtp_sink):
    mentor = new_page()
    login(mentor, "iryna.bondar@example.com")  # a mentor no other test books
    mentor.goto("/accounts/security/")
    mentor.locator(".security-nav").get_by_role("link", name="Notifications").click()
    expect(mentor.get_by_role("heading", name="Notification settings")).to_be_visible()
    new_bookings = mentor.get_by_role("group", name="New bookings of your sessions").get_by_label("Also by email")
    expect(new_bookings).to_be_checked()
    new_bookings.uncheck()
    mentor.get_by_role("button", name="Save").click()
    expect(mentor.locator(".alert-success")).to_contain_text("Your notification settings are saved")
    expect(new_bookings).not_to_be_checked()
    expect(mentor.get_by_role("group", name="Cancelled sessions").get_by_label("Also by email")).to_be_checked()

    mentee = new_page()
    address = register(mentee, first="Quiet", last="Booker")
    slot = book_first_free_slot(mentee, "iryna-bondar")
    # The mentee's confirmation is their receipt and still comes; the mentor's was never queued.
    smtp_sink.wait_for(lambda m: address in m["To"] and m["Subject"].startswith("Booked"))
    recipients = site.python(
        "from post_office.models import Email; from schedule.models import Booking; "
        f"booking = Booking.objects.get(slot_id={slot}); "
        "mail = Email.objects.filter(**{'headers__X-Mentorship-Booking': str(booking.pk)}); "
        "print(*mail.values_list('to', flat=True))"
    )
    assert recipients == str([address])

    mentor.goto("/notifications/")
    expect(mentor.locator(".notification-list")).to_contain_text("Quiet Booker booked a session with you")
