"""Standing weekly hours: rules in the mentor's zone become bookable slots for the horizon, day after day."""

import datetime as dt
import zoneinfo

import pytest

from accounts.tests.factories import MentorFactory, UserFactory
from schedule import services
from schedule.models import Booking, DateOverride, Slot, WeeklyHours, WeeklySchedule
from schedule.services import BookingError

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)  # Monday 08:00 in Kyiv
MON_TO_FRI_9_TO_12 = [(d, dt.time(9), dt.time(12)) for d in range(5)]


def save(mentor, hours=MON_TO_FRI_9_TO_12, now=NOW, **settings_):
    values = {"session_minutes": 60, "buffer_minutes": 0, "min_notice_minutes": 120, "max_per_day": None,
              "horizon_days": 14} | settings_  # fmt: skip
    return services.weekly_schedule_save(mentor=mentor, hours=hours, now=now, **values)


def local_starts(mentor, tzname=None):
    tz = zoneinfo.ZoneInfo(tzname or mentor.timezone)
    return [s.start.astimezone(tz) for s in Slot.objects.filter(mentor=mentor).order_by("start")]


def test_weekly_hours_publish_the_whole_horizon_in_the_mentors_zone():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    result = save(mentor)
    starts = local_starts(mentor)
    # Two weeks of Mon-Fri 9, 10, 11; Monday 23rd's 9:00 is within the 2 h notice (now is 08:00).
    assert result.created == len(starts) == 2 * 5 * 3 - 1
    assert {s.hour for s in starts} == {9, 10, 11} and {s.weekday() for s in starts} == set(range(5))
    assert all(s.from_weekly_hours and s.book_by == s.start - dt.timedelta(hours=2) for s in Slot.objects.all())


def test_weekly_hours_set_the_session_length_the_mentor_s_page_shows():
    mentor = MentorFactory()
    assert mentor.mentor_profile.session_minutes == 60
    save(mentor, session_minutes=30)
    mentor.mentor_profile.refresh_from_db()
    assert mentor.mentor_profile.session_minutes == 30  # the page says "30 min", as the published times are
    save(mentor, session_minutes=45, is_active=False)  # hours switched off publish nothing: the length stays
    mentor.mentor_profile.refresh_from_db()
    assert mentor.mentor_profile.session_minutes == 30
    save(mentor, hours=[(0, dt.time(8), dt.time(14))], session_minutes=300)  # longer than a profile may say
    mentor.mentor_profile.refresh_from_db()
    assert mentor.mentor_profile.session_minutes == 30
    mentor.mentor_profile.full_clean()


def test_publishing_again_changes_nothing_and_the_horizon_rolls_forward_daily():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    first = set(Slot.objects.values_list("pk", flat=True))
    assert services.weekly_publish(mentor=mentor, now=NOW) == services.PublishResult(0, 0)
    assert set(Slot.objects.values_list("pk", flat=True)) == first

    result = services.weekly_publish(mentor=mentor, now=NOW + dt.timedelta(days=1))  # Tuesday

    assert result.created == 3  # the new horizon day (a Tuesday) enters; nothing else moves
    assert first <= set(Slot.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("tzname", "now"),
    [
        ("Europe/Kyiv", dt.datetime(2026, 10, 19, 5, tzinfo=dt.UTC)),  # back on 25 October
        ("Europe/Kyiv", dt.datetime(2027, 3, 22, 5, tzinfo=dt.UTC)),  # forward on 28 March
        ("America/New_York", dt.datetime(2026, 10, 26, 12, tzinfo=dt.UTC)),  # back on 1 November
        ("America/New_York", dt.datetime(2027, 3, 8, 12, tzinfo=dt.UTC)),  # forward on 14 March
        ("Australia/Adelaide", dt.datetime(2026, 9, 28, 0, tzinfo=dt.UTC)),  # +9:30 -> +10:30 on 4 October
        ("Australia/Adelaide", dt.datetime(2027, 3, 29, 0, tzinfo=dt.UTC)),  # +10:30 -> +9:30 on 4 April
    ],
)
def test_rules_keep_their_wall_clock_time_across_daylight_saving(tzname, now):
    mentor = MentorFactory(timezone=tzname)
    save(mentor, hours=[(d, dt.time(9), dt.time(11)) for d in range(7)], now=now)
    starts = local_starts(mentor)
    assert {(s.hour, s.minute) for s in starts} == {(9, 0), (10, 0)}
    assert len({s.utcoffset() for s in starts}) == 2  # the offset really changed within the horizon
    assert {s.duration_minutes for s in Slot.objects.all()} == {60}


