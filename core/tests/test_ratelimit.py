import datetime as dt

import pytest

from core import ratelimit

NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_the_limit_counts_per_window_and_the_next_window_starts_afresh():
    for _ in range(2):
        assert ratelimit.take("t:1", limit=2, window_seconds=60, now=NOON)
    assert not ratelimit.take("t:1", limit=2, window_seconds=60, now=NOON + dt.timedelta(seconds=59))
    assert ratelimit.take("t:1", limit=2, window_seconds=60, now=NOON + dt.timedelta(seconds=60))
    assert ratelimit.take("t:2", limit=2, window_seconds=60, now=NOON)  # another key has its own


@pytest.mark.parametrize(("elapsed", "left"), [(0, 3600), (1, 3599), (3599, 1), (3600, 3600)])
def test_seconds_left_is_until_the_window_ends(elapsed, left):
    assert ratelimit.seconds_left(window_seconds=3600, now=NOON + dt.timedelta(seconds=elapsed)) == left
