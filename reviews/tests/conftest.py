import datetime as dt

import pytest

from reviews.tests.factories import NOW, past_booking


@pytest.fixture
def session(mentor, mentee):
    """A session of ``mentor`` with ``mentee`` that took place: it ended an hour before NOW."""
    return past_booking(mentor=mentor, mentee=mentee, ended=NOW - dt.timedelta(hours=1))
