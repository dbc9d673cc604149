"""
Messages in the browser, over plain HTTP (the e2e site runs gunicorn, so no WebSocket: the page
works without it). A mentee asks a mentor a question before booking; the mentor sees the unread
count in the header, opens the conversation and answers; the mentee sees the answer.
"""

import re

import pytest
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