def test_the_skipped_and_the_repeated_hour_at_night_are_handled():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor, hours=[(6, dt.time(2), dt.time(5))], now=dt.datetime(2026, 10, 19, 5, tzinfo=dt.UTC))
    autumn = [s for s in local_starts(mentor) if s.date() == dt.date(2026, 10, 25)]
    assert [s.strftime("%H:%M") for s in autumn] == ["02:00", "03:00", "04:00"]
    assert {s.duration_minutes for s in Slot.objects.all()} == {60}
    spring_mentor = MentorFactory(timezone="Europe/Kyiv")
    save(spring_mentor, hours=[(6, dt.time(2), dt.time(5))], now=dt.datetime(2027, 3, 22, 5, tzinfo=dt.UTC))
    spring = [s for s in local_starts(spring_mentor) if s.date() == dt.date(2027, 3, 28)]
    assert [s.strftime("%H:%M") for s in spring] == ["02:00", "04:00"]  # 03:00 does not exist


def test_a_rule_change_moves_future_free_slots_and_never_touches_booked_ones(mentee):
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    booked_slot = Slot.objects.order_by("start")[3]
    booking = services.booking_create(slot_id=booked_slot.pk, mentee=mentee, now=NOW)

    save(mentor, hours=[(d, dt.time(14), dt.time(16)) for d in range(5)])

    hours = {(s.hour, s.minute) for s in local_starts(mentor)}
    assert hours == {(14, 0), (15, 0), (booked_slot.start.astimezone(zoneinfo.ZoneInfo("Europe/Kyiv")).hour, 0)}
    assert Booking.objects.get(pk=booking.pk).slot_id == booked_slot.pk
    assert Slot.objects.get(pk=booked_slot.pk).status == Slot.Status.BOOKED


def test_hand_made_and_hidden_slots_stay_and_are_not_doubled():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    start = dt.datetime(2026, 11, 24, 7, 30, tzinfo=dt.UTC)  # 09:30 in Kyiv
    manual = services.slot_create(mentor=mentor, start=start, end=start + dt.timedelta(hours=1), now=NOW)
    save(mentor)
    tuesday = [s for s in local_starts(mentor) if s.date() == dt.date(2026, 11, 24)]
    assert [s.strftime("%H:%M") for s in tuesday] == ["09:30", "11:00"]  # 9:00 and 10:00 overlap the manual one
    save(mentor, hours=[])
    assert list(Slot.objects.values_list("pk", flat=True)) == [manual.pk]


def test_days_off_and_extra_hours():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    services.date_override_add(mentor=mentor, date=dt.date(2026, 11, 25), kind=DateOverride.Kind.DAY_OFF, now=NOW)
    extra = {"kind": DateOverride.Kind.EXTRA, "start": dt.time(18), "end": dt.time(20), "now": NOW}
    services.date_override_add(mentor=mentor, date=dt.date(2026, 11, 28), **extra)
    days = {s.date() for s in local_starts(mentor)}
    assert dt.date(2026, 11, 25) not in days
    saturday = [s.strftime("%H:%M") for s in local_starts(mentor) if s.date() == dt.date(2026, 11, 28)]
    assert saturday == ["18:00", "19:00"]
    override = DateOverride.objects.get(kind=DateOverride.Kind.DAY_OFF)
    services.date_override_delete(override=override, now=NOW)
    assert dt.date(2026, 11, 25) in {s.date() for s in local_starts(mentor)}


def test_the_same_day_off_twice_or_extra_hours_too_short_for_a_session_are_refused():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    day = dt.date(2026, 11, 25)
    services.date_override_add(mentor=mentor, date=day, kind=DateOverride.Kind.DAY_OFF, now=NOW)
    with pytest.raises(BookingError) as twice:
        services.date_override_add(mentor=mentor, date=day, kind=DateOverride.Kind.DAY_OFF, now=NOW)
    assert twice.value.code == "duplicate" and DateOverride.objects.count() == 1
    short = {"kind": DateOverride.Kind.EXTRA, "start": dt.time(18), "end": dt.time(18, 30), "now": NOW}
    with pytest.raises(BookingError) as too_short:
        services.date_override_add(mentor=mentor, date=dt.date(2026, 11, 28), **short)
    assert too_short.value.code == "too_short" and "18:00–18:30 is shorter than one session (1 hour)" in str(
        too_short.value.message
    )
    assert DateOverride.objects.count() == 1


