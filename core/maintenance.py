"""
Maintenance mode. Switched on from the dashboard or ``manage.py maintenance on``, it is a small JSON file
(``MAINTENANCE_FILE``) that every process reads on each request: no database or cache query, so it
works while those are being migrated, and it survives restarts. Everyone gets a styled 503 with
Retry-After, except those who opened the secret bypass link of this window (signed, expiring after
``MAINTENANCE_BYPASS_HOURS``; a new window makes the old links useless). The outbox waits meanwhile:
mail queued during maintenance goes out once it ends. Ending it leaves the moment beside the file
(``last_ended``), so ``/readyz`` counts the held-back mail's wait from then.
"""

import contextlib
import dataclasses
import datetime as dt
import json
import os
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

COOKIE = "maintenance_bypass"
_SALT = "core.maintenance.bypass"


@dataclasses.dataclass(frozen=True)
class Window:
    since: dt.datetime
    retry_after_minutes: int
    nonce: str  # the bypass links of this window sign it
    by: str = ""

    @property
    def retry_after_seconds(self) -> int:
        return self.retry_after_minutes * 60


def current() -> Window | None:
    """The maintenance window in force, or None. A file that cannot be read as one still means "on"."""
    path = Path(settings.MAINTENANCE_FILE)
    try:
        data = json.loads(path.read_text())
        return Window(
            since=dt.datetime.fromisoformat(data["since"]),
            retry_after_minutes=int(data["retry_after_minutes"]),
            nonce=str(data["nonce"]),
            by=str(data.get("by", "")),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):  # half-written or edited by hand: keep the site closed
        return Window(since=timezone.now(), retry_after_minutes=15, nonce="", by="")


def maintenance_on(*, by: str, retry_after_minutes: int = 15, now: dt.datetime | None = None) -> Window:
    """Close the site (or start a new window: earlier bypass links stop working)."""
    window = Window(
        since=now or timezone.now(), retry_after_minutes=retry_after_minutes, nonce=secrets.token_urlsafe(16), by=by
    )
    path = Path(settings.MAINTENANCE_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**dataclasses.asdict(window), "since": window.since.isoformat()}
    # Written whole, then renamed: a reader never sees half a file.
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as tmp:
        json.dump(data, tmp)
    os.replace(tmp.name, path)
    return window


def _ended_path() -> Path:
    path = Path(settings.MAINTENANCE_FILE)
    return path.with_name(path.name + ".ended")


def maintenance_off(*, now: dt.datetime | None = None) -> bool:
    """Open the site again; False if it was not closed."""
    try:
        Path(settings.MAINTENANCE_FILE).unlink()
    except FileNotFoundError:
        return False
    # Not noting it leaves the site open all the same; /readyz may then count the held-back mail's whole wait.
    with contextlib.suppress(OSError):
        _ended_path().write_text((now or timezone.now()).isoformat())
    return True


def last_ended() -> dt.datetime | None:
    """When maintenance mode last ended, or None if it never did (or the note cannot be read)."""
    try:
        return dt.datetime.fromisoformat(_ended_path().read_text())
    except (OSError, ValueError):
        return None


def bypass_token(window: Window) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(window.nonce)


def bypass_path(window: Window) -> str:
    return reverse("maintenance_bypass", kwargs={"token": bypass_token(window)})


def bypass_valid(token: str, window: Window) -> bool:
    if not token or not window.nonce or len(token) > 200:
        return False
    try:
        nonce = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=settings.MAINTENANCE_BYPASS_HOURS * 3600)
    except signing.BadSignature:  # tampered, expired or of another window
        return False
    return secrets.compare_digest(nonce, window.nonce)


def set_bypass_cookie(response, window: Window) -> None:
    response.set_cookie(
        COOKIE,
        bypass_token(window),
        max_age=settings.MAINTENANCE_BYPASS_HOURS * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
