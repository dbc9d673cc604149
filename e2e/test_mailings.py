"""
A mentor writes a message and schedules a weekly mailing to two clients; the first run reaches the SMTP
sink with a working unsubscribe link, and the run's page shows the mail server's replies. A manager
disables the mailing with a reason the mentor then sees.
"""

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from e2e.conftest import login

pytestmark = pytest.mark.e2e

MENTOR = "olena.kovalenko@example.com"


def test_a_mentor_schedules_a_weekly_mailing_and_the_first_run_arrives_with_a_working_unsubscribe_link(
    new_page, site, smtp_sink
):
    mentor = new_page()
    login(mentor, MENTOR)
    mentor.get_by_role("button", name="Olena Kovalenko").click()  # the account menu
    mentor.get_by_role("link", name="Mailings").click()
    sections = mentor.get_by_role("navigation", name="Mailing sections")
    sections.get_by_role("link", name="Messages").click()
    mentor.get_by_role("link", name="New message").click()
    mentor.fill("#id_subject", "Practise this week, {first_name}")
    mentor.fill("#id_body", "Hello {first_name},\n\nTwenty minutes of **practice** a day.\n\n{mentor_name}")
    mentor.get_by_role("button", name="Save and preview").click()
    preview = mentor.locator(".mailing-preview")
    expect(preview.locator("strong")).to_have_text("practice")
    expect(preview).to_contain_text("Hello ")  # the first client's name, filled in

    mentor.get_by_role("link", name="Send it to clients…").click()  # on from the preview, the message chosen
    expect(mentor.locator("#id_message option:checked")).to_have_text("Practise this week, {first_name}")
    mentor.get_by_label("The clients I choose below").check()
    mentor.get_by_label("Olha Shevchenko <olha.contact@example.com>").check()
    mentor.get_by_label("Tom Brown <tom.contact@example.com>").check()
    mentor.select_option("#id_period", "weekly")
    # The form suggests the next full hour; today from midnight (Olena's zone) has begun: the first run goes at once.
    mentor.fill("#id_start_date", dt.datetime.now(zoneinfo.ZoneInfo("Europe/Kyiv")).date().isoformat())
    mentor.fill("#id_start_time", "00:00")
    mentor.get_by_role("button", name="Schedule the mailing").click()
    expect(mentor.locator(".alert-success")).to_contain_text("The mailing has started: its emails are on their way.")
    expect(mentor.locator("main")).to_contain_text("Weekly")

    olha = smtp_sink.wait_for(lambda m: m["To"] == "olha.contact@example.com" and "Practise this week" in m["Subject"])
    tom = smtp_sink.wait_for(lambda m: m["To"] == "tom.contact@example.com" and "Practise this week" in m["Subject"])
    assert olha["Subject"] == "Practise this week, Olha"
    assert tom["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert tom["Reply-To"] == MENTOR
    text = olha.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Olha," in text
    link = re.search(r"(http://\S+/mailings/unsubscribe/\S+/)", text).group(1)

    # The run's page: each recipient and each attempt with the server's reply.
    mentor.locator("main table a[href^='/mailings/runs/']").first.click()
    expect(mentor.locator("main")).to_contain_text("250 2.0.0 Message accepted")
    expect(mentor.locator("main")).to_contain_text("olha.contact@example.com")

    reader = new_page()
    reader.goto(link)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    mentor.goto("/mailings/clients/")
    expect(mentor.locator("tr", has_text="olha.contact@example.com")).to_contain_text("Unsubscribed")

    # A manager sees the mailing and disables it; the mentor sees why, and cannot resume it.
    manager = new_page()
    login(manager, "manager@example.com")
    manager.goto("/dashboard/mailings/")
    manager.locator("main table a[href^='/dashboard/mailings/']").first.click()
    manager.fill("#id_reason", "A client reported it as unwanted.")
    manager.get_by_role("button", name="Disable").click()
    expect(manager.locator(".alert-success")).to_contain_text("The mailing is disabled")
    mentor.goto("/mailings/")
    mentor.locator("main table a[href^='/mailings/']").first.click()
    expect(mentor.locator(".alert-danger")).to_contain_text("A client reported it as unwanted.")
    expect(mentor.get_by_role("button", name="Resume")).to_have_count(0)


def test_ending_a_mailing_asks_first_and_stops_its_runs(new_page, site):
    mentor = new_page()
    login(mentor, MENTOR)
    mentor.goto("/mailings/")
    mentor.get_by_role("link", name="A monthly note for {first_name}").first.click()
    end = mentor.locator("details.confirm-action")
    expect(end.get_by_role("button", name="End the mailing")).to_be_hidden()
    end.locator("summary").click()  # the first click only asks
    expect(end).to_contain_text("it cannot be started again")
    end.get_by_role("button", name="End the mailing").click()
    expect(mentor.locator(".alert-success")).to_contain_text("The mailing has ended.")
    expect(mentor.locator("main")).not_to_contain_text("Next run")  # an ended mailing has none
    expect(mentor.locator("details.confirm-action")).to_have_count(0)
    expect(mentor.get_by_role("button", name="Pause")).to_have_count(0)