def test_the_mentors_notice_is_enforced_at_booking(mentee):
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor, min_notice_minutes=48 * 60)
    soonest = Slot.objects.order_by("start").first()
    assert soonest.start >= NOW + dt.timedelta(hours=48)
    # A shorter notice later: the free slots follow it.
    save(mentor, min_notice_minutes=24 * 60)
    assert Slot.objects.filter(book_by__isnull=False).first().book_by == Slot.objects.first().start - dt.timedelta(
        days=1
    )
    late = Slot.objects.order_by("start").first()
    with pytest.raises(BookingError) as refused:
        services.booking_create(slot_id=late.pk, mentee=mentee, now=late.start - dt.timedelta(hours=23))
    assert refused.value.code == "notice" and "1 day" not in refused.value.message


def test_a_full_day_offers_no_more_times_until_a_cancellation(mentee):
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor, max_per_day=2)
    tuesday = [
        s
        for s in Slot.objects.order_by("start")
        if s.start.astimezone(zoneinfo.ZoneInfo("Europe/Kyiv")).date() == dt.date(2026, 11, 24)
    ]
    first = services.booking_create(slot_id=tuesday[0].pk, mentee=mentee, now=NOW)
    services.booking_create(slot_id=tuesday[1].pk, mentee=UserFactory(), now=NOW)
    assert not Slot.objects.filter(pk=tuesday[2].pk).exists()  # the third time that day is gone
    assert services.weekly_publish(mentor=mentor, now=NOW).created == 0  # and stays gone

    services.booking_cancel(booking=first, by=mentee, now=NOW)

    tuesday_free = Slot.objects.filter(pk__in=[tuesday[0].pk], status=Slot.Status.AVAILABLE).count()
    assert tuesday_free == 1 and Slot.objects.filter(start=tuesday[2].start).exists()


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        ([(0, dt.time(12), dt.time(9))], "end_before_start"),
        ([(0, dt.time(9), dt.time(12)), (0, dt.time(11), dt.time(13))], "overlap"),
        ([(7, dt.time(9), dt.time(12))], "weekday"),
        ([(0, dt.time(9), dt.time(12)), (1, dt.time(9), dt.time(9, 45))], "too_short"),  # 60-minute sessions
        ([(0, dt.time(0, i), dt.time(0, i + 1)) for i in range(43)], "too_many"),
    ],
)
def test_bad_rules_are_refused_and_change_nothing(hours, code):
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    before = list(Slot.objects.values_list("pk", flat=True))
    with pytest.raises(BookingError) as refused:
        save(mentor, hours=hours)
    assert refused.value.code == code and list(Slot.objects.values_list("pk", flat=True)) == before


def test_a_mentee_cannot_have_weekly_hours(mentee):
    with pytest.raises(BookingError):
        save(mentee)


def test_the_daily_job_publishes_every_active_mentor():
    a, b = MentorFactory(timezone="Europe/Kyiv"), MentorFactory(timezone="America/New_York")
    save(a)
    save(b)
    Slot.objects.all().delete()
    result = services.weekly_publish_all(now=NOW)
    assert result.created == Slot.objects.count() > 0
    assert {s.mentor_id for s in Slot.objects.all()} == {a.pk, b.pk}


# --- the page ---


def _form(**overrides):
    data = {"is_active": "on", "session_minutes": "60", "buffer_minutes": "0", "min_notice_hours": "2",
            "max_per_day": "", "horizon_weeks": "2", "d0_0_start": "09:00", "d0_0_end": "12:00",
            "d2_0_start": "09:00", "d2_0_end": "10:00", "d2_1_start": "14:00", "d2_1_end": "16:00"}  # fmt: skip
    return data | overrides


