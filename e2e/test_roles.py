"""Staff roles: a manager sees every page and changes nothing but blocks; support answers the desk only."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_a_manager_sees_the_dashboard_but_cannot_cancel_a_booking(new_page, site):
    manager = new_page()
    login(manager, "manager@example.com")
    manager.goto("/dashboard/")
    expect(manager.get_by_role("heading", name="Dashboard")).to_be_visible()
    manager.goto("/dashboard/payments/")
    expect(manager.locator("main table")).to_contain_text("INV-")
    manager.goto("/dashboard/bookings/")
    booking = manager.locator("main table a[href^='/dashboard/bookings/']").first.get_attribute("href")
    response = manager.goto(booking + "cancel/")
    assert response.status == 403
    expect(manager.get_by_role("heading", level=1)).to_have_text("Access denied")


def test_support_staff_reach_the_desk_bookings_and_payments_but_not_the_figures(new_page, site):
    support = new_page()
    login(support, "support@example.com")
    assert support.goto("/dashboard/support/").status == 200
    assert support.goto("/dashboard/bookings/").status == 200
    support.goto("/dashboard/")  # a bookmark of the dashboard leads to the desk, not to "Access denied"
    expect(support).to_have_url(re.compile(r"/dashboard/support/$"))
    assert support.goto("/dashboard/maintenance/").status == 403
    # a question about a charge: the payments ledger is in Support's menu, searchable by the client's address
    support.goto("/dashboard/support/")
    support.locator("main nav").get_by_role("link", name="Payments").click()
    expect(support.get_by_role("table")).to_be_visible()
