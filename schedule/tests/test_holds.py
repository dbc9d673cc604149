"""Holds (a paid mentor's slot kept for the payer) and no-show reports."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse
from post_office.models import Email

from accounts.tests.factories import MentorFactory, UserFactory
from notifications.models import Notification
from schedule import emails, services
from schedule.models import Booking, Slot
from schedule.services import BookingError, SlotTakenError
from schedule.tests.factories import SlotFactory
from schedule.tests.outbox import queued

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


@pytest.fixture
def slot():
    return SlotFactory(mentor=MentorFactory(), start=at(48), end=at(49))


@pytest.fixture
def held(slot, mentee):
    return services.booking_hold(slot_id=slot.pk, mentee=mentee, now=NOW)


def test_a_hold_takes_the_slot_for_fifteen_minutes_and_tells_nobody(held, slot, settings):
    assert held.status == Booking.Status.PENDING
    assert held.hold_expires_at == NOW + dt.timedelta(minutes=settings.BOOKING_HOLD_MINUTES)
    slot.refresh_from_db()
    assert slot.status == Slot.Status.BOOKED  # others see it taken
    assert not Email.objects.exists() and not Notification.objects.exists()


def test_another_mentee_cannot_take_a_held_slot_until_the_hold_runs_out(held, slot):
    other = UserFactory()
    with pytest.raises(SlotTakenError):
        services.booking_create(slot_id=slot.pk, mentee=other, now=at(0.2))
    booking = services.booking_create(slot_id=slot.pk, mentee=other, now=at(0.26))  # released on the spot
    held.refresh_from_db()
    assert held.status == Booking.Status.EXPIRED and booking.status == Booking.Status.CONFIRMED


def test_the_sweep_releases_each_expired_hold_once(held, slot):
    assert services.holds_release_expired(now=at(0.2)) == 0
    assert services.holds_release_expired(now=at(0.25)) == 1
    assert services.holds_release_expired(now=at(0.3)) == 0
    slot.refresh_from_db()
    held.refresh_from_db()
    assert slot.status == Slot.Status.AVAILABLE and held.status == Booking.Status.EXPIRED


def test_a_paid_hold_becomes_a_booking_and_both_sides_hear_of_it(held):
    booking = services.booking_hold_confirm(booking=held, now=at(0.1))
    assert booking.status == Booking.Status.CONFIRMED and booking.hold_expires_at is None
    assert {m.to[0] for m in queued(emails.CONFIRMATION)} == {booking.mentee.email, booking.mentor.email}
    assert Notification.objects.filter(recipient=booking.mentor).count() == 1


def test_a_released_hold_cannot_be_confirmed(held):
    services.holds_release_expired(now=at(1))
    with pytest.raises(BookingError) as error:
        services.booking_hold_confirm(booking=held, now=at(1))
    assert error.value.code == "expired"


def test_a_hold_is_not_in_either_sides_lists_and_its_page_is_not_found(held, client):
    client.force_login(held.mentor)
    assert client.get(reverse("schedule:booking_detail", args=[held.pk])).status_code == 404


def test_the_payer_finds_their_hold_on_my_consultations_and_its_address_leads_to_the_checkout(
    held, client, time_machine
):
    time_machine.move_to(NOW + dt.timedelta(minutes=1), tick=False)
    checkout = reverse("payments:checkout", args=[held.pk])
    client.force_login(held.mentee)
    page = client.get(reverse("schedule:booking_list")).content.decode()
    assert "Waiting for your payment" in page and f'href="{checkout}"' in page
    assert client.get(reverse("schedule:booking_detail", args=[held.pk]))["Location"] == checkout
    client.force_login(held.mentor)
    assert "Waiting for your payment" not in client.get(reverse("schedule:booking_list")).content.decode()

    time_machine.move_to(held.hold_expires_at + dt.timedelta(seconds=1), tick=False)
    client.force_login(held.mentee)
    assert "Waiting for your payment" not in client.get(reverse("schedule:booking_list")).content.decode()
    assert client.get(reverse("schedule:booking_detail", args=[held.pk])).status_code == 404


def test_the_payer_gives_up_a_held_time_and_it_is_free_for_others_at_once(held, slot, client, time_machine):
    time_machine.move_to(NOW + dt.timedelta(minutes=1), tick=False)
    release = reverse("schedule:booking_hold_release", args=[held.pk])
    client.force_login(UserFactory())  # nobody else gives it up for them
    assert client.post(release).status_code == 404
    client.force_login(held.mentor)
    assert client.post(release).status_code == 404
    client.force_login(held.mentee)
    assert f'action="{release}"' in client.get(reverse("schedule:booking_list")).content.decode()
    assert f'action="{release}"' in client.get(reverse("payments:checkout", args=[held.pk])).content.decode()

    response = client.post(release, follow=True)

    assert response.redirect_chain[0][0] == slot.mentor.mentor_profile.get_absolute_url()
    assert "The time is given back and nothing was charged." in response.content.decode()
    held.refresh_from_db()
    slot.refresh_from_db()
    assert held.status == Booking.Status.EXPIRED and slot.status == Slot.Status.AVAILABLE
    assert client.post(release).status_code == 404  # once
    other = services.booking_create(slot_id=slot.pk, mentee=UserFactory(), now=NOW + dt.timedelta(minutes=2))
    assert other.status == Booking.Status.CONFIRMED


def test_a_confirmed_booking_cannot_be_given_up_as_a_hold(held):
    services.booking_hold_confirm(booking=held, now=NOW)
    with pytest.raises(BookingError, match="no longer held"):
        services.booking_hold_release(booking=held, by=held.mentee, now=NOW)
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED


def test_cancelling_or_moving_a_hold_says_why_to_the_payer_and_to_staff(held, slot):
    from accounts.tests.factories import staff_member

    other = SlotFactory(mentor=slot.mentor, start=at(72), end=at(73))
    for by, words in ((held.mentee, "held for your payment"), (staff_member("Admin"), "not a booking yet")):
        with pytest.raises(BookingError, match=words):
            services.booking_cancel(booking=held, by=by, reason="x", now=NOW)
    with pytest.raises(BookingError, match="held for your payment"):
        services.booking_reschedule(booking=held, new_slot_id=other.pk, by=held.mentee, now=NOW)
    held.refresh_from_db()
    assert held.status == Booking.Status.PENDING


def test_the_database_refuses_a_second_active_booking_on_a_held_slot(held, slot):
    with pytest.raises(IntegrityError):
        Booking.objects.create(slot=slot, mentor=slot.mentor, mentee=UserFactory())


def test_a_mentee_with_a_hold_cannot_book_another_session_at_the_same_time(held, slot):
    clash = SlotFactory(mentor=MentorFactory(), start=slot.start, end=slot.end)
    with pytest.raises(BookingError) as error:
        services.booking_create(slot_id=clash.pk, mentee=held.mentee, now=NOW)
    assert error.value.code == "mentee_overlap"


# --- No-shows ---


@pytest.fixture
def booked(slot, mentee):
    return services.booking_create(slot_id=slot.pk, mentee=mentee, now=NOW)


def test_the_mentor_marks_the_client_absent_once_after_the_start(booked):
    for early in (at(47), at(48), at(48 + 9 / 60)):  # before, at, and nine minutes after the start: late, not absent
        with pytest.raises(BookingError) as error:
            services.booking_no_show(booking=booked, by=booked.mentor, now=early)
        assert error.value.code == "not_started"
    services.booking_no_show(booking=booked, by=booked.mentor, now=at(48.5))
    booked.refresh_from_db()
    assert booked.no_show == Booking.NoShow.MENTEE and booked.no_show_at == at(48.5)
    assert not booked.is_completed
    assert Notification.objects.filter(recipient=booked.mentee, kind="booking_no_show").count() == 1
    with pytest.raises(BookingError) as error:  # the client cannot answer with the opposite claim
        services.booking_no_show(booking=booked, by=booked.mentee, now=at(49))
    assert error.value.code == "already_reported"
    booked.refresh_from_db()
    assert booked.no_show == Booking.NoShow.MENTEE


def test_the_client_reports_the_mentor_absent_within_the_window_only(booked, settings):
    late = at(49 + 24 * settings.BOOKING_NO_SHOW_DAYS + 0.1)
    with pytest.raises(BookingError) as error:
        services.booking_no_show(booking=booked, by=booked.mentee, now=late)
    assert error.value.code == "too_late"
    services.booking_no_show(booking=booked, by=booked.mentee, now=at(50))
    booked.refresh_from_db()
    assert booked.no_show == Booking.NoShow.MENTOR


def test_nobody_else_can_report_a_session(booked):
    with pytest.raises(BookingError):
        services.booking_no_show(booking=booked, by=UserFactory(), now=at(50))
    booked.refresh_from_db()
    assert booked.no_show == ""


def test_the_page_offers_the_report_after_the_start_and_the_post_records_it(booked, client, time_machine):
    time_machine.move_to(at(48.5), tick=False)
    client.force_login(booked.mentor)
    page = client.get(booked.get_absolute_url())
    assert b"The client did not come" in page.content
    response = client.post(reverse("schedule:booking_no_show", args=[booked.pk]))
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.no_show == Booking.NoShow.MENTEE
    page = client.get(booked.get_absolute_url())
    assert b"The client did not come" in page.content  # the status now says so
    assert reverse("schedule:booking_no_show", args=[booked.pk]).encode() not in page.content
    # Each side's list says so, not "Confirmed": the client reads it about themself.
    for side, said in (
        (booked.mentor, "The client did not come"),
        (booked.mentee, "You did not come, the mentor says"),
    ):
        client.force_login(side)
        lists = client.get(reverse("schedule:booking_list"), {"past_page": 1}).content.decode()
        assert f'<span class="badge status-cancelled ms-1">{said}</span>' in lists
        assert "status-booked" not in lists
    assert "You did not come, the mentor says" in client.get(booked.get_absolute_url()).content.decode()