def test_a_mentor_sets_weekly_hours_on_the_page_and_they_are_published(client, django_assert_num_queries):
    from django.urls import reverse

    mentor = MentorFactory(timezone="Europe/Kyiv")
    client.force_login(mentor)
    # session, user, schedule (none yet), the profile's session length, the header's counts
    with django_assert_num_queries(5):
        page = client.get(reverse("schedule:weekly_hours")).content.decode()
    assert 'name="d0_0_start" id="id_d0_0_start" value="09:00"' in page  # Mon-Fri 9-17 suggested

    response = client.post(reverse("schedule:weekly_hours"), _form())

    assert response.status_code == 302
    days = {s.start.astimezone(zoneinfo.ZoneInfo("Europe/Kyiv")).weekday() for s in Slot.objects.filter(mentor=mentor)}
    assert days == {0, 2}
    with django_assert_num_queries(5):  # session, user, schedule, its hours, the days off ahead
        page = client.get(reverse("schedule:weekly_hours")).content.decode()
    assert 'value="14:00"' in page and 'value="16:00"' in page


@pytest.mark.parametrize(
    "bad",
    [
        {"d0_0_end": "08:00"},
        {"d0_0_end": ""},
        {"session_minutes": "9" * 30},
        {"horizon_weeks": "999"},
        {"min_notice_hours": "-1"},
        {"d1_0_start": "25:99", "d1_0_end": "26:00"},
        {"buffer_minutes": "x" * 10_000},
        {"d0_0_start": "\x00"},
    ],
)
def test_bad_weekly_hours_are_explained_and_change_nothing(client, bad):
    from django.urls import reverse

    mentor = MentorFactory(timezone="Europe/Kyiv")
    client.force_login(mentor)
    response = client.post(reverse("schedule:weekly_hours"), _form(**bad))
    page = response.content.decode()
    assert response.status_code == 400 and "invalid" in page
    # Said at the top of the form too: the marked field may be far down the page.
    assert "Nothing was saved" in page or 'class="alert alert-danger" role="alert"' in page
    assert not Slot.objects.exists()


def test_days_off_on_the_page_and_nobody_elses_can_be_removed(client):
    from django.urls import reverse

    mentor, other = MentorFactory(timezone="Europe/Kyiv"), MentorFactory(timezone="Europe/Kyiv")
    client.force_login(mentor)
    client.post(reverse("schedule:weekly_hours"), _form())
    day = Slot.objects.filter(mentor=mentor).order_by("start").last().start.date()
    page = client.post(reverse("schedule:date_override_add"), {"date": day.isoformat(), "kind": "off"}, follow=True)
    override = DateOverride.objects.get()
    said = f"{day.day} {day:%B} is now a day off: its free times are taken down; booked sessions stay."
    assert said in page.content.decode()
    assert not Slot.objects.filter(mentor=mentor, start__date=day).exists()

    client.force_login(other)
    assert client.post(reverse("schedule:date_override_delete", args=[override.pk])).status_code == 404
    client.force_login(mentor)
    client.post(reverse("schedule:date_override_delete", args=[override.pk]))
    assert not DateOverride.objects.exists() and Slot.objects.filter(mentor=mentor, start__date=day).exists()


def test_mentees_cannot_open_weekly_hours(client, mentee):
    from django.urls import reverse

    client.force_login(mentee)
    assert client.get(reverse("schedule:weekly_hours")).status_code == 403


def test_deleting_a_published_time_hides_it_so_the_publisher_does_not_bring_it_back():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    slot = Slot.objects.order_by("start").first()
    services.slot_delete(slot=slot)
    services.weekly_publish(mentor=mentor, now=NOW)
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.HIDDEN
    assert Slot.objects.filter(mentor=mentor, start=slot.start).count() == 1


def test_a_full_day_refuses_a_booking_of_a_hand_made_slot_too(mentee):
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor, max_per_day=1)
    kyiv = zoneinfo.ZoneInfo("Europe/Kyiv")
    tuesday = [s for s in Slot.objects.order_by("start") if s.start.astimezone(kyiv).date() == dt.date(2026, 11, 24)]
    services.booking_create(slot_id=tuesday[0].pk, mentee=mentee, now=NOW)
    start = dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.UTC)  # 18:00 in Kyiv, added by hand
    manual = services.slot_create(mentor=mentor, start=start, end=start + dt.timedelta(hours=1), now=NOW)
    with pytest.raises(BookingError) as refused:
        services.booking_create(slot_id=manual.pk, mentee=UserFactory(), now=NOW)
    assert refused.value.code == "day_full"


