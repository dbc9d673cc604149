"""
Keyboard and screen-reader use on the pages people type into: after a refused submit the focus is on
what to fix, and sending a message keeps the focus in the message box (a disabled button used to
drop it to the top of the page).
"""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import register

pytestmark = pytest.mark.e2e


def test_a_refused_sign_in_puts_the_focus_on_its_error(new_page, site):
    page = new_page()
    page.goto("/accounts/login/")
    page.fill("#id_login", "nobody@example.com")
    page.fill("#id_password", "wrong-password-2026")
    page.keyboard.press("Enter")
    errors = page.locator("[data-form-errors]")
    expect(errors).to_be_focused()
    expect(errors).to_have_attribute("role", "alert")


def test_sending_a_message_by_keyboard_keeps_the_focus_and_names_its_error(new_page, site):
    mentee = new_page()
    register(mentee, first="Kira", last="Keyboard")
    mentee.goto("/mentors/daniel-novak/")  # a mentor no other journey messages: their unread count is theirs
    mentee.get_by_role("button", name="Ask a question").click()
    expect(mentee).to_have_url(re.compile(r"/messages/\d+/$"))
    box = mentee.get_by_label("Your message")

    send = mentee.get_by_role("button", name="Send")
    send.focus()
    mentee.keyboard.press("Enter")  # nothing written
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(mentee.locator("[data-message-error]")).to_be_visible()

    box.fill("Typed and sent without a mouse.")
    send.focus()
    mentee.keyboard.press("Enter")
    expect(mentee.locator("[data-messages-list]")).to_contain_text("Typed and sent without a mouse.")
    expect(box).to_be_focused()  # ready for the next one
    expect(box).not_to_have_attribute("aria-invalid", "true")
