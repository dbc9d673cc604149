"""Live updates in two browsers, on the site served as `make run` serves it (daphne: HTTP and WebSockets)."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, pay

pytestmark = pytest.mark.e2e


def test_a_mentee_asks_a_question_and_the_mentor_sees_it_and_a_booking_arrive_live(new_live_page, live_site):
    mentor = new_live_page()
    login(mentor, "james.carter@example.com")
    mentor.goto("/bookings/")
    bell = mentor.locator("[data-notifications-count]")
    before = bell.inner_text() if bell.is_visible() else "0"

    mentee = new_live_page()
    login(mentee, "anna.smith@example.com")
    mentee.goto("/mentors/james-carter/")
    mentee.get_by_role("button", name="Ask a question").click()
    expect(mentee).to_have_url(re.compile(r"/messages/\d+/$"))
    conversation = mentee.url.split(live_site.url, 1)[1]

    mentor.goto(conversation)  # the mentor has the conversation open: the question appears without a reload
    mentee.fill("textarea", "Is index investing enough for a beginner?")
    mentee.get_by_role("button", name="Send", exact=True).click()
    expect(mentor.locator("main")).to_contain_text("Is index investing enough for a beginner?")
    mentor.fill("textarea", "For most people, yes. Let us talk it through.")
    mentor.get_by_role("button", name="Send", exact=True).click()
    expect(mentee.locator("main")).to_contain_text("For most people, yes.")

    # On another page, the mentee's header counts the mentor's next message without a reload.
    mentee.goto("/bookings/")
    unread = mentee.locator("[data-messages-unread]")
    unread_before = int(unread.locator("[data-count]").inner_text()) if unread.is_visible() else 0
    mentor.fill("textarea", "Bring your questions.")
    mentor.get_by_role("button", name="Send", exact=True).click()
    expect(unread).to_be_visible()
    expect(unread.locator("[data-count]")).to_have_text(str(unread_before + 1))

    mentee.goto("/mentors/james-carter/")
    mentee.locator("a[href^='/book/']").first.click()
    mentee.get_by_role("button", name="Continue to payment").click()
    pay(mentee)
    expect(bell).to_be_visible()  # the mentor's bell counts the new booking without a reload
    expect(bell).not_to_have_text(before)
