"""
When a mailing's runs fall. Occurrence ``n`` is the start plus ``n`` periods on the wall clock of the
mailing's zone, so a 09:00 weekly note stays at 09:00 through DST. A monthly one keeps the start's
day of the month, or the month's last day when it is shorter (started on the 31st: 30 April, 28 or 29
February, 31 May), always counted from the start, never from the previous run. Occurrences fall
before the end (``end_at``, exclusive).

A local time that does not exist (the hour skipped when clocks go forward) is taken with the offset
before the change, so it runs an hour later on the wall clock; a time that exists twice runs at the
first one.
"""

import calendar
import datetime as dt
import zoneinfo

ONCE, DAILY, WEEKLY, MONTHLY = "once", "daily", "weekly", "monthly"
STEP_DAYS = {DAILY: 1, WEEKLY: 7}


def _local(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _aware(naive: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)


def add_months(day: dt.date, months: int, *, anchor_day: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(anchor_day, last))


def nth(*, start: dt.datetime, period: str, zone: str, n: int) -> dt.datetime | None:
    """Occurrence ``n`` (0 is the start) as an aware UTC datetime; None when the period has no such run."""
    if n < 0:
        return None
    if period == ONCE:
        return start if n == 0 else None
    tz = zoneinfo.ZoneInfo(zone)
    local = _local(start, tz)
    if period in STEP_DAYS:
        naive = local + dt.timedelta(days=STEP_DAYS[period] * n)
    else:
        naive = dt.datetime.combine(add_months(local.date(), n, anchor_day=local.day), local.time())
    return _aware(naive, tz)


def _index_near(*, start: dt.datetime, period: str, zone: str, moment: dt.datetime) -> int:
    """An estimate of the last occurrence's index at or before ``moment`` (within one of the truth)."""
    if period == ONCE:
        return 0
    tz = zoneinfo.ZoneInfo(zone)
    a, b = _local(start, tz), _local(moment, tz)
    if period in STEP_DAYS:
        return max(0, (b - a).days // STEP_DAYS[period])
    return max(0, (b.year - a.year) * 12 + b.month - a.month)


def last_at_or_before(*, start: dt.datetime, period: str, zone: str, moment: dt.datetime) -> dt.datetime | None:
    """The latest occurrence at or before ``moment``; None before the start."""
    if moment < start:
        return None
    n = _index_near(start=start, period=period, zone=zone, moment=moment) + 1
    while n >= 0:
        occurrence = nth(start=start, period=period, zone=zone, n=n)
        if occurrence is not None and occurrence <= moment:
            return occurrence
        n -= 1
    return start


def first_after(*, start: dt.datetime, period: str, zone: str, moment: dt.datetime) -> dt.datetime | None:
    """The earliest occurrence strictly after ``moment``; None for a single run already past."""
    if moment < start:
        return start
    n = max(0, _index_near(start=start, period=period, zone=zone, moment=moment) - 1)
    for k in range(n, n + 4):
        occurrence = nth(start=start, period=period, zone=zone, n=k)
        if occurrence is None:
            return None
        if occurrence > moment:
            return occurrence
    return None  # unreachable: four steps always pass an estimate within one


def within(occurrence: dt.datetime | None, end: dt.datetime) -> dt.datetime | None:
    """The occurrence if it falls before the end, else None."""
    return occurrence if occurrence is not None and occurrence < end else None
