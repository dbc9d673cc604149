import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from accounts.tests.factories import UserFactory
from schedule import jobs, scheduler, selectors, services
from schedule.models import Booking, Reminder
from schedule.tests.factories import SlotFactory
from schedule.tests.outbox import queued, rendered

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def book(start_in_hours, *, mentee=None, booked_hours_before=48):
    """A confirmed booking starting ``start_in_hours`` after NOW, made well in advance by default."""
    start = NOW + dt.timedelta(hours=start_in_hours)
    slot = SlotFactory(start=start, end=start + dt.timedelta(hours=1))
    made_at = start - dt.timedelta(hours=booked_hours_before)
    return services.booking_create(slot_id=slot.pk, mentee=mentee or UserFactory(), now=made_at)


def reminder_mails():
    return queued("reminder")


@pytest.mark.django_db
def test_reminders_go_to_both_sides_24h_and_1h_before_exactly_once(mentee):
    booking = book(24, mentee=mentee)

    day_before = services.reminder_sweep(now=NOW)
    again = services.reminder_sweep(now=NOW + dt.timedelta(minutes=1))
    hour_before = services.reminder_sweep(now=NOW + dt.timedelta(hours=23))

    assert (day_before.queued, again.queued, hour_before.queued) == (2, 0, 2)
    recipients = sorted(r for m in reminder_mails() for r in m.to)
    assert recipients == sorted([mentee.email, booking.slot.mentor.email] * 2)
    assert set(Reminder.objects.values_list("offset_minutes", flat=True)) == {1440, 60}


@pytest.mark.django_db
def test_a_reminder_is_written_in_the_recipients_zone(mentee):
    book(1, mentee=mentee)  # 10:00 UTC = 05:00 New York = 12:00 Kyiv
    services.reminder_sweep(now=NOW)
    [mentee_mail] = [m for m in reminder_mails() if m.to == [mentee.email]]
    with time_machine.travel(NOW, tick=False):
        message = rendered(mentee_mail)
    assert "Your time: Monday, 23 November 2026, 05:00" in message.body
    assert "starts in 1\xa0hour" in message.body
    assert message.subject.startswith("Reminder: session with")


@pytest.mark.django_db
def test_a_cancelled_booking_gets_no_reminders(mentee):
    booking = book(1, mentee=mentee)
    services.booking_cancel(booking=booking, by=mentee, now=NOW - dt.timedelta(hours=2))
    assert services.reminder_sweep(now=NOW).queued == 0
    assert not reminder_mails()


@pytest.mark.django_db
def test_after_an_outage_recent_reminders_are_sent_and_stale_ones_skipped():
    recent = book(1 - 10 / 60)  # the 1 h reminder fell due 10 minutes ago (its 24 h one, 23 h ago)
    stale = book(20)  # the 24 h reminder fell due 4 hours ago

    result = services.reminder_sweep(now=NOW)

    assert (result.queued, result.skipped) == (2, 4)
    sent = Reminder.objects.filter(status=Reminder.Status.SENT)
    assert {(r.booking_id, r.offset_minutes) for r in sent} == {(recent.pk, 60)}
    assert Reminder.objects.filter(booking=stale, offset_minutes=1440, status=Reminder.Status.SKIPPED).count() == 2
    assert len(reminder_mails()) == 2
    assert services.reminder_sweep(now=NOW + dt.timedelta(minutes=1)) == services.SweepResult(0, 0)


@pytest.mark.django_db
def test_a_booking_made_after_the_reminder_moment_gets_no_late_reminder():
    book(3, booked_hours_before=4)  # booked 1 h ago, 3 h ahead: the 24 h reminder never applied
    result = services.reminder_sweep(now=NOW)
    assert (result.queued, result.skipped) == (0, 2)


@pytest.mark.django_db
def test_sweeping_in_small_chunks_reaches_every_booking():
    for _ in range(7):
        book(0.5)
    result = services.reminder_sweep(now=NOW, chunk_size=3)
    assert result.queued == 14
    assert len(reminder_mails()) == 14


@pytest.mark.django_db
def test_the_reminder_lag_is_how_long_the_oldest_reminder_has_waited_for_a_sweep():
    assert selectors.reminder_lag(now=NOW) == dt.timedelta(0)
    book(1 - 10 / 60, booked_hours_before=2)  # the 1 h reminder fell due 10 minutes ago
    book(23.5)  # the 24 h reminder fell due 30 minutes ago: the oldest
    book(3, booked_hours_before=4)  # booked after its 24 h reminder's moment: skipped on sight, never late

    assert selectors.reminder_lag(now=NOW) == dt.timedelta(minutes=30)

    services.reminder_sweep(now=NOW)
    assert selectors.reminder_lag(now=NOW) == dt.timedelta(0)


@pytest.mark.django_db
def test_the_send_reminders_command_prints_what_it_did(capsys, time_machine):
    time_machine.move_to(NOW, tick=False)
    book(0.5)  # the 1 h reminder is due now; the 24 h one is 23.5 h late
    call_command("send_reminders")
    assert "Reminders queued: 2; skipped as too late: 2." in capsys.readouterr().out


def test_every_job_is_declared_once_with_safe_options():
    sched = scheduler.configure(scheduler.BackgroundScheduler(timezone="UTC"))
    job_ids = [job_id for job_id, *_ in jobs.SCHEDULES]
    assert len(job_ids) == len(set(job_ids)) == 14
    for job_id, func, *_rest in jobs.SCHEDULES:
        assert hasattr(func, "__wrapped__"), f"{job_id} must close old connections"
    assert sched.state == 0  # configured, not started


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_exactly_one_reminder_per_booking_offset_and_recipient():
    for _ in range(30):
        book(0.5)
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        try:
            barrier.wait()
            results.append(services.reminder_sweep(now=NOW, chunk_size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sum(r.queued for r in results) == 60
    assert len(reminder_mails()) == 60
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 60
    per_booking = {b.pk: b.reminders.filter(offset_minutes=60).count() for b in Booking.objects.all()}
    assert set(per_booking.values()) == {2}


@pytest.mark.django_db
def test_a_reminder_for_a_booking_cancelled_before_delivery_is_dropped(mentee):
    from schedule import delivery

    booking = book(1, mentee=mentee)
    services.reminder_sweep(now=NOW)
    services.booking_cancel(booking=booking, by=mentee, now=NOW)

    result = delivery.outbox_drain()

    # The two reminders, and the two confirmations still waiting: a "booked" after "cancelled" would
    # put the event back in calendars. Only the cancellations go out.
    assert (result.dropped, result.sent) == (4, 2)
    assert not reminder_mails()
    assert set(Reminder.objects.filter(offset_minutes=60).values_list("status", flat=True)) == {"skipped"}
