"""The header bell in the browser: a mentor learns about a new booking and opens it from the bell."""

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
