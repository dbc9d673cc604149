"""
The Content-Security-Policy: every page sends it, and no page carries what it would block (a style=
or on*= attribute, a <style> element, an inline <script>), so the strict policy breaks nothing.
The browser's own verdict, with Chart.js and the admin's scripts running, is in e2e/.
"""

import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import ListedMentorFactory, UserFactory, enable_mfa, staff_member
from schedule.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


@pytest.fixture
def people():
    """A listed mentor with a booked session (so lists and charts have rows), and who looks at pages."""
    mentor = ListedMentorFactory(first_name="Olena", last_name="Kovalenko")
    booking = BookingFactory(slot__mentor=mentor)
    return {
        "mentor": mentor,
        "mentee": booking.mentee,
        "staff": staff_member(),
        "superuser": _with_second_factor(UserFactory(is_staff=True, is_superuser=True)),
    }


# (name, who is signed in, the URL from the people)
PAGES = [
    ("home", None, lambda p: reverse("home")),
    ("mentor page", None, lambda p: p["mentor"].mentor_profile.get_absolute_url()),
    ("login", None, lambda p: reverse("account_login")),
    ("register", None, lambda p: reverse("account_signup")),
    ("security", "mentee", lambda p: reverse("accounts:security")),
    ("two-factor", "mentee", lambda p: reverse("mfa_index")),
    ("profile", "mentee", lambda p: reverse("accounts:profile")),
    ("my consultations", "mentee", lambda p: reverse("schedule:booking_list")),
    ("mentor page, signed in", "mentee", lambda p: p["mentor"].mentor_profile.get_absolute_url()),
    ("weekly hours", "mentor", lambda p: reverse("schedule:weekly_hours")),
    ("mentor profile editor", "mentor", lambda p: reverse("accounts:mentor_profile_edit")),
    ("dashboard stats", "staff", lambda p: reverse("dashboard:stats")),
    ("admin index", "superuser", lambda p: reverse("admin:index")),
    ("admin user change", "superuser", lambda p: reverse("admin:accounts_user_change", args=[p["mentor"].pk])),
    ("not found", None, lambda p: "/no-such-page/"),
]


def _get(client, people, who, url):
    if who:
        client.force_login(people[who])
    return client.get(url(people))


@pytest.mark.parametrize(("name", "who", "url"), PAGES, ids=[page[0] for page in PAGES])
def test_every_main_page_sends_the_strict_policy(client, people, name, who, url):
    response = _get(client, people, who, url)

    assert response.status_code in (200, 404)
    sent = [directive.strip() for directive in response["Content-Security-Policy"].split(";")]
    assert sorted(sent) == sorted(DIRECTIVES)


class InlineCodeFinder(HTMLParser):
    """What a policy without 'unsafe-inline' blocks: inline scripts and styles, handlers, javascript: links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._inline_script_at: tuple[int, int] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script" and "src" not in values and values.get("type") != "application/json":
            self.found.append(f"inline <script> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_scan_finds_what_the_policy_blocks_and_allows_json_data():
    html = (
        '<p style="color: red">x</p><button onclick="go()">y</button><a href=" JavaScript:go()">z</a>'
        "<style>p {}</style><script>go()</script>"
        '<script src="/static/js/site.js"></script><script id="d" type="application/json">{}</script>'
    )
    assert inline_code(html) == [
        "<p style='color: red'>",
        "<button onclick='go()'>",
        "<a href=' JavaScript:go()'>",
        "<style> element",
        "inline <script> at line 1",
    ]


def _with_second_factor(user):
    enable_mfa(user)  # staff pages need it
    return user


SCANNED = ["home", "mentor page", "login", "register", "profile", "dashboard stats", "admin index"]


@pytest.mark.parametrize("name", SCANNED)
def test_main_pages_have_no_inline_scripts_styles_or_handlers(client, people, name):
    _name, who, url = next(page for page in PAGES if page[0] == name)
    response = _get(client, people, who, url)

    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []


def test_the_dashboard_passes_its_chart_data_as_json_not_as_a_script(client, people):
    client.force_login(people["staff"])
    page = client.get(reverse("dashboard:stats")).content.decode()
    assert '<script id="dashboard-data" type="application/json">' in page
    assert "js/dashboard.js" in page


def _policy_with(**environ) -> set[str]:
    """The directives the settings build in a fresh process with these environment variables."""
    code = "import django; django.setup(); from csp.utils import build_policy; print(build_policy())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship_platform.settings", **environ}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return {directive.strip() for directive in result.stdout.split(";")}


def test_csp_report_uri_adds_a_report_uri_and_nothing_else():
    without = _policy_with(CSP_REPORT_URI="")
    with_uri = _policy_with(CSP_REPORT_URI="https://reports.example.com/csp")

    assert without == set(DIRECTIVES)
    assert with_uri == {*DIRECTIVES, "report-uri https://reports.example.com/csp"}


@pytest.mark.parametrize(
    ("configured", "targets"),
    [({}, ["'self'"]), ({"GITHUB_CLIENT_ID": "id", "GITHUB_CLIENT_SECRET": "s"}, ["'self'", "https://github.com"])],
)
def test_only_configured_sign_in_providers_are_allowed_as_form_targets(configured, targets):
    """A "Continue with GitHub" POST is redirected to github.com: Chromium checks that against form-action."""

    code = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    env = {"PATH": os.environ["PATH"], "DEBUG": "true", **configured}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(targets)
