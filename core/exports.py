"""
How "Download my data" writes values, for every app's part of it (``accounts.export``): moments in
UTC ISO 8601 ("2026-11-24T09:00:00Z"), dates and times of day in ISO.
"""

import datetime as dt


def utc(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def clock(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None
