"""
What each kind of notification says. A notification stores its kind and the facts (names, times);
the sentence is made here when it is shown, so it is in the reader's language and time zone of that
moment. A later app adds its kinds with ``register``.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.utils.translation import gettext as _

from core.dates import when

BOOKING_CREATED = "booking_created"
BOOKING_CANCELLED = "booking_cancelled"
BOOKING_MOVED = "booking_moved"


@dataclasses.dataclass(frozen=True)
class Kind:
    text: Callable[[dict], str]
    icon: str  # a Bootstrap Icons name


def _at(value: str) -> str:
    return when(dt.datetime.fromisoformat(value), "datetime")


KINDS: dict[str, Kind] = {
    BOOKING_CREATED: Kind(
        lambda p: _("%(name)s booked a session with you on %(when)s.") % {"name": p["name"], "when": _at(p["start"])},
        "calendar-plus",
    ),
    BOOKING_CANCELLED: Kind(
        lambda p: _("%(name)s cancelled the session on %(when)s.") % {"name": p["name"], "when": _at(p["start"])},
        "calendar-x",
    ),
    BOOKING_MOVED: Kind(
        lambda p: (
            _("%(name)s moved your session from %(old)s to %(when)s.")
            % {"name": p["name"], "old": _at(p["previous_start"]), "when": _at(p["start"])}
        ),
        "calendar-event",
    ),
}


def register(kind: str, text: Callable[[dict], str], icon: str) -> None:
    KINDS[kind] = Kind(text, icon)


def render(notification) -> str:
    kind = KINDS.get(notification.kind)
    try:
        return kind.text(notification.params) if kind else ""
    except (KeyError, TypeError, ValueError):  # facts stored by an older version of a kind
        return ""


def icon(notification) -> str:
    kind = KINDS.get(notification.kind)
    return kind.icon if kind else "bell"
