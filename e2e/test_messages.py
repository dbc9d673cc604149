"""
Messages in the browser, over plain HTTP (the e2e site runs gunicorn, so no WebSocket: the page
works without it). A mentee asks a mentor a question before booking; the mentor sees the unread
count in the header, opens the conversation and answers; the mentee sees the answer.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from e2e.conftest import login, register

pytestmark = pytest.mark.e2e


def test_a_mentee_asks_a_mentor_a_question_and_reads_the_answer(new_page, site):
    mentee = new_page()
    register(mentee, first="Quentin", last="Questioner")
    mentee.goto("/mentors/maria-ivanova/")
    mentee.get_by_role("button", name="Ask a question").click()
    expect(mentee).to_have_url(re.compile(r"/messages/\d+/$"))
    conversation_url = mentee.url
    mentee.get_by_label("Your message").fill("Hello! Can you help me prepare for a Python interview?")
    mentee.get_by_role("button", name="Send").click()
    expect(mentee.locator("[data-messages-list]")).to_contain_text("prepare for a Python interview")

    mentor = new_page()
    login(mentor, "maria.ivanova@example.com")
    messages_link = mentor.locator("header").get_by_role("link", name=re.compile(r"^Messages"))
    expect(messages_link.locator("[data-messages-unread]")).to_be_visible()
    messages_link.click()
    expect(mentor.get_by_role("heading", name="Messages")).to_be_visible()
    mentor.locator(".conversation-list").get_by_role("link", name="Quentin Questioner").click()
    expect(mentor).to_have_url(conversation_url)
    expect(mentor.locator("[data-messages-list]")).to_contain_text("prepare for a Python interview")
    expect(mentor.locator("[data-messages-unread]")).to_be_hidden()  # opening it marked it read
    mentor.get_by_label("Your message").fill("Of course. Book a session and bring your CV.")
    mentor.get_by_role("button", name="Send").click()
    expect(mentor.locator("[data-messages-list]")).to_contain_text("bring your CV")

    mentee.reload()
    expect(mentee.locator("[data-messages-list]")).to_contain_text("Of course. Book a session and bring your CV.")


def test_a_mentee_reports_a_conversation_and_staff_mark_it_handled(new_page, site):
    """Sofia Melnyk's conversations are this journey's alone: no other journey writes to her."""
    mentee = new_page()
    register(mentee, first="Rita", last="Reporter")
    mentee.goto("/mentors/sofia-melnyk/")
    mentee.get_by_role("button", name="Ask a question").click()
    expect(mentee).to_have_url(re.compile(r"/messages/\d+/$"))
    conversation_url = mentee.url
    mentee.get_by_label("Your message").fill("Is this a real coaching account?")
    mentee.get_by_role("button", name="Send").click()
    expect(mentee.locator("[data-messages-list]")).to_contain_text("real coaching account")
    mentee.get_by_text("Report this conversation").click()
    mentee.get_by_label("What is wrong?").fill("The answers ask me to pay outside the platform.")
    mentee.get_by_role("button", name="Send report").click()
    expect(mentee.locator(".alert-success")).to_contain_text("Staff will look at this conversation.")

    staff = new_page()
    login(staff, "staff@example.com")
    staff.goto("/dashboard/reports/")
    row = staff.locator("main table tr", has_text="Rita Reporter")
    expect(row).to_contain_text("1 waiting")
    row.get_by_role("link", name="Sofia Melnyk").click()
    expect(staff.locator("main")).to_contain_text("The answers ask me to pay outside the platform.")
    staff.get_by_role("button", name="Mark 1 report handled").click()  # the note is missing: the form says so
    expect(staff.locator("main form")).to_contain_text("This field is required.")
    staff.get_by_label("What did you do?").fill("Reminded the mentor that payments go through the platform.")
    staff.get_by_role("button", name="Mark 1 report handled").click()
    expect(staff.locator(".alert-success")).to_contain_text("1 report is marked handled")
    expect(staff.locator("main")).to_contain_text("Reminded the mentor that payments go through the platform.")
    assert _serious_problems(staff) == []
    staff.goto("/dashboard/reports/")
    expect(staff.locator("main table")).not_to_contain_text("Rita Reporter")  # waiting only, by default

    mentee.goto("/notifications/")
    told = mentee.locator("main").get_by_role("button", name=re.compile("Staff looked into your report"))
    expect(told).to_contain_text("on the conversation with Sofia Melnyk. Thank you for telling us.")
    expect(mentee.locator("main")).not_to_contain_text("Reminded the mentor")  # the staff note stays with staff
    told.click()
    expect(mentee).to_have_url(conversation_url)


def _serious_problems(page) -> list[str]:
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
