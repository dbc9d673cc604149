"""Staff close the site for maintenance, a visitor gets the "back soon" page, the bypass link lets someone in."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_staff_close_the_site_share_the_bypass_link_and_open_it_again(new_page, site):
    staff = new_page()
    login(staff, "staff@example.com")
    staff.goto("/dashboard/maintenance/")
    staff.fill("#id_retry_after_minutes", "20")
    staff.locator("summary", has_text="Start maintenance").click()  # a second click, as it closes the site
    staff.get_by_role("button", name="Yes, close the site").click()
    try:
        expect(staff.locator(".alert-success")).to_contain_text("The site is in maintenance")
        bypass = staff.locator("#bypass-url").input_value()

        visitor = new_page()
        response = visitor.goto("/")
        assert response.status == 503 and response.headers["retry-after"] == "1200"
        expect(visitor.get_by_role("heading", level=1)).to_have_text("We are improving the platform")
        expect(visitor.locator("main")).to_contain_text("Please try again in about 20 minutes.")

        insider = new_page()
        insider.goto(bypass)
        expect(insider.get_by_role("link", name="Find a mentor").first).to_be_visible()
        expect(insider.locator(".maintenance-notice")).to_contain_text("everyone else sees the “back soon” page")
    finally:
        staff.goto("/dashboard/maintenance/")
        staff.get_by_role("button", name="Open the site again").click()
    expect(staff.locator(".alert-success")).to_contain_text("The site is open again")
    assert new_page().goto("/").status == 200
