"""Availability forms: wall-clock edge cases and dates outside any sane range get a clear error."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from schedule.forms import BookingForm, BulkSlotForm, SlotForm

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
# Kyiv: clocks go forward at 03:00 on 28 March 2027 and back at 04:00 on 31 October 2027.
BEFORE_SPRING = dt.datetime(2027, 3, 20, 12, 0, tzinfo=dt.UTC)
BEFORE_AUTUMN = dt.datetime(2027, 10, 20, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(BEFORE_SPRING, tick=False)
def test_a_local_time_that_does_not_exist_is_refused_with_a_clear_message():
    form = SlotForm({"date": "2027-03-28", "start_time": "03:30", "duration": "60"}, tzname="Europe/Kyiv")
    assert not form.is_valid()
    assert "03:30 does not exist on that day in Europe/Kyiv" in form.errors["start_time"][0]


@time_machine.travel(BEFORE_AUTUMN, tick=False)
def test_a_session_in_the_repeated_autumn_hour_lasts_exactly_its_length():
    form = SlotForm({"date": "2027-10-31", "start_time": "03:30", "duration": "60"}, tzname="Europe/Kyiv")
    assert form.is_valid(), form.errors
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    assert end - start == dt.timedelta(minutes=60)
    assert start == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)  # the first 03:30 (UTC+3)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2027-13-45", "1" * 40])
def test_dates_far_outside_a_sane_range_are_form_errors(day):
    single = SlotForm({"date": day, "start_time": "10:00", "duration": "60"}, tzname="Pacific/Kiritimati")
    bulk = BulkSlotForm(
        {"weekdays": ["0"], "first_day": day, "weeks": "1", "day_start": "10:00", "day_end": "11:00",
         "session_minutes": "60", "buffer_minutes": "0"}
    )  # fmt: skip
    assert not single.is_valid() and "date" in single.errors
    assert not bulk.is_valid() and "first_day" in bulk.errors


@time_machine.travel(BEFORE_SPRING, tick=False)
def test_a_date_beyond_the_booking_horizon_is_refused(settings):
    settings.BOOKING_HORIZON_DAYS = 30
    far = (BEFORE_SPRING.date() + dt.timedelta(days=45)).isoformat()
    form = SlotForm({"date": far, "start_time": "10:00", "duration": "60"}, tzname="Europe/Kyiv")
    assert not form.is_valid() and "Choose a date between" in form.errors["date"][0]


@pytest.mark.parametrize("value", ["9" * 40, "-1", str(2**63)])
def test_a_huge_number_in_the_hidden_start_is_a_form_error(value):
    form = BookingForm({"note": "", "shown_start": value})
    assert not form.is_valid()


@pytest.mark.parametrize("value", ["9" * 40, "-5", "0"])
@time_machine.travel(BEFORE_SPRING, tick=False)
def test_huge_or_negative_counts_are_form_errors(value):
    bulk = BulkSlotForm(
        {"weekdays": ["0"], "first_day": BEFORE_SPRING.date().isoformat(), "weeks": value, "day_start": "10:00",
         "day_end": "11:00", "session_minutes": value, "buffer_minutes": value}
    )  # fmt: skip
    assert not bulk.is_valid() and {"weeks", "session_minutes"} <= set(bulk.errors)


def test_the_mentors_own_default_length_is_offered_and_selected():
    form = SlotForm(tzname="Europe/Kyiv", default_minutes=50)
    assert form.fields["duration"].initial == 50 and 50 in dict(form.fields["duration"].choices)
    assert BulkSlotForm(default_minutes=90).fields["session_minutes"].initial == 90
