"""
Chromium under the site's Content-Security-Policy: the main pages, the dashboard's charts and the
Django admin run their scripts and styles without one violation. Chromium reports every blocked
inline script, style or handler as a console message ("Refused to ... Content Security Policy").
"""

import pytest

from e2e.conftest import login

pytestmark = pytest.mark.e2e

STAFF = "staff@example.com"  # seed_demo's staff account is also a superuser


def _watch(page) -> list[str]:
    """Every console message and page error that reports a blocked resource or script."""
    refusals: list[str] = []

    def note(text: str) -> None:
        if "Content Security Policy" in text or "Refused to" in text:
            refusals.append(f"{page.url}: {text}")

    page.on("console", lambda message: note(message.text))
    page.on("pageerror", lambda error: note(str(error)))
    return refusals


def _visit(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")


def test_pages_for_visitors_run_under_the_policy_without_a_violation(new_page, site):
    page = new_page()
    refusals = _watch(page)

    for path in (
        "/",
        "/mentors/olena-kovalenko/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ):
        _visit(page, path)
    # The narrow layout: Bootstrap's collapsing menu animates its height through the CSSOM.
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("button.navbar-toggler").click()
    page.wait_for_selector("#navbar-main.show")
    page.set_viewport_size({"width": 1280, "height": 900})

    policy = page.request.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert refusals == []


def test_staff_pages_charts_and_the_admin_run_under_the_policy_without_a_violation(new_page, site):
    page = new_page()
    refusals = _watch(page)
    login(page, STAFF)

    _visit(page, "/dashboard/")
    for chart in ("chart-bookings", "chart-slots"):
        drawn = page.evaluate(
            "(id) => { const chart = Chart.getChart(id); return !!chart && chart.canvas.offsetHeight > 0; }", chart
        )
        assert drawn, f"{chart} was not drawn"
    page.locator("nav .dropdown-toggle").first.click()  # Popper places the menu through the CSSOM
    page.wait_for_selector(".dropdown-menu.show")

    _visit(page, "/accounts/profile/")  # the time-zone filter box is built by a script
    page.wait_for_selector("input.timezone-filter")

    _visit(page, "/admin/")
    _visit(page, "/admin/schedule/slot/add/")  # the date and time widgets are built by the admin's scripts
    page.locator(".datetimeshortcuts a").first.click()  # "Today"
    page.locator("a[id^='calendarlink']").first.click()
    page.wait_for_selector(".calendarbox", state="visible")
    _visit(page, "/admin/accounts/user/")

    assert refusals == []
