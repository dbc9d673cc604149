"""Sign-in security in the browser: two-factor set-up and sign-in, throttling, switching accounts."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD as STAFF_PASSWORD
from e2e.conftest import STAFF_EMAIL, STAFF_TOTP_SECRET, register, totp_code

pytestmark = pytest.mark.e2e

PASSWORD = "Un-usual-pass-2026"


def test_a_person_turns_on_an_authenticator_app_and_then_needs_it_to_sign_in(new_page, site):
    page = new_page()
    address = register(page, first="Safe", last="Person")
    page.goto("/accounts/security/")
    expect(page.get_by_role("heading", name="Sign-in and security")).to_be_visible()
    page.locator("main").get_by_role("link", name="Set up").click()
    page.get_by_role("link", name="Activate").click()
    if "/accounts/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
    secret = page.locator("#authenticator_secret").input_value()
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()  # the QR code
    page.fill("#id_code", totp_code(secret))
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("Recovery Codes").first).to_be_visible()

    page.goto("/accounts/login/")  # signed in: the page offers to switch account instead of a form
    page.get_by_role("button", name="Sign in as a different user").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("#id_login", address)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("#id_code", "000000")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Incorrect code")
    page.fill("#id_code", totp_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.goto("/accounts/security/")
    expect(page.locator("main")).to_contain_text("On: signing in asks for a code")

    page.get_by_role("navigation", name="Sign-in and security").get_by_role("link", name="Signed-in devices").click()
    device = page.locator("main .list-group-item", has_text="This device")
    expect(device).to_contain_text("Chrome on Linux")  # the browser in words, not its raw string
    expect(page.get_by_role("button", name=re.compile(r"^Sign out"))).to_be_visible()


def test_guessing_a_password_is_stopped_with_a_clear_message(new_page, site):
    page = new_page()
    page.goto("/accounts/login/")
    for attempt in range(6):
        page.fill("#id_login", "someone.else@example.com")  # not a demo account the other tests use
        page.fill("#id_password", f"guess-{attempt}")
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Too many failed login attempts")


def test_staff_reach_the_dashboard_only_through_the_second_factor(new_page, site):
    page = new_page()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F"))  # no separate admin login
    page.fill("#id_login", STAFF_EMAIL)
    page.fill("#id_password", STAFF_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.fill("#id_code", totp_code(STAFF_TOTP_SECRET))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    # Headed with the site's name, and the libraries' models named, not "Django jobs" or "Authenticators".
    expect(page.locator("#site-name")).to_have_text("Mentorship administration")
    expect(page.locator("#content-main")).to_contain_text("Scheduled jobs")
    expect(page.locator("#content-main")).not_to_contain_text("Django jobs")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
