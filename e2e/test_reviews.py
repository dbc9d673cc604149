"""
Reviews in the browser: a client whose session took place leaves five stars from the booking page,
and the review shows on the mentor's page and the mentor's card in the directory, for visitors too.
"""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import register

pytestmark = pytest.mark.e2e

MENTOR = "nadia.hassan@example.com"  # a mentor no other journey reviews
MENTOR_SLUG = "nadia-hassan"


def completed_session(site, mentee_email: str) -> int:
    """A session of the mentee with the mentor that ended yesterday (written directly: services refuse the past)."""
    return int(
        site.python(
            "import datetime as dt; from django.utils import timezone; "
            "from accounts.models import User; from schedule.models import Booking, Slot; "
            f"mentor = User.objects.get(email='{MENTOR}'); mentee = User.objects.get(email='{mentee_email}'); "
            "start = (timezone.now() - dt.timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0); "
            "end = start + dt.timedelta(hours=1); "
            "slot = Slot.objects.create(mentor=mentor, start=start, end=end, status='booked'); "
            "print(Booking.objects.create(slot=slot, mentor=mentor, mentee=mentee, "
            "created_at=start - dt.timedelta(days=2)).pk)"
        )
    )


def test_a_client_leaves_five_stars_and_they_show_on_the_mentor_page_and_card(new_page, site):
    mentee = new_page()
    address = register(mentee, first="Rita", last="Reviewer")
    booking = completed_session(site, address)

    mentee.goto("/bookings/")  # My consultations: the session waits for its review in the history
    mentee.get_by_role("region", name="History").get_by_role("link", name="Leave a review").click()
    expect(mentee).to_have_url(re.compile(rf"/reviews/session/{booking}/$"))
    expect(mentee.get_by_role("heading", level=1)).to_contain_text("How was your session with Nadia Hassan?")
    stars = mentee.get_by_role("group", name="Your rating")
    expect(stars.get_by_role("radio")).to_have_count(5)
    stars.locator("label", has_text="5 stars: excellent").click()  # the star drawn for the radio
    expect(stars.get_by_role("radio", name="5 stars: excellent")).to_be_checked()
    mentee.get_by_label("Your review (optional)").fill("Nadia explained portfolio risk better than any book.")
    mentee.get_by_role("button", name="Publish review").click()

    expect(mentee).to_have_url(re.compile(rf"/bookings/{booking}/$"))
    expect(mentee.locator(".alert-success")).to_contain_text("Thank you for your review!")
    expect(mentee.locator("main")).to_contain_text("better than any book")
    expect(mentee.get_by_role("link", name="Leave a review")).to_have_count(0)
    mentee.goto("/bookings/")
    expect(mentee.get_by_role("link", name="Leave a review")).to_have_count(0)

    visitor = new_page()
    visitor.goto(f"/mentors/{MENTOR_SLUG}/")
    reviews = visitor.locator("#reviews")
    expect(reviews).to_contain_text("Nadia explained portfolio risk better than any book.")
    expect(reviews).to_contain_text("Rita R.")
    expect(reviews).to_contain_text("Rated 5.0 out of 5 in 1 review")

    visitor.goto("/?q=Hassan")
    card = visitor.locator("article", has=visitor.get_by_role("link", name="Nadia Hassan"))
    expect(card).to_contain_text("5.0 (1)")
    visitor.goto("/?sort=rating")
    # 5.0 from one review comes before the demo's best, James Carter at 4.75 (4 reviews), then the rest
    cards = visitor.locator("article")
    expect(cards.nth(0)).to_contain_text("Nadia Hassan")
    expect(cards.nth(1)).to_contain_text("James Carter")
