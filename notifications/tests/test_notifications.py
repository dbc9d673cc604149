"""In-app notifications: written with the change they tell about, shown in the reader's language, read and cleared."""

import datetime as dt
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from core import realtime
from notifications import kinds, selectors, services
from notifications.models import Notification
from schedule import services as schedule_services
from schedule.tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _book(mentee, mentor):
    slot = SlotFactory(mentor=mentor)
    return schedule_services.booking_create(slot_id=slot.pk, mentee=mentee)


def test_a_booking_tells_the_mentor_and_not_the_mentee(mentee, mentor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(mentee, mentor)

    [notification] = Notification.objects.all()
    assert (notification.recipient, notification.kind, notification.link) == (
        mentor,
        kinds.BOOKING_CREATED,
        booking.get_absolute_url(),
    )
    assert notification.text.startswith("Mia Mentee booked a session with you on ")
    assert selectors.unread_count(mentor) == 1 and selectors.unread_count(mentee) == 0


def test_a_refused_booking_leaves_no_notification(mentee, mentor):
    slot = SlotFactory(mentor=mentor)
    schedule_services.booking_create(slot_id=slot.pk, mentee=mentee)
    Notification.objects.all().delete()
    with pytest.raises(schedule_services.BookingError):
        schedule_services.booking_create(slot_id=slot.pk, mentee=UserFactory())
    assert not Notification.objects.exists()


def test_a_cancellation_tells_the_other_side_and_staff_tell_both(mentee, mentor, staff):
    booking = _book(mentee, mentor)
    Notification.objects.all().delete()
    schedule_services.booking_cancel(booking=booking, by=mentee)
    assert list(Notification.objects.values_list("recipient", "kind")) == [(mentor.pk, kinds.BOOKING_CANCELLED)]

    other = _book(mentee, mentor)
    Notification.objects.all().delete()
    schedule_services.booking_cancel(booking=other, by=staff)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {mentee.pk, mentor.pk}


def test_a_move_tells_the_other_side_the_old_and_the_new_time(mentee, mentor):
    booking = _book(mentee, mentor)
    new_slot = SlotFactory(mentor=mentor, start=booking.slot.start + dt.timedelta(days=1))
    Notification.objects.all().delete()

    schedule_services.booking_reschedule(booking=booking, new_slot_id=new_slot.pk, by=mentor)

    [notification] = Notification.objects.all()
    assert notification.recipient == mentee and notification.kind == kinds.BOOKING_MOVED
    assert "Max Mentor moved your session from" in notification.text


def test_the_text_is_made_in_the_readers_language_when_shown(mentee, mentor):
    _book(mentee, mentor)
    notification = Notification.objects.get()
    with translation.override("uk"):
        assert notification.text.startswith("Нове бронювання від Mia Mentee на ")


def test_the_unread_count_is_cached_and_forgotten_when_it_changes(mentee, mentor, django_capture_on_commit_callbacks):
    assert selectors.unread_count(mentor) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _book(mentee, mentor)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.unread_count(mentor) == 1
        assert selectors.unread_count(mentor) == 1
    assert len(ctx.captured_queries) == 1
    services.notifications_mark_read(user=mentor)
    assert selectors.unread_count(mentor) == 0


def test_erasing_a_person_blanks_their_name_and_drops_news_of_their_writing(
    mentee, mentor, django_capture_on_commit_callbacks
):
    reader = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _book(mentee, mentor)  # names the mentee: stays, nameless
        services.notify_many(
            recipient_ids=[reader.pk], kind="article_published", params={"name": "Mia", "title": "T"}, person=mentee
        )  # tells of her article: goes with it
        services.notify(recipient=mentee, kind=kinds.BOOKING_CANCELLED, params={"name": "Max", "start": "x"})
    assert selectors.unread_count(reader) == 1  # cached

    with django_capture_on_commit_callbacks(execute=True):
        services.person_notifications_erase(user=mentee)

    assert selectors.unread_count(reader) == 0  # the cached count was forgotten with the row
    assert not Notification.objects.filter(recipient=mentee).exists()
    notification = Notification.objects.get()
    assert notification.params["name"] == "" and notification.person_id == mentee.pk
    assert notification.text.startswith("Deleted user booked a session with you")
    with translation.override("uk"):
        assert "Mia" not in notification.text and "Видалений користувач" in notification.text


def test_a_channel_layer_that_is_down_never_fails_the_booking(
    mentee, mentor, monkeypatch, django_capture_on_commit_callbacks
):
    def broken():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(realtime, "get_channel_layer", broken)
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(mentee, mentor)
    assert booking.pk and Notification.objects.filter(recipient=mentor).exists()


# --- Pages ---


def test_the_page_lists_the_history_and_opening_one_marks_it_read(client, mentee, mentor):
    booking = _book(mentee, mentor)
    client.force_login(mentor)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Mia Mentee booked a session with you" in page

    notification = Notification.objects.get()
    Notification.objects.update(read_at=None)
    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == booking.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_page_marks_what_it_shows_read_and_the_bell_stops_counting_it(client, mentee, mentor):
    for _ in range(3):
        _book(mentee, mentor)
    client.force_login(mentor)
    assert client.get(reverse("notifications:latest")).json()["unread"] == 3

    with patch("notifications.views.PAGE_SIZE", 2):
        first = client.get(reverse("notifications:list")).content.decode()
        assert first.count(">New<") == 2  # shown as new this once
        assert Notification.objects.filter(recipient=mentor, read_at__isnull=True).count() == 1
        assert "data-notifications-count>1<" in first and "Mark all as read" in first  # the one on page 2

        again = client.get(reverse("notifications:list")).content.decode()
        assert ">New<" not in again and "data-notifications-count>1<" in again

        client.get(reverse("notifications:list") + "?page=2")
    assert client.get(reverse("notifications:latest")).json()["unread"] == 0


def test_nobody_opens_or_reads_another_persons_notification(client, mentee, mentor):
    _book(mentee, mentor)
    notification = Notification.objects.get()
    client.force_login(mentee)
    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404
    feed = client.get(reverse("notifications:latest")).json()
    assert (feed["unread"], feed["items"], feed["counts"]["notifications"]) == (0, [], 0)
    client.post(reverse("notifications:read_all"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_and_the_bell_feed(client, mentee, mentor):
    _book(mentee, mentor)
    _book(mentee, mentor)
    client.force_login(mentor)
    feed = client.get(reverse("notifications:latest")).json()
    assert feed["unread"] == 2 and len(feed["items"]) == 2 and not feed["items"][0]["read"]
    assert feed["counts"] == {"notifications": 2, "messages": 0}  # a page back from a dropped socket catches up

    client.post(reverse("notifications:read_all"))

    assert client.get(reverse("notifications:latest")).json()["unread"] == 0


def test_the_header_shows_the_count_without_a_query_once_cached(client, mentee, mentor):
    _book(mentee, mentor)
    client.force_login(mentor)
    assert "data-notifications-count>1<" in client.get(reverse("home")).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("schedule:booking_list"))
    assert not [q for q in ctx.captured_queries if "notifications_notification" in q["sql"]]


def test_the_notifications_page_query_count_is_pinned(client, mentee, mentor, django_assert_num_queries):
    for _ in range(3):
        _book(mentee, mentor)
    client.force_login(mentor)
    client.get(reverse("notifications:list"))
    # session, user, count for the paginator, the page of notifications (the header count is cached)
    with django_assert_num_queries(4):
        assert client.get(reverse("notifications:list")).status_code == 200
    _book(mentee, mentor)
    # ... and when one is new: marking it read, and the header's count again
    with django_assert_num_queries(6):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_a_booking_list_page_is_pinned_with_the_bell(client, mentee, mentor):
    """Signed-in pages gain at most one query for the bell, and only when its count is not cached."""
    BookingFactory(mentee=mentee)
    client.force_login(mentee)
    client.get(reverse("schedule:booking_list"))
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("schedule:booking_list"))
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("schedule:booking_list"))
    bell = [q for q in cold.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell) == 1 and not [q for q in warm.captured_queries if "notifications_notification" in q["sql"]]
