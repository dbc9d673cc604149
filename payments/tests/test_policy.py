"""The cancellation policy's boundaries: real elapsed hours, the boundary in the better tier."""

import datetime as dt
import zoneinfo

import pytest

from payments import policy

START = dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC)
KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def before(hours: float, seconds: int = 0) -> dt.datetime:
    return START - dt.timedelta(hours=hours, seconds=seconds)


@pytest.mark.parametrize(
    ("terms", "at", "percent"),
    [
        ("standard", before(48), 100),
        ("standard", before(24), 100),  # exactly 24 hours before: still in full
        ("standard", before(24, seconds=-1), 50),  # a second later
        ("standard", before(2), 50),  # exactly 2 hours before: half
        ("standard", before(2, seconds=-1), 0),
        ("standard", before(0.1), 0),
        ("flexible", before(4), 100),
        ("flexible", before(4, seconds=-1), 50),
        ("flexible", before(0.01), 50),
        ("strict", before(72), 100),
        ("strict", before(72, seconds=-1), 50),
        ("strict", before(24), 50),
        ("strict", before(24, seconds=-1), 0),
        ("unknown", before(24), 100),  # an unknown name falls back to the standard terms
    ],
)
def test_the_share_refunded_at_each_boundary(terms, at, percent):
    assert policy.refund_percent(terms, start=START, at=at) == percent


def test_across_the_autumn_clock_change_the_same_wall_time_a_day_before_is_25_hours_and_refunds_in_full():
    start = dt.datetime(2026, 10, 25, 10, 0, tzinfo=KYIV)  # Kyiv turns its clocks back at 04:00 that day
    at = dt.datetime(2026, 10, 24, 10, 0, tzinfo=KYIV)
    assert start - at == dt.timedelta(hours=24)  # as wall clocks; in real time, 25 hours
    assert start.astimezone(dt.UTC) - at.astimezone(dt.UTC) == dt.timedelta(hours=25)
    assert policy.refund_percent("standard", start=start, at=at) == 100


def test_across_the_spring_clock_change_the_same_wall_time_a_day_before_is_23_hours_and_refunds_half():
    start = dt.datetime(2026, 3, 29, 10, 0, tzinfo=KYIV)  # clocks go forward at 03:00 that day
    at = dt.datetime(2026, 3, 28, 10, 0, tzinfo=KYIV)
    assert start.astimezone(dt.UTC) - at.astimezone(dt.UTC) == dt.timedelta(hours=23)
    assert policy.refund_percent("standard", start=start, at=at) == 50
    a_real_day = (start.astimezone(dt.UTC) - dt.timedelta(hours=24)).astimezone(KYIV)  # 09:00 the day before
    assert policy.refund_percent("standard", start=start, at=a_real_day) == 100


def test_half_of_an_odd_amount_rounds_to_the_cent():
    from decimal import Decimal

    assert policy.share_of(Decimal("50.00"), 50) == Decimal("25.00")
    assert policy.share_of(Decimal("33.33"), 50) == Decimal("16.67")
    assert policy.share_of(Decimal("33.33"), 0) == Decimal("0.00")


def test_the_policy_reads_as_sentences():
    lines = policy.describe("standard")
    assert lines[0] == "Full refund if you cancel at least 24 hours before the start."
    assert lines[1] == "50% back if you cancel between 24 hours and 2 hours before."
    assert lines[2] == "No refund later than 2 hours before the start."
    assert "mentor cancels" in lines[3]
    assert policy.describe("flexible")[1] == "50% back if you cancel later, up to the start."