def test_sessions_already_over_today_still_count_for_the_cap(mentee):
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor, max_per_day=1)
    tuesday_nine = Slot.objects.order_by("start").filter(start__date=dt.date(2026, 11, 24)).first()
    services.booking_create(slot_id=tuesday_nine.pk, mentee=mentee, now=NOW)
    services.weekly_publish(mentor=mentor, now=tuesday_nine.end + dt.timedelta(hours=1))  # later that day
    assert not Slot.objects.filter(
        mentor=mentor, status=Slot.Status.AVAILABLE, start__date=dt.date(2026, 11, 24)
    ).exists()


def test_a_time_the_publisher_hid_comes_back_when_the_rules_give_it_back(mentee):
    """A free time with a cancelled booking in its history cannot be deleted, so it is hidden; not forever."""
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    slot = Slot.objects.order_by("start")[3]
    booking = services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)
    services.booking_cancel(booking=booking, by=mentee, now=NOW)

    save(mentor, hours=[(d, dt.time(14), dt.time(16)) for d in range(5)])
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.HIDDEN
    save(mentor)

    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.AVAILABLE


def test_a_time_the_mentor_hid_stays_hidden():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    slot = Slot.objects.order_by("start")[3]
    services.slot_set_hidden(slot=slot, hidden=True)
    save(mentor)
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.HIDDEN


def test_a_refused_date_change_shows_the_page_with_its_error_beside_the_field_and_keeps_what_was_typed(
    client, django_assert_num_queries
):
    from django.urls import reverse

    mentor = MentorFactory(timezone="Europe/Kyiv")
    client.force_login(mentor)
    client.post(reverse("schedule:weekly_hours"), _form())
    url = reverse("schedule:date_override_add")

    empty = client.post(url, {"date": "", "kind": "extra", "start": "13:37", "end": "15:41"})
    assert empty.status_code == 400
    assert empty.context["override_form"].errors["date"]
    page = empty.content.decode()
    assert 'name="start" value="13:37"' in page and 'name="end" value="15:41"' in page  # kept
    day = Slot.objects.filter(mentor=mentor).order_by("start").last().start.date()
    client.post(url, {"date": day.isoformat(), "kind": "off"})
    again = client.post(url, {"date": day.isoformat(), "kind": "off"})  # the service says no: twice the same day
    assert again.status_code == 400 and again.context["override_form"].non_field_errors()
    assert DateOverride.objects.count() == 1
    # session, user, the schedule with its hours, the date changes ahead (a form given back is not
    # counted as suspicious)
    with django_assert_num_queries(5):
        client.post(url, {"date": "", "kind": "off"})


def test_weekly_hours_too_short_for_a_session_say_on_which_day():
    mentor = MentorFactory(timezone="Europe/Kyiv")
    with pytest.raises(BookingError) as too_short:
        save(mentor, hours=[(0, dt.time(9), dt.time(12)), (2, dt.time(10), dt.time(10, 20))])
    assert too_short.value.message.startswith("Wednesday, 10:00–10:20 is shorter than one session (1 hour)")
    assert not WeeklySchedule.objects.exists()


def test_a_new_time_zone_moves_the_mentors_free_times_at_once(time_machine):
    from accounts.services import user_update

    time_machine.move_to(NOW, tick=False)
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    user_update(user=mentor, first_name="Zoë", last_name="Ünal", timezone="America/New_York", language=mentor.language)
    free = Slot.objects.filter(mentor=mentor, status=Slot.Status.AVAILABLE)
    starts = [slot.start.astimezone(zoneinfo.ZoneInfo("America/New_York")) for slot in free]
    assert starts and {s.hour for s in starts} == {9, 10, 11}  # not 2, 3 and 4 at night (Kyiv's 9 to 12)


def test_a_mentor_who_keeps_their_account_is_bookable_again_at_once(time_machine):
    from accounts.services import account_deletion_cancel, account_deletion_request

    time_machine.move_to(NOW, tick=False)
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor)
    free = Slot.objects.filter(mentor=mentor, status=Slot.Status.AVAILABLE)
    published = free.count()
    client = UserFactory()
    once_booked, still_booked = free.order_by("start")[3:5]
    services.booking_cancel(booking=services.booking_create(slot_id=once_booked.pk, mentee=client), by=client)
    services.booking_create(slot_id=still_booked.pk, mentee=client)  # cancelled by the leaving
    account_deletion_request(user=mentor)
    assert not free.exists()
    account_deletion_cancel(user_id=mentor.pk)
    # Every time of the weekly hours is back, those with a booking in their history too.
    assert free.count() == published


