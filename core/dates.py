"""
Dates and times as people write them in each language.

Django's ``date`` filter takes one format for everyone; Ukrainian writes "вівторок, 24 листопада"
(genitive month, lower-case names) where English writes "Tuesday, 24 November". Templates and code ask
for a *style* (``when(value, "full")``) and this module picks the format of the active language.

A local time inside the repeated hour of a DST change is ambiguous ("01:30" happens twice), so such
times carry their UTC offset: "01:30 (UTC+3)" and "01:30 (UTC+2)" never read as the same moment.
"""

import datetime

from django.utils import dateformat, timezone
from django.utils.translation import get_language, ngettext

STYLES = {
    "en": {
        "full": "l, j F Y, H:i",  # Tuesday, 24 November 2026, 13:00
        "day": "l, j F",  # Tuesday, 24 November
        "day_year": "l, j F Y",
        "short": "D j M, H:i",  # Tue 24 Nov, 13:00
        "short_year": "D j M Y, H:i",
        "short_day": "D j M",
        "datetime": "j F Y, H:i",  # 24 November 2026, 13:00
        "compact": "j M Y, H:i",  # 24 Nov 2026, 13:00
        "date": "j M Y",
        "seconds": "j M, H:i:s",
        "time": "H:i",
        "chart_day": "j M",
        "chart_weekday": "D j",
        "day_month": "j F",  # 24 November
    },
    "uk": {
        "full": "l, j E Y, H:i",  # вівторок, 24 листопада 2026, 13:00
        "day": "l, j E",
        "day_year": "l, j E Y",
        "short": "D, j E, H:i",  # вт, 24 листопада, 13:00
        "short_year": "D, j E Y, H:i",
        "short_day": "D, j E",
        "datetime": "j E Y, H:i",
        "compact": "d.m.Y, H:i",  # 24.11.2026, 13:00
        "date": "d.m.Y",
        "seconds": "d.m, H:i:s",
        "time": "H:i",
        "chart_day": "d.m",
        "chart_weekday": "D, j",
        "day_month": "j E",  # 24 листопада
    },
}
# Languages that write day and month names in lower case inside a date.
LOWER_CASE_NAMES = {"uk"}


def _language() -> str:
    language = (get_language() or "en").split("-")[0]
    return language if language in STYLES else "en"


def _escape(text: str) -> str:
    return "".join("\\" + char for char in text)


def is_ambiguous(local: datetime.datetime) -> bool:
    """True when this wall-clock time happens twice in its zone (the repeated hour in autumn)."""
    other = local.replace(fold=1 - local.fold)
    return other.utcoffset() != local.utcoffset()


def utc_offset(local: datetime.datetime) -> str:
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def clock(local: datetime.datetime) -> str:
    """HH:MM of a local time, with its UTC offset in the repeated autumn hour (the fast path of "time")."""
    text = f"{local.hour:02d}:{local.minute:02d}"
    return f"{text} ({utc_offset(local)})" if is_ambiguous(local) else text


def when(value: datetime.datetime | datetime.date | None, style: str = "full") -> str:
    """``value`` in the active time zone and language, in the named style (see ``STYLES``)."""
    if value in (None, ""):
        return ""
    language = _language()
    fmt = STYLES[language][style]
    is_datetime = isinstance(value, datetime.datetime)
    if is_datetime and timezone.is_aware(value):
        value = timezone.localtime(value)
    if language in LOWER_CASE_NAMES:
        for code in "lD":
            if code in fmt:
                fmt = fmt.replace(code, _escape(dateformat.format(value, code).lower()))
    text = dateformat.format(value, fmt)
    if is_datetime and "H" in fmt and value.tzinfo is not None and is_ambiguous(value):
        text += f" ({utc_offset(value)})"
    return text


def day_range(first: datetime.date, last: datetime.date) -> str:
    """Two days as a range: "23–29 November" / "23–29 листопада", or "30 November – 6 December"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{when(last, 'day_month')}"  # both languages put the day first
    return f"{when(first, 'day_month')} – {when(last, 'day_month')}"


def duration(minutes: int) -> str:
    """A length of time in words, with the language's plural forms: "1 hour 30 minutes", "2 години"."""
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def zone_name(name: str) -> str:
    """A time zone's name as people read it: "America/New York" for ``America/New_York``."""
    return str(name or "").replace("_", " ")
