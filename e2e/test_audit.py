"""Staff actions land in the audit log, which a manager reads (and cannot change) on the dashboard."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, register

pytestmark = pytest.mark.e2e


def test_blocking_someone_is_in_the_audit_log_that_a_manager_reads(new_page, site):
    person = new_page()
    address = register(person, first="Audrey", last="Audit")

    staff = new_page()
    login(staff, "staff@example.com")
    staff.goto(f"/dashboard/people/?query={address}")
    staff.get_by_role("link", name="Audrey Audit").click()
    staff.get_by_role("link", name="Block account").click()
    staff.get_by_role("button", name="Block").click()
    expect(staff.locator(".alert-success")).to_contain_text("Audrey Audit is blocked")

    manager = new_page()
    login(manager, "manager@example.com")
    manager.goto("/dashboard/")
    manager.get_by_role("link", name="Audit log").click()
    manager.select_option("#id_action", "person.block")
    manager.fill("#id_person", "Audrey")
    manager.get_by_role("button", name="Filter").click()
    row = manager.locator("main table tbody tr").first
    expect(row).to_contain_text("Blocked a person")
    expect(row).to_contain_text("Staff Admin")
    expect(row).to_contain_text("Audrey Audit")
    expect(row).to_contain_text("127.0.0.1")

    manager.get_by_role("link", name="Data changes").click()
    manager.select_option("#id_model", "accounts.user")
    manager.fill("#id_person", "staff@example.com")
    manager.get_by_role("button", name="Filter").click()
    expect(manager.locator("main table tbody tr").first).to_contain_text("Active")
    # Nothing on these pages writes: no form posts, no edit links.
    assert manager.locator("main form[method=post]").count() == 0
