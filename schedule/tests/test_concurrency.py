"""Real concurrent transactions on PostgreSQL: nobody is ever double-booked."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from schedule import services
from schedule.models import Booking, Slot
from schedule.tests.factories import SlotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(functions):
    """Start every function in its own thread at the same moment; return their results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # collected and asserted by the caller
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_mentees_racing_for_one_slot_produce_one_booking():
    slot = SlotFactory()
    mentees = [UserFactory() for _ in range(20)]

    results = run_at_once([lambda m=m: services.booking_create(slot_id=slot.pk, mentee=m) for m in mentees])

    bookings = [r for r in results if isinstance(r, Booking)]
    refusals = [r for r in results if isinstance(r, services.BookingError)]
    assert len(bookings) == 1
    assert len(refusals) == 19
    assert {r.code for r in refusals} == {"taken"}
    assert Booking.objects.filter(slot=slot, status=Booking.Status.CONFIRMED).count() == 1
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.BOOKED


def test_the_same_mentee_double_submitting_gets_one_booking():
    slot = SlotFactory()
    mentee = UserFactory()

    results = run_at_once([lambda: services.booking_create(slot_id=slot.pk, mentee=mentee) for _ in range(5)])

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert Booking.objects.count() == 1


def test_the_database_forbids_overlapping_slots_of_one_mentor():
    slot = SlotFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(mentor=slot.mentor, start=slot.start + dt.timedelta(minutes=30), end=slot.end)


def test_concurrent_slot_creation_for_the_same_time_keeps_one():
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    mentor = SlotFactory(start=start - dt.timedelta(hours=2), end=start - dt.timedelta(hours=1)).mentor
    results = run_at_once(
        [lambda: services.slot_create(mentor=mentor, start=start, end=start + dt.timedelta(hours=1))] * 6
    )
    assert sum(isinstance(r, Slot) for r in results) == 1
    assert Slot.objects.filter(mentor=mentor, start=start).count() == 1


def test_one_mentee_booking_two_overlapping_slots_of_different_mentors_at_once_gets_one():
    first = SlotFactory()
    second = SlotFactory(start=first.start + dt.timedelta(minutes=30), end=first.end + dt.timedelta(minutes=30))
    assert first.mentor_id != second.mentor_id
    mentee = UserFactory()

    for _ in range(5):  # a race is a matter of timing: give it several chances
        results = run_at_once(
            [lambda s=s: services.booking_create(slot_id=s.pk, mentee=mentee) for s in (first, second)]
        )

        assert sum(isinstance(r, Booking) for r in results) == 1
        [refusal] = [r for r in results if isinstance(r, services.BookingError)]
        assert refusal.code == "mentee_overlap"
        assert Booking.objects.filter(mentee=mentee, status=Booking.Status.CONFIRMED).count() == 1
        services.booking_cancel(booking=Booking.objects.get(mentee=mentee, status="confirmed"), by=mentee)


def test_two_people_moving_into_one_slot_one_wins_and_no_old_slot_is_left_booked():
    mentor = SlotFactory().mentor
    target = SlotFactory(mentor=mentor)
    first = services.booking_create(slot_id=SlotFactory(mentor=mentor).pk, mentee=UserFactory())
    second = services.booking_create(slot_id=SlotFactory(mentor=mentor).pk, mentee=UserFactory())
    old_slots = {first.pk: first.slot_id, second.pk: second.slot_id}

    results = run_at_once(
        [
            lambda b=b: services.booking_reschedule(booking=b, new_slot_id=target.pk, by=b.mentee)
            for b in (first, second)
        ]
    )

    moved = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, services.BookingError)]
    assert len(moved) == 1 and [r.code for r in refused] == ["taken"]
    assert Booking.objects.filter(slot=target, status=Booking.Status.CONFIRMED).count() == 1
    winner = moved[0].pk
    loser = second.pk if winner == first.pk else first.pk
    assert Booking.objects.get(pk=loser).slot_id == old_slots[loser]  # the loser keeps its time
    assert Slot.objects.get(pk=old_slots[loser]).status == Slot.Status.BOOKED
    assert Slot.objects.get(pk=old_slots[winner]).status == Slot.Status.AVAILABLE  # freed in the same transaction


def test_the_weekly_publisher_run_twice_at_once_creates_no_duplicates():

    from accounts.tests.factories import MentorFactory

    mentor = MentorFactory(timezone="Europe/Kyiv")
    hours = [(d, dt.time(9), dt.time(17)) for d in range(7)]
    services.weekly_schedule_save(
        mentor=mentor, hours=hours, session_minutes=30, buffer_minutes=0, min_notice_minutes=120,
        max_per_day=None, horizon_days=28,
    )  # fmt: skip
    Slot.objects.filter(mentor=mentor).delete()

    results = run_at_once([lambda: services.weekly_publish(mentor=mentor) for _ in range(4)])

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r.created for r in results) == Slot.objects.filter(mentor=mentor).count() > 400
    starts = list(Slot.objects.filter(mentor=mentor).values_list("start", flat=True))
    assert len(starts) == len(set(starts))
