"""Leaving in the browser: download my data, delete my account, change my mind by signing in."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.conftest import register

pytestmark = pytest.mark.e2e

PASSWORD = "Un-usual-pass-2026"


def _sign_in(page, address):
    page.goto("/accounts/login/")
    page.fill("#id_login", address)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_a_person_takes_their_data_leaves_and_comes_back_within_the_grace_period(new_page, site, smtp_sink):
    page = new_page()
    address = register(page, first="Lesia", last="Leaving")
    page.goto("/accounts/security/")
    page.get_by_role("link", name="Your data and leaving").click()
    expect(page.get_by_role("heading", name="Your data and leaving", level=1)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["profile"]["email"] == address

    page.locator("main").get_by_role("checkbox").check()
    page.get_by_role("button", name="Delete my account").click()
    if "/accounts/reauthenticate/" in page.url:  # asked to prove it is them
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()  # allauth then carries out the held request
    expect(page.get_by_role("heading", level=1)).to_contain_text("scheduled for deletion")
    page.goto("/bookings/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # signed out
    closed = smtp_sink.wait_for(
        lambda m: address in m["To"] and m["Subject"] == "Your account is closed and will be deleted"
    )
    assert "Keep my account" in closed.get_body(preferencelist=("plain",)).get_content()

    _sign_in(page, address)
    page.get_by_role("button", name="Keep my account").click()
    smtp_sink.wait_for(lambda m: address in m["To"] and m["Subject"] == "Your account is kept")
    _sign_in(page, address)
    page.goto("/accounts/security/")
    expect(page.get_by_role("heading", name="Sign-in and security")).to_be_visible()
