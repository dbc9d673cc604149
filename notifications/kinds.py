"""
What each kind of notification says. A notification stores its kind and the facts (names, times);
the sentence is made here when it is shown, so it is in the reader's language and time zone of that
moment. A later app adds its kinds with ``register``.

Each kind also names itself for the notification settings page (``label``) and says whether it comes
by email as well (``email``): people may turn that email off per kind (``NotificationPreference``).
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import when

BOOKING_CREATED = "booking_created"
BOOKING_CANCELLED = "booking_cancelled"
BOOKING_MOVED = "booking_moved"
BOOKING_NO_SHOW = "booking_no_show"


@dataclasses.dataclass(frozen=True)
class Kind:
    text: Callable[[dict], str]
    icon: str  # a Bootstrap Icons name
    label: str = ""  # what the settings page calls it (lazy: kinds are made before any language is chosen)
    email: bool = True  # also sent by email unless the person turns it off; False: in-app only, no choice
    always_mailed: bool = False  # with email False: the app sends its own email every time (a receipt)
    mentors_only: bool = False  # about a mentor's own sessions, articles or mailings: not in a mentee's settings
    # Tells of the named person's own writing (an article, a comment), which leaving erases: the notification
    # goes with it. Otherwise (a session, a review's stars) it stays, naming "Deleted user".
    gone_with_person: bool = False


def _at(value: str) -> str:
    return when(dt.datetime.fromisoformat(value), "datetime")


KINDS: dict[str, Kind] = {
    BOOKING_CREATED: Kind(
        lambda p: _("%(name)s booked a session with you on %(when)s.") % {"name": p["name"], "when": _at(p["start"])},
        "calendar-plus",
        gettext_lazy("New bookings of your sessions"),
        mentors_only=True,
    ),
    BOOKING_CANCELLED: Kind(
        lambda p: _("%(name)s cancelled the session on %(when)s.") % {"name": p["name"], "when": _at(p["start"])},
        "calendar-x",
        gettext_lazy("Cancelled sessions"),
    ),
    BOOKING_MOVED: Kind(
        lambda p: (
            _("%(name)s moved your session from %(old)s to %(when)s.")
            % {"name": p["name"], "old": _at(p["previous_start"]), "when": _at(p["start"])}
        ),
        "calendar-event",
        gettext_lazy("Sessions moved to another time"),
    ),
    BOOKING_NO_SHOW: Kind(
        lambda p: (
            _("%(name)s says you did not come to the session on %(when)s.")
            % {"name": p["name"], "when": _at(p["start"])}
        ),
        "person-x",
        gettext_lazy("Sessions reported as missed"),
        email=False,  # the refund that may follow is mailed on its own
    ),
}


def register(
    kind: str,
    text: Callable[[dict], str],
    icon: str,
    *,
    label: str = "",
    email: bool = True,
    always_mailed: bool = False,
    mentors_only: bool = False,
    gone_with_person: bool = False,
) -> None:
    KINDS[kind] = Kind(text, icon, label or kind, email, always_mailed, mentors_only, gone_with_person)


def for_person(user) -> dict[str, Kind]:
    """The kinds that can reach ``user``, in the order they were registered: a mentee has no mentor's kinds."""
    return {name: kind for name, kind in KINDS.items() if user.is_mentor or not kind.mentors_only}


def with_email() -> dict[str, Kind]:
    """The kinds whose email a person may turn off, in the order they were registered."""
    return {name: kind for name, kind in KINDS.items() if kind.email}


def render(notification) -> str:
    kind = KINDS.get(notification.kind)
    params = notification.params
    if params.get("name") == "":  # the person named has left (``services.person_notifications_erase``)
        params = {**params, "name": _("Deleted user")}
    try:
        return kind.text(params) if kind else ""
    except (KeyError, TypeError, ValueError):  # facts stored by an older version of a kind
        return ""


def icon(notification) -> str:
    kind = KINDS.get(notification.kind)
    return kind.icon if kind else "bell"
