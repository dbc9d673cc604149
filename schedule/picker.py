"""
The week picker: a mentor's free times one week at a time, for the mentor page and for moving a
booking. Labels are computed here once per day and per slot (not by template filters per button):
a busy week has over a hundred buttons and this page is the platform's most visited.
"""

import dataclasses
import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from core.dates import clock, when
from schedule import selectors
from schedule.models import Slot


@dataclasses.dataclass(frozen=True)
class Choice:
    pk: int
    stamp: int  # the start in Unix seconds: a moved slot is refused rather than booked unseen
    time: str
    label: str
    href: str
    clash: bool


def parse_week(value: str | None) -> dt.date | None:
    """The ``?week=`` parameter (any ISO date in the week); anything else means "the earliest week"."""
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _days(view: selectors.WeekView, mode: str) -> list[tuple[str, list[Choice]]]:
    tz = timezone.get_current_timezone()
    template = gettext("Move to %(start)s") if mode == "move" else gettext("Book %(start)s")
    href = reverse("schedule:booking_confirm", args=[0]).removesuffix("0/") + "{}/"
    days = []
    for day, slots in view.days:
        full_day = when(day, "day_year")
        choices = []
        for slot in slots:
            time = clock(slot.start.astimezone(tz))
            choices.append(
                Choice(
                    pk=slot.pk,
                    stamp=int(slot.start.timestamp()),
                    time=time,
                    label=template % {"start": f"{full_day}, {time}"},
                    href=href.format(slot.pk),
                    clash=slot.pk in view.clashes,
                )
            )
        days.append((when(day, "short_day"), choices))
    return days


def render(
    request, *, mentor: User, week: dt.date | None, viewer: User | None, mode: str, exclude: Slot | None = None
) -> str:
    view = selectors.week_availability(mentor=mentor, week=week, viewer=viewer, exclude=exclude)
    context = {
        "week": view,
        "days": _days(view, mode),
        "week_last": view.start + dt.timedelta(days=6),
        "mentor": mentor,
        "mode": mode,
    }
    return render_to_string("schedule/_week_picker.html", context, request=request)
