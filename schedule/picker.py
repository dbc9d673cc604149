"""The week picker: a mentor's free times one week at a time, for the mentor page and for moving a booking."""

import datetime as dt

from django.template.loader import render_to_string

from accounts.models import User
from schedule import selectors
from schedule.models import Slot


def parse_week(value: str | None) -> dt.date | None:
    """The ``?week=`` parameter (any ISO date in the week); anything else means "the earliest week"."""
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def render(
    request, *, mentor: User, week: dt.date | None, viewer: User | None, mode: str, exclude: Slot | None = None
) -> str:
    view = selectors.week_availability(mentor=mentor, week=week, viewer=viewer, exclude=exclude)
    context = {"week": view, "week_last": view.start + dt.timedelta(days=6), "mentor": mentor, "mode": mode}
    return render_to_string("schedule/_week_picker.html", context, request=request)
