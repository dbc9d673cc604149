"""
End-to-end fixtures: the real site (gunicorn, two workers, the in-process scheduler) on a free port
with its own SQLite database and demo data, an SMTP sink that receives its mail, and Debian's
Chromium driven by Playwright.
"""

import base64
import email
import email.policy
import hashlib
import hmac
import os
import struct
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


def wait_until_up(url: str, what: str, seconds: float = 30) -> None:
    """Poll ``url`` until it answers; a server that does not start within ``seconds`` fails the run."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


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
            "MAINTENANCE_FILE": str(tmp / "maintenance.json"),
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
        wait_until_up(self.url, "the site")

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


_SINK: list = []  # the session's sink, for register()


@pytest.fixture(scope="session")
def smtp_sink():
    with Sink() as sink:
        _SINK[:] = [sink]
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


class LiveSite:
    """
    The same site (database, media, mail) served by one daphne process: HTTP and WebSockets, the
    in-memory channel layer, as ``make run`` serves it. For the journeys that need live updates.
    """

    def __init__(self, site: Site):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**site.env, "SITE_URL": self.url, "SCHEDULER_AUTOSTART": "false"}
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "mentorship_platform.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_up(self.url, "daphne")

    def stop(self):
        if self.process:
            self.process.kill()
            self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def live_site(site):
    live = LiveSite(site)
    live.start()
    yield live
    live.stop()


def _pages(browser, base_url):
    """``make(...)``: a page in a browser context of its own (a person), closed after the test."""
    contexts = []

    def make(timezone_id="Europe/Kyiv", width=1280, height=900, locale="en-GB"):
        context = browser.new_context(
            base_url=base_url, timezone_id=timezone_id, viewport={"width": width, "height": height}, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(browser, site):
    yield from _pages(browser, site.url)


@pytest.fixture
def new_live_page(browser, live_site):
    """As ``new_page``, on the daphne server: pages that receive live updates over WebSockets."""
    yield from _pages(browser, live_site.url)


STAFF_EMAIL = "staff@example.com"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # accounts.management.commands.seed_demo
_used_codes: set[str] = set()


def totp_code(secret: str) -> str:
    """The authenticator app's code now; each is accepted once, so wait for a fresh one if it was used."""
    while True:
        counter = int(time.time()) // 30
        digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
        offset = digest[-1] & 0x0F
        code = f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
        if (secret, code) not in _used_codes:
            _used_codes.add((secret, code))
            return code
        time.sleep(30 - time.time() % 30 + 0.5)


def login(page, email_address, password=PASSWORD):
    """Sign in; the demo staff account answers the second-factor step from its known secret."""
    page.goto("/accounts/login/")
    page.fill("#id_login", email_address)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:
        page.fill("#id_code", totp_code(STAFF_TOTP_SECRET))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/accounts/2fa/" not in url)


def register(page, *, role="mentee", first="Test", last="User", password="Un-usual-pass-2026"):
    """
    Sign up on the current page (or open the form), then confirm the address through the link that
    reaches the SMTP sink, as a person would; that signs in and continues to ``?next=``. Returns the
    new email address.
    """
    address = f"{first}.{last}.{uuid.uuid4().hex[:8]}@example.com".lower()
    if "/accounts/signup/" not in page.url:
        page.goto("/accounts/signup/")
    page.check(f"input[name=role][value={role}]")
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    page.fill("#id_email", address)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/confirm-email/" in url)
    message = _SINK[0].wait_for(lambda m: address in m["To"] and "/accounts/confirm-email/" in _text(m))
    link = next(word for word in _text(message).split() if "/accounts/confirm-email/" in word)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/confirm-email/" not in url)
    return address


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def pay(page, number="4242 4242 4242 4242", *, expect_text="Paid. Your session is booked"):
    """On the checkout: pay with a test card (any future expiry and code) and see the outcome."""
    from playwright.sync_api import expect

    page.fill("#id_number", number)
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")
    page.locator("main form:has(#id_number) button[type=submit]").click()
    if expect_text:
        expect(page.locator(".alert").first).to_contain_text(expect_text)
