"""
End-to-end fixtures: the real site (gunicorn, two workers, the in-process scheduler) on a free port
with its own SQLite database and demo data, an SMTP sink that receives its mail, and Debian's
Chromium driven by Playwright.
"""

import email
import email.policy
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from schedule.tests.smtp import SMTPServer, free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "demo-pass-2026"


class Site:
    def __init__(self, tmp: Path, smtp_port: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "SECRET_KEY": "e2e-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.url,
            "DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
            "MEDIA_ROOT": str(tmp / "media"),
            # Two workers, as in production: invalidation must reach both, so the cache is shared.
            "CACHE_URL": f"filecache://{tmp / 'cache'}",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "SCHEDULER_AUTOSTART": "true",
            "OUTBOX_POLL_SECONDS": "1",
            "BOOKING_MIN_NOTICE_MINUTES": "60",
            "SECURE_COOKIES": "false",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = None

    def manage(self, *args) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout

    def python(self, code: str) -> str:
        """Run Django code against the site's database (for assertions a browser cannot make)."""
        return self.manage("shell", "-v", "0", "-c", code).strip()

    def start(self):
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("seed_demo")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "mentorship_platform.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the site did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=20)


class Sink(SMTPServer):
    def wait_for(self, predicate, timeout=30):
        """The first received message (as an email.message.EmailMessage) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for raw in list(self.messages):
                message = email.message_from_bytes(raw, policy=email.policy.default)
                if predicate(message):
                    return message
            time.sleep(0.2)
        raise AssertionError("no matching email arrived at the SMTP sink")


@pytest.fixture(scope="session")
def smtp_sink():
    with Sink() as sink:
        yield sink


@pytest.fixture(scope="session")
def site(tmp_path_factory, smtp_sink):
    site = Site(tmp_path_factory.mktemp("site"), smtp_sink.port)
    site.start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, site):
    contexts = []

    def make(timezone_id="Europe/Kyiv", width=1280, height=900, locale="en-GB"):
        context = browser.new_context(
            base_url=site.url, timezone_id=timezone_id, viewport={"width": width, "height": height}, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, email_address, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_username", email_address)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def register(page, *, role="mentee", first="Test", last="User", password="Un-usual-pass-2026"):
    """Fill the registration form on the current page (or open it); return the new email address."""
    address = f"{first}.{last}.{uuid.uuid4().hex[:8]}@example.com".lower()
    if "/accounts/register/" not in page.url:
        page.goto("/accounts/register/")
    page.check(f"input[name=role][value={role}]")
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    page.fill("#id_email", address)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/register/" not in url)
    return address
