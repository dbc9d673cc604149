"""
A mentee becomes a mentor in the browser: "Become a mentor", the checklist, the public profile, free
time on /schedule/, and then their card in the directory filtered by their topic. axe runs on the
profile editor and on the filtered directory. The time-zone picker filters as the person types.
"""

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from e2e.conftest import register
from e2e.test_accessibility import SCREENSHOTS, _serious

pytestmark = pytest.mark.e2e


def _screenshot(page, name):
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_mentee_becomes_a_mentor_and_finds_themself_in_the_directory(new_page, site):
    axe = Axe()
    page = new_page()
    register(page, first="Bohdana", last="Becoming")
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("main").get_by_role("button", name="Become a mentor").click()

    expect(page.get_by_role("heading", name="Mentor profile", level=1)).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text("You are now a mentor")
    checklist = page.locator(".readiness")
    expect(checklist).to_contain_text("Your profile is not visible in the directory yet")
    expect(checklist).to_contain_text("1 of 5 done")  # the address is confirmed at sign-up
    assert _serious(axe.run(page)) == []
    _screenshot(page, "mentor-profile-checklist")

    checklist.get_by_role("link", name="Write a headline").click()
    expect(page).to_have_url(re.compile(r"#div_id_headline$"))
    page.fill("#id_headline", "Product design for first-time founders")
    page.fill("#id_bio", "Twelve years of product design, from sketches to shipped apps.")
    page.locator("#div_id_topics").get_by_label("Design").check()
    page.fill("#id_price", "35")
    page.fill("#id_languages", "English, Esperanto")
    page.get_by_role("button", name="Save mentor profile").click()
    expect(page.locator(".alert-success")).to_contain_text("saved")
    expect(checklist).to_contain_text("4 of 5 done")

    checklist.get_by_role("link", name="Add free time to your schedule").click()
    expect(page).to_have_url(re.compile(r"/schedule/$"))
    tomorrow = (dt.datetime.now(zoneinfo.ZoneInfo("Europe/Kyiv")).date() + dt.timedelta(days=1)).isoformat()
    for day in range(7):
        page.check(f"#id_weekdays_{day}")
    page.fill("#id_first_day", tomorrow)
    page.fill("#id_day_start", "10:00")
    page.fill("#id_day_end", "12:00")
    page.get_by_role("button", name="Create slots").click()
    expect(page.locator(".alert-success")).to_contain_text("slots created")

    page.goto("/accounts/profile/mentor/")
    expect(page.locator(".readiness")).to_contain_text("Your profile is live")
    expect(page.locator(".readiness").get_by_role("link", name="See your public page")).to_be_visible()
    _screenshot(page, "mentor-profile-live")

    # The directory, filtered by the new mentor's topic with a chip; then by language and this week.
    page.goto("/")
    page.get_by_role("navigation", name="Topics").get_by_role("link", name="Design").click()
    expect(page).to_have_url(re.compile(r"\?topic=design#mentors$"))
    card = page.locator("article", has_text="Bohdana Becoming")
    expect(card).to_be_visible()
    expect(card).to_contain_text("$35")
    page.select_option("#search-language", "Esperanto")
    page.check("#search-this_week")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("article")).to_have_count(1)
    expect(page.locator("article")).to_contain_text("Bohdana Becoming")
    expect(page.locator("#search-topic")).to_have_value("design")
    assert _serious(axe.run(page)) == []
    _screenshot(page, "home-filtered")

    page.locator("article").get_by_role("link", name="Bohdana Becoming").click()
    expect(page.get_by_role("heading", name="Bohdana Becoming")).to_be_visible()


def test_the_time_zone_picker_filters_as_you_type_and_the_select_still_decides(new_page, site):
    page = new_page(timezone_id="America/New_York")
    page.goto("/accounts/signup/")
    select = page.locator("#id_timezone")
    expect(select).to_have_value("America/New_York")  # site.js picks the browser's zone
    expect(select.locator("optgroup").first).to_have_attribute("label", "Common")

    search = page.get_by_label("Filter time zones")
    search.fill("kyiv")
    expect(select).to_have_value("Europe/Kyiv")
    expect(select.locator("option")).to_have_count(1)
    search.fill("tokyo")
    expect(select).to_have_value("Asia/Tokyo")
    search.fill("no such place")
    expect(page.locator(".timezone-filter-status")).to_contain_text("No time zone matches")
    expect(select).to_have_value("Asia/Tokyo")  # the whole list again, the choice kept
    search.press("Enter")  # does not submit the half-filled form
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(select).to_be_focused()
