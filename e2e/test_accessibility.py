"""axe-core on every main page: no serious or critical violations, nothing wider than a phone. Screenshots too."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from e2e.conftest import ROOT, login

pytestmark = pytest.mark.e2e

ANONYMOUS = {
    "home": "/",
    "mentor-page": "/mentors/olena-kovalenko/",
    "login": "/accounts/login/",
    "register": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
    "contact-support": "/support/",
    "articles": "/articles/",
    "article-page": "/articles/five-habits-that-make-code-reviews-faster/",
    "api-docs": "/api/docs/",
}
MENTEE = {
    "api-tokens": "/api/tokens/",
    "booking-confirmation": "FIRST_FREE_SLOT",
    "my-consultations": "/bookings/",
    "booking-page": "FIRST_BOOKING",
    "move-session": "FIRST_BOOKING_MOVE",
    "profile": "/accounts/profile/",
    "sign-in-and-security": "/accounts/security/",
    "email-addresses": "/accounts/email/",
    "two-factor": "/accounts/2fa/",
    "signed-in-devices": "/accounts/sessions/",
    "change-password": "/accounts/password/change/",
    "your-data-and-leaving": "/accounts/leave/",
    "messages": "/messages/",
    "conversation": "FIRST_CONVERSATION",
    "checkout": "CHECKOUT",
    "payments": "/payments/",
    "review-form": "FIRST_REVIEWABLE",
    "comment-edit": "OWN_COMMENT_EDIT",
}
MENTOR = {
    "mentor-schedule": "/schedule/",
    "weekly-hours": "/schedule/weekly/",
    "mentor-profile-editor": "/accounts/profile/mentor/",
    "my-clients": "/clients/",
    "notifications": "/notifications/",
    "notification-settings": "/notifications/settings/",
    "earnings": "/earnings/",
    "packages": "/earnings/packages/",
    "my-reviews": "/reviews/mine/",
    "my-articles": "/articles/mine/",
    "write-an-article": "/articles/new/",
    "edit-an-article": "OWN_ARTICLE_EDIT",
    "delete-an-article": "OWN_ARTICLE_DELETE",
    "mailings": "/mailings/",
    "new-mailing": "/mailings/new/",
    "mailing-page": "FIRST_MAILING",
    "mailing-clients": "/mailings/clients/",
    "mailing-messages": "/mailings/messages/",
    "mailing-message": "FIRST_MAILING_MESSAGE",
}
STAFF = {
    "dashboard": "/dashboard/",
    "dashboard-bookings": "/dashboard/bookings/",
    "dashboard-people": "/dashboard/people/",
    "dashboard-payments": "/dashboard/payments/",
    "dashboard-maintenance": "/dashboard/maintenance/",
    "dashboard-support": "/dashboard/support/",
    "dashboard-reviews": "/dashboard/reviews/",
    "dashboard-reports": "/dashboard/reports/",
    "dashboard-audit-log": "/dashboard/audit/",
    "dashboard-data-changes": "/dashboard/audit/changes/",
    "dashboard-person": "DASHBOARD_PERSON",
    "dashboard-mailings": "/dashboard/mailings/",
    "dashboard-mailing": "FIRST_STAFF_MAILING",
}
WHO = {
    "anonymous": (None, ANONYMOUS),
    "mentee": ("petro.savchuk@example.com", MENTEE),
    "mentor": ("olena.kovalenko@example.com", MENTOR),
    "staff": ("staff@example.com", STAFF),
}
SCREENSHOTS = ROOT / "docs" / "screenshots" if os.environ.get("SCREENSHOTS") else ROOT / "test-results" / "screenshots"


def _resolve(page, path):
    if path == "FIRST_FREE_SLOT":
        page.goto("/mentors/andriy-shevchenko/")
        return page.locator("a[href^='/book/']").first.get_attribute("href")
    if path in ("FIRST_BOOKING", "FIRST_BOOKING_MOVE"):
        page.goto("/bookings/")
        booking = page.locator("#upcoming-heading + ul a[href^='/bookings/']").first.get_attribute("href")
        return booking + ("move/" if path == "FIRST_BOOKING_MOVE" else "")
    if path == "FIRST_MAILING":
        page.goto("/mailings/")
        return page.locator("main table a[href^='/mailings/']").first.get_attribute("href")
    if path == "FIRST_MAILING_MESSAGE":
        page.goto("/mailings/messages/")
        return page.locator("main .list-group a[href^='/mailings/messages/']").first.get_attribute("href")
    if path == "FIRST_STAFF_MAILING":
        page.goto("/dashboard/mailings/")
        return page.locator("main table a[href^='/dashboard/mailings/']").first.get_attribute("href")
    if path == "CHECKOUT":  # holds a time of the mentor for the payment (released when it runs out)
        page.goto(_resolve(page, "FIRST_FREE_SLOT"))
        page.get_by_role("button", name="Continue to payment").click()
        page.wait_for_url(lambda url: "/payments/checkout/" in url)
        return page.url
    if path == "DASHBOARD_PERSON":  # a staff member's page: the staff role picker
        page.goto("/dashboard/people/?query=manager%40example.com")
        return page.locator("main table a[href^='/dashboard/people/']").first.get_attribute("href")
    if path == "FIRST_CONVERSATION":  # "Ask a question" opens it (or the one opened before)
        page.goto("/mentors/andriy-shevchenko/")
        page.get_by_role("button", name="Ask a question").click()
        page.wait_for_url(lambda url: "/messages/" in url)
        return page.url
    if path == "FIRST_REVIEWABLE":  # a session of the demo history that is waiting for its review
        page.goto("/bookings/")
        for href in page.locator("#past-heading + ul a[href^='/bookings/']").evaluate_all("as => as.map(a => a.href)"):
            page.goto(href)
            leave = page.get_by_role("link", name="Leave a review")
            if leave.count():
                return leave.get_attribute("href")
        raise AssertionError("no past session waits for a review")
    if path == "OWN_COMMENT_EDIT":  # a fresh comment of the mentee's, editable for a few minutes
        page.goto("/articles/five-habits-that-make-code-reviews-faster/")
        page.fill("#id_body", "A comment to edit.")
        page.get_by_role("button", name="Post comment").click()
        return page.locator("#comments a[href$='/edit/']").last.get_attribute("href")
    if path in ("OWN_ARTICLE_EDIT", "OWN_ARTICLE_DELETE"):
        page.goto("/articles/mine/")
        edit = page.locator("a[href$='/edit/']").first.get_attribute("href")
        return edit if path == "OWN_ARTICLE_EDIT" else edit.replace("/edit/", "/delete/")
    return path


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("who", list(WHO))
def test_main_pages_have_no_serious_accessibility_violations(new_page, site, who):
    account, pages = WHO[who]
    axe = Axe()
    problems = {}
    for width, suffix in ((1280, "desktop"), (390, "mobile")):
        page = new_page(width=width, height=844 if width < 500 else 900)
        if account:
            login(page, account)
        for name, path in pages.items():
            page.goto(_resolve(page, path))
            page.wait_for_load_state("networkidle")
            if suffix == "desktop":
                found = _serious(axe.run(page))
                if found:
                    problems[name] = found
            else:  # nothing may widen a phone's page: a sideways scroll hides half of everything
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 390:
                    problems[f"{name} (phone)"] = f"the page is {width}px wide on a 390px screen"
            # Scroll through the page so lazily loaded photos are in the screenshot.
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")
            page.evaluate("window.scrollTo(0, 0)")
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{suffix}.png"), full_page=True)
    assert problems == {}
