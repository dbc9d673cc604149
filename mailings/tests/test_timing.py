"""Scheduling maths: periods, month ends, DST, the end."""

import datetime as dt
import zoneinfo

from mailings import timing

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=KYIV).astimezone(dt.UTC)


def occurrences(start, period, count, zone="Europe/Kyiv"):
    return [timing.nth(start=start, period=period, zone=zone, n=n) for n in range(count)]


def test_a_single_mailing_has_one_occurrence():
    start = local(2026, 3, 20, 9, 0)
    assert occurrences(start, timing.ONCE, 2) == [start, None]


def test_weekly_runs_keep_their_wall_clock_time_through_dst():
    """09:00 in Kyiv is 07:00 UTC in winter and 06:00 UTC in summer (the clocks change on 29 March)."""
    start = local(2026, 3, 20, 9, 0)
    runs = occurrences(start, timing.WEEKLY, 3)
    assert [r.astimezone(KYIV).strftime("%a %d %H:%M") for r in runs] == [
        "Fri 20 09:00",
        "Fri 27 09:00",
        "Fri 03 09:00",
    ]
    assert [r.hour for r in runs] == [7, 7, 6]


def test_daily_runs_through_the_autumn_change_keep_their_time():
    start = local(2026, 10, 24, 8, 30)
    runs = occurrences(start, timing.DAILY, 3)
    assert [r.astimezone(KYIV).strftime("%d %H:%M") for r in runs] == ["24 08:30", "25 08:30", "26 08:30"]
    assert runs[2] - runs[1] == dt.timedelta(hours=24) and runs[1] - runs[0] == dt.timedelta(hours=25)


def test_a_time_skipped_by_the_clocks_runs_an_hour_later_that_day():
    """03:30 does not exist in Kyiv on 29 March 2026 (03:00 -> 04:00): that day's run is at 04:30."""
    start = local(2026, 3, 28, 3, 30)
    runs = occurrences(start, timing.DAILY, 3)
    assert [r.astimezone(KYIV).strftime("%d %H:%M") for r in runs] == ["28 03:30", "29 04:30", "30 03:30"]


def test_monthly_on_the_31st_goes_on_the_last_day_of_shorter_months_and_back_to_the_31st():
    start = local(2027, 1, 31, 10, 0)
    runs = occurrences(start, timing.MONTHLY, 5)
    assert [r.astimezone(KYIV).date().isoformat() for r in runs] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
    ]
    assert {r.astimezone(KYIV).hour for r in runs} == {10}


def test_monthly_on_the_29th_of_february_in_a_leap_year():
    start = local(2028, 2, 29, 9, 0)
    runs = occurrences(start, timing.MONTHLY, 13)
    assert [r.astimezone(KYIV).day for r in runs[:2]] == [29, 29]
    assert runs[12].astimezone(KYIV).date() == dt.date(2029, 2, 28)


def test_last_at_or_before_and_first_after_find_period_boundaries():
    start = local(2026, 3, 20, 9, 0)
    kw = {"start": start, "period": timing.WEEKLY, "zone": "Europe/Kyiv"}
    second = local(2026, 3, 27, 9, 0)
    assert timing.last_at_or_before(**kw, moment=start - dt.timedelta(seconds=1)) is None
    assert timing.last_at_or_before(**kw, moment=start) == start
    assert timing.last_at_or_before(**kw, moment=second - dt.timedelta(seconds=1)) == start
    assert timing.last_at_or_before(**kw, moment=second) == second
    assert timing.first_after(**kw, moment=start) == second
    assert timing.first_after(**kw, moment=second - dt.timedelta(seconds=1)) == second
    assert timing.first_after(**kw, moment=start - dt.timedelta(days=3)) == start


def test_monthly_boundaries_around_a_short_month():
    start = local(2027, 1, 31, 10, 0)
    kw = {"start": start, "period": timing.MONTHLY, "zone": "Europe/Kyiv"}
    feb = local(2027, 2, 28, 10, 0)
    assert timing.first_after(**kw, moment=start) == feb
    assert timing.last_at_or_before(**kw, moment=local(2027, 3, 30, 23, 0)) == feb
    assert timing.first_after(**kw, moment=feb) == local(2027, 3, 31, 10, 0)


def test_a_single_mailing_has_nothing_after_its_start():
    start = local(2026, 3, 20, 9, 0)
    assert timing.first_after(start=start, period=timing.ONCE, zone="UTC", moment=start) is None


def test_occurrences_at_or_after_the_end_do_not_count():
    end = local(2026, 4, 3, 9, 0)
    assert timing.within(end, end) is None
    assert timing.within(end - dt.timedelta(minutes=1), end) is not None
    assert timing.within(None, end) is None
