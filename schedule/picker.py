"""
The week picker: a mentor's free times one week at a time, for the mentor page and for moving a
booking. A busy week has over a hundred buttons and this page is the platform's most visited, so a
day's buttons are written here, in one pass over plain rows, instead of by the template language
(which costs about 15 µs a button in lookups, filters and escaping): each start is converted to the
viewer's zone once (by the selector), its label is formatted once, and every text is escaped here
(``_day_buttons``) before the day's HTML is marked safe. The rest (navigation, headings, the empty
states) stays in ``schedule/_week_picker.html``.
"""

import dataclasses
import datetime as dt
from html import escape

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from accounts.models import User
from core.dates import clock, when
from schedule import selectors
from schedule.models import Slot


@dataclasses.dataclass(frozen=True)
class Day:
    heading: str  # "Tue 24 Nov"
    buttons: SafeString  # the day's times, "" when it has none

    @property
    def heading_lines(self) -> tuple[str, str]:
        """("Tue", "24 Nov"): the heading on two lines over a narrow column ("вт", "24 листопада")."""
        weekday, _space, date = self.heading.partition(" ")
        return weekday.rstrip(","), date


def parse_week(value: str | None) -> dt.date | None:
    """The ``?week=`` parameter (any ISO date in the week); anything else means "the earliest week"."""
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _day_buttons(day: dt.date, slots: list[selectors.WeekSlot], *, clashes: set[int], mode: str, texts: dict) -> str:
    """
    A day's times as buttons. mode "book": a link to the booking page; mode "move": a submit button of
    the enclosing GET form (name "slot", value "id:start in Unix seconds", so a time that moved meanwhile
    is refused rather than taken unseen), which asks to confirm. A time that clashes with the viewer's
    own session is shown disabled. The label reads the whole date ("Book Tuesday, 24 November 2026,
    09:00"); a time in the repeated autumn hour carries its UTC offset (``clock``). Every text is
    escaped here.
    """
    full_day = when(day, "day_year")
    label, href, your_session = texts["label"], texts["href"], texts["your_session"]
    parts = []
    for slot in slots:
        plain = clock(slot.local)
        time = escape(plain)
        if slot.pk in clashes:
            parts.append(
                f'<span class="btn btn-sm slot-btn slot-clash disabled" aria-disabled="true">{time}'
                f'<small class="d-block">{your_session}</small></span>'
            )
            continue
        aria = escape(label % {"start": f"{full_day}, {plain}"})
        if mode == "move":
            parts.append(
                f'<button type="submit" name="slot" value="{slot.pk}:{int(slot.start.timestamp())}" '
                f'class="btn btn-sm btn-outline-primary slot-btn" aria-label="{aria}">{time}</button>'
            )
        else:
            parts.append(
                f'<a class="btn btn-sm btn-outline-primary slot-btn" href="{href}{slot.pk}/" '
                f'aria-label="{aria}">{time}</a>'
            )
    return "\n".join(parts)


def days(view: selectors.WeekView, mode: str, clash_label: str | None = None) -> list[Day]:
    """
    The seven days of ``view`` with their headings and buttons, in the active zone and language. A time
    that clashes with the viewer's sessions says "Your session", or ``clash_label``.
    """
    texts = {
        "label": gettext("Move to %(start)s") if mode == "move" else gettext("Book %(start)s"),
        "href": reverse("schedule:booking_confirm", args=[0]).removesuffix("0/"),
        "your_session": escape(clash_label or gettext("Your session")),
    }
    return [
        Day(
            heading=when(day, "short_day"),
            # Safe: built by _day_buttons from escaped texts, numbers and our own markup only.
            buttons=mark_safe(_day_buttons(day, slots, clashes=view.clashes, mode=mode, texts=texts)) if slots else "",
        )
        for day, slots in view.days
    ]


def render(
    request,
    *,
    mentor: User,
    week: dt.date | None,
    viewer: User | None,
    mode: str,
    exclude: Slot | None = None,
    first=selectors.LOOK_UP,
    now: dt.datetime | None = None,
    clash_label: str | None = None,
) -> str:
    """
    The picker's HTML; ``first`` (the mentor's first bookable start, if the caller has it) spares a query.
    ``viewer``'s sessions are marked on the week, as "Your session" or ``clash_label``.
    """
    view = selectors.week_availability(mentor=mentor, week=week, viewer=viewer, exclude=exclude, now=now, first=first)
    context = {
        "week": view,
        "days": days(view, mode, clash_label),
        "week_last": view.start + dt.timedelta(days=6),
        "mentor": mentor,
        "mode": mode,
    }
    return render_to_string("schedule/_week_picker.html", context, request=request)