def test_a_range_may_end_at_midnight():
    """22:00-00:00 is the last two hours of the day, in weekly hours and in extra hours on a date."""
    mentor = MentorFactory(timezone="Europe/Kyiv")
    save(mentor, hours=[(5, dt.time(22), dt.time(0))], session_minutes=30)  # Saturdays
    saturday = [s for s in local_starts(mentor) if s.date() == dt.date(2026, 11, 28)]
    assert [s.strftime("%H:%M") for s in saturday] == ["22:00", "22:30", "23:00", "23:30"]
    last = Slot.objects.get(start=saturday[-1])
    assert last.end.astimezone(zoneinfo.ZoneInfo("Europe/Kyiv")) == dt.datetime(
        2026, 11, 29, 0, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Kyiv")
    )
    extra = {"kind": DateOverride.Kind.EXTRA, "start": dt.time(23), "end": dt.time(0), "now": NOW}
    services.date_override_add(mentor=mentor, date=dt.date(2026, 11, 25), **extra)
    assert [s.strftime("%H:%M") for s in local_starts(mentor) if s.date() == dt.date(2026, 11, 25)] == [
        "23:00",
        "23:30",
    ]
    with pytest.raises(BookingError, match="overlap"):  # 23:00-23:30 lies inside 22:00-midnight
        save(mentor, hours=[(5, dt.time(22), dt.time(0)), (5, dt.time(23), dt.time(23, 30))], session_minutes=30)


def test_the_weekly_hours_form_takes_an_end_at_midnight_and_refuses_one_before_the_start():
    from schedule.forms import WeeklyHoursForm

    data = {"is_active": "on", "session_minutes": 30, "buffer_minutes": 0, "min_notice_hours": 2, "horizon_weeks": 8}
    form = WeeklyHoursForm(data | {"d5_0_start": "22:00", "d5_0_end": "00:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours"] == [(5, dt.time(22), dt.time(0))]
    form = WeeklyHoursForm(data | {"d5_0_start": "22:00", "d5_0_end": "21:00"})
    assert not form.is_valid() and form.errors["d5_0_end"] == ["The end must be after the start."]


def test_the_weekly_hours_form_refuses_a_notice_shorter_than_the_platforms(settings):
    from schedule.forms import WeeklyHoursForm

    settings.BOOKING_MIN_NOTICE_MINUTES = 120
    data = {"is_active": "on", "session_minutes": 30, "buffer_minutes": 0, "horizon_weeks": 8}
    form = WeeklyHoursForm(data | {"min_notice_hours": 1})
    assert not form.is_valid() and "greater than or equal to 2" in form.errors["min_notice_hours"][0]
    assert "(at least 2 hours)" in str(form["min_notice_hours"].help_text)
    assert WeeklyHoursForm(data | {"min_notice_hours": 2}).is_valid()


def test_seconds_typed_into_an_end_are_dropped_not_a_database_error():
    from schedule.forms import WeeklyHoursForm

    mentor = MentorFactory(timezone="Europe/Kyiv")
    data = {"is_active": "on", "session_minutes": 30, "buffer_minutes": 0, "min_notice_hours": 2, "horizon_weeks": 2}
    form = WeeklyHoursForm(data | {"d5_0_start": "22:00:15", "d5_0_end": "00:00:30"})
    assert form.is_valid(), form.errors
    services.weekly_schedule_save(mentor=mentor, now=NOW, **form.service_arguments())
    assert list(WeeklyHours.objects.values_list("start", "end")) == [(dt.time(22), dt.time(0))]
    extra = {"kind": DateOverride.Kind.EXTRA, "start": dt.time(20, 0, 10), "end": dt.time(0, 0, 30), "now": NOW}
    override = services.date_override_add(mentor=mentor, date=dt.date(2026, 11, 25), **extra)
    assert (override.start, override.end) == (dt.time(20), dt.time(0))
