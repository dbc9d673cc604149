"""A Ukrainian-speaking mentee and mentor, in a browser that asks for Ukrainian: no English UI on the way."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from e2e.conftest import login, pay, register
from e2e.test_accessibility import SCREENSHOTS, _serious

PASSWORD = "Un-usual-pass-2026"

pytestmark = pytest.mark.e2e

# Interface words that must not survive in a Ukrainian page (people's own texts may be English).
ENGLISH_UI = re.compile(
    r"\b(Find a mentor|Log in|Log out|Register|Book a session|Confirm booking|Cancel booking|My consultations|"
    r"My schedule|My clients|Upcoming|History|Available times|Your time|Price|Free|Topics|All topics|Search|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|June|July|"
    r"August|September|October|November|December|minutes|hours?|Create slots|Add slot|Save)\b"
)


def english_ui_words(page) -> list[str]:
    return sorted(set(ENGLISH_UI.findall(page.inner_text("body"))))


def check(page, axe, name=None):
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    assert english_ui_words(page) == [], page.url
    assert _serious(axe.run(page)) == [], page.url
    if name:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-uk-desktop.png"), full_page=True)


def test_a_ukrainian_mentee_registers_books_and_gets_the_email_in_ukrainian(new_page, site, smtp_sink):
    axe = Axe()
    page = new_page(locale="uk-UA")
    page.goto("/")
    expect(page.get_by_role("link", name="Знайти ментора").first).to_be_visible()
    check(page, axe, "home")

    page.goto("/mentors/andriy-shevchenko/")
    check(page, axe, "mentor-page")
    page.locator("a[href^='/book/']").first.click()
    page.get_by_role("link", name="Створити обліковий запис").click()
    address = register(page, first="Oksana", last="Melnychuk")
    expect(page.get_by_role("button", name="Перейти до оплати")).to_be_visible()
    check(page, axe, "booking-confirmation")
    page.get_by_role("button", name="Перейти до оплати").click()
    expect(page.get_by_role("heading", name="Оплата консультації")).to_be_visible()
    check(page, axe, "checkout")
    pay(page, expect_text="Оплачено. Консультацію заброньовано")

    page.get_by_role("navigation").get_by_role("link", name="Мої консультації").click()
    expect(page.locator("#upcoming-heading + ul")).to_contain_text("Andriy Shevchenko")
    check(page, axe)

    confirmation = smtp_sink.wait_for(lambda m: address in m["To"] and "confirm-email" in m.get_body().get_content())
    assert str(confirmation["Subject"]).strip() == "Підтвердьте адресу електронної пошти"
    message = smtp_sink.wait_for(lambda m: address in m["To"] and "confirm-email" not in m.get_body().get_content())
    assert str(message["Subject"]).strip().startswith("Консультацію заброньовано")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Доброго дня, Oksana" in body and not ENGLISH_UI.search(body)


def test_a_mentor_switches_to_ukrainian_and_it_follows_them_to_another_browser(new_page, site):
    axe = Axe()
    page = new_page(locale="en-GB")
    address = register(page, role="mentor", first="Taras", last="Switcher", password=PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Українська").click()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    check(page, axe)  # the mentor profile editor, where registration led

    page.goto("/schedule/")
    check(page, axe)
    page.get_by_role("button", name="Створити слоти").click()
    expect(page.locator(".alert")).to_contain_text("Створено")

    # The choice is stored on the account: another browser that asks for English gets Ukrainian.
    other = new_page(locale="en-GB")
    login(other, address, PASSWORD)
    expect(other.locator("html")).to_have_attribute("lang", "uk")
