"""A visitor writes to support and is acknowledged by email; staff answer by email from the dashboard."""

import re
import time

import pytest
from playwright.sync_api import expect

from e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_a_visitor_asks_support_and_staff_answer_by_email(new_page, site, smtp_sink):
    visitor = new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Contact support").click()
    visitor.select_option("#id_subject", "payment")
    visitor.fill("#id_name", "Vira Visitor")
    visitor.fill("#id_email", "vira.visitor@example.com")
    visitor.fill("#id_message", "I paid but my session is not on my list. Invoice INV-2026-000001.")
    time.sleep(3.2)  # people take a few seconds: a form sent at once is a bot's
    visitor.get_by_role("button", name="Send").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("We got your message (#")
    ack = smtp_sink.wait_for(lambda m: "vira.visitor@example.com" in m["To"] and "We got your message" in m["Subject"])
    reference = ack["Subject"].split("(")[1].rstrip(")")

    staff = new_page()
    login(staff, "staff@example.com")
    staff.goto("/dashboard/support/")
    staff.get_by_role("link", name=f"{reference} · A payment or a refund").click()
    expect(staff.locator("main")).to_contain_text("I paid but my session is not on my list.")
    staff.get_by_role("button", name="Assign to me").click()
    staff.fill("#id_body", "Your session is booked now; sorry for the trouble.")
    staff.get_by_role("button", name="Send the answer").click()
    expect(staff.locator(".alert-success")).to_contain_text("Your answer is on its way to vira.visitor@example.com")
    answer = smtp_sink.wait_for(lambda m: "vira.visitor@example.com" in m["To"] and m["Subject"].startswith("Re:"))
    assert "Your session is booked now" in answer.get_body(preferencelist=("plain",)).get_content()


def test_choosing_another_subject_swaps_an_untouched_template_and_keeps_typed_text(new_page, site):
    visitor = new_page()
    visitor.goto("/support/")
    message = visitor.locator("#id_message")
    expect(message).to_have_value(re.compile(r"^Session \(mentor, date and time\):"))
    visitor.select_option("#id_subject", "payment")
    expect(message).to_have_value(re.compile(r"^Invoice number \(from the receipt\):"))
    visitor.select_option("#id_subject", "other")
    expect(message).to_have_value("")
    message.fill("My question is about gift cards.")
    visitor.select_option("#id_subject", "problem")
    expect(message).to_have_value("My question is about gift cards.")
