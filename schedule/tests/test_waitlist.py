"""Waitlists: mentees hear about times that open, once each, in the order they joined."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import MentorFactory, UserFactory
from schedule import services
from schedule.models import Slot, WaitlistEntry, WaitlistNotice
from schedule.services import BookingError
from schedule.tests.outbox import queued

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


def waitlist_mail():
    return queued("waitlist")


@pytest.fixture
def mentor():
    return MentorFactory(first_name="Seán", last_name="O'Brien & Co", timezone="Europe/Kyiv")


def test_a_cancellation_in_the_range_tells_the_waiting_mentees_once_in_order(mentor):
    first, second = UserFactory(first_name="First"), UserFactory(first_name="Second")
    with time_machine.travel(at(-2), tick=False):
        slot = services.slot_create(mentor=mentor, start=at(48), end=at(49), now=at(-2))
        holder = UserFactory()
        booking = services.booking_create(slot_id=slot.pk, mentee=holder, now=at(-2))
    services.waitlist_join(mentor=mentor, mentee=first, now=at(-1))
    services.waitlist_join(mentor=mentor, mentee=second, now=at(-0.5))
    assert services.waitlist_sweep(now=NOW) == 0  # nothing opened since they joined

    with time_machine.travel(NOW, tick=False):
        services.booking_cancel(booking=booking, by=holder, now=NOW)
    assert services.waitlist_sweep(now=at(0.1)) == 2
    assert services.waitlist_sweep(now=at(0.2)) == 0  # each notice once

    mails = waitlist_mail()
    assert [m.to[0] for m in mails] == [first.email, second.email]  # in the order they joined
    assert "O'Brien & Co" in mails[0].subject and "&amp;" not in mails[0].message
    assert "Wednesday, 25 November 2026" in mails[0].message
    assert WaitlistNotice.objects.count() == 2


def test_only_times_in_the_chosen_dates_are_announced(mentor):
    mentee = UserFactory(timezone="Europe/Kyiv")
    services.waitlist_join(
        mentor=mentor, mentee=mentee, date_from=dt.date(2026, 11, 26), date_to=dt.date(2026, 11, 27), now=NOW
    )
    with time_machine.travel(at(1), tick=False):
        services.slot_create(mentor=mentor, start=at(24), end=at(25), now=at(1))  # the 24th: too early
        inside = services.slot_create(mentor=mentor, start=at(72), end=at(73), now=at(1))  # the 26th
        services.slot_create(mentor=mentor, start=at(24 * 6), end=at(24 * 6 + 1), now=at(1))  # too late
    assert services.waitlist_sweep(now=at(2)) == 1
    assert list(WaitlistNotice.objects.values_list("slot_id", flat=True)) == [inside.pk]


def test_newly_published_weekly_hours_are_announced_in_one_email(mentor):
    mentee = UserFactory()
    services.waitlist_join(mentor=mentor, mentee=mentee, now=NOW)
    with time_machine.travel(at(1), tick=False):
        services.weekly_schedule_save(
            mentor=mentor, hours=[(d, dt.time(9), dt.time(17)) for d in range(5)], session_minutes=60,
            buffer_minutes=0, min_notice_minutes=120, max_per_day=None, horizon_days=14, now=at(1),
        )  # fmt: skip
    assert services.waitlist_sweep(now=at(2)) == 1
    [mail] = waitlist_mail()
    assert "and " in mail.message and mail.message.count("\n- ") == 5  # five times, then "and N more"


def test_leaving_stops_the_emails_and_rejoining_only_counts_new_openings(mentor):
    mentee = UserFactory()
    services.waitlist_join(mentor=mentor, mentee=mentee, now=NOW)
    assert services.waitlist_leave(mentor=mentor, mentee=mentee)
    with time_machine.travel(at(1), tick=False):
        services.slot_create(mentor=mentor, start=at(48), end=at(49), now=at(1))
    assert services.waitlist_sweep(now=at(2)) == 0
    services.waitlist_join(mentor=mentor, mentee=mentee, now=at(3))
    assert services.waitlist_sweep(now=at(4)) == 0  # that time opened before they came back


@pytest.mark.parametrize(
    ("case", "code"),
    [("own", "own"), ("mentee_as_mentor", "unavailable"), ("reversed", "range"), ("past", "range"), ("far", "range")],
)
def test_bad_waitlist_requests_are_refused(mentor, case, code):
    mentee = UserFactory()
    kwargs = {"mentor": mentor, "mentee": mentee, "now": NOW}
    if case == "own":
        kwargs["mentee"] = mentor
    elif case == "mentee_as_mentor":
        kwargs["mentor"] = UserFactory()
    elif case == "reversed":
        kwargs |= {"date_from": dt.date(2026, 12, 5), "date_to": dt.date(2026, 12, 1)}
    elif case == "past":
        kwargs |= {"date_from": dt.date(2026, 11, 1)}
    elif case == "far":
        kwargs |= {"date_to": dt.date(9999, 12, 31)}
    with pytest.raises(BookingError) as refused:
        services.waitlist_join(**kwargs)
    assert refused.value.code == code and not WaitlistEntry.objects.exists()


def test_joining_and_leaving_from_the_mentor_page(client, mentor):
    mentee = UserFactory()
    page = mentor.mentor_profile.get_absolute_url()
    assert "Log in to join the waitlist" in client.get(page).content.decode()
    client.force_login(mentee)
    assert "Join the waitlist" in client.get(page).content.decode()

    client.post(reverse("schedule:waitlist_join", args=[mentor.pk]), {"date_from": "", "date_to": ""})
    assert WaitlistEntry.objects.filter(mentor=mentor, mentee=mentee).exists()
    assert "Leave the waitlist" in client.get(page).content.decode()

    client.post(reverse("schedule:waitlist_leave", args=[mentor.pk]))
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "x" * 100_000, "\x00", "2026-02-30"])
def test_hostile_dates_on_the_waitlist_form_change_nothing(client, mentor, value):
    client.force_login(UserFactory())
    response = client.post(reverse("schedule:waitlist_join", args=[mentor.pk]), {"date_from": value}, follow=True)
    assert response.status_code == 200 and not WaitlistEntry.objects.exists()


def test_the_waitlist_of_a_non_mentor_is_a_404(client):
    client.force_login(UserFactory())
    assert client.post(reverse("schedule:waitlist_join", args=[UserFactory().pk])).status_code == 404
    assert Slot.objects.count() == 0


def test_a_time_that_opens_again_is_announced_again(mentor):
    mentee, other = UserFactory(), UserFactory()
    services.waitlist_join(mentor=mentor, mentee=mentee, now=NOW)
    with time_machine.travel(at(1), tick=False):
        slot = services.slot_create(mentor=mentor, start=at(48), end=at(49), now=at(1))
    assert services.waitlist_sweep(now=at(2)) == 1
    with time_machine.travel(at(3), tick=False):
        booking = services.booking_create(slot_id=slot.pk, mentee=other, now=at(3))
    with time_machine.travel(at(4), tick=False):
        services.booking_cancel(booking=booking, by=other, now=at(4))
    assert services.waitlist_sweep(now=at(5)) == 1  # it opened again: a second notice
    assert services.waitlist_sweep(now=at(6)) == 0
