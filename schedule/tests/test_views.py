import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.tests.factories import MentorFactory, UserFactory
from schedule import services
from schedule.models import Booking, Slot
from schedule.tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db


def in_days(days, hour=10):
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


# --- Public availability ---


def test_the_mentor_page_shows_free_slots_in_the_viewers_zone_and_names_it(client, mentee):
    slot = SlotFactory(start=in_days(3, 15), end=in_days(3, 16))  # 15:00 UTC = 10:00 New York (winter)
    SlotFactory(mentor=slot.mentor, start=in_days(4), end=in_days(4, 11), status=Slot.Status.HIDDEN)
    client.force_login(mentee)

    page = client.get(slot.mentor.mentor_profile.get_absolute_url()).content.decode()

    assert "America/New York" in page
    assert reverse("schedule:booking_confirm", args=[slot.pk]) in page
    assert page.count("/book/") == 1  # the hidden slot is not offered


def test_anonymous_visitors_see_the_zone_their_browser_reported(client):
    slot = SlotFactory(start=in_days(3, 15), end=in_days(3, 16))
    client.cookies["tz"] = "Asia/Tokyo"
    page = client.get(slot.mentor.mentor_profile.get_absolute_url()).content.decode()
    assert "Asia/Tokyo" in page
    assert "00:00" in page  # 15:00 UTC is midnight in Tokyo


def test_the_zone_cookie_written_url_encoded_by_the_browser_is_understood(client):
    """site.js stores encodeURIComponent(zone): "America%2FNew_York" must mean New York, not the default."""
    slot = SlotFactory(start=in_days(3, 18), end=in_days(3, 19))  # 18:00 UTC = 13:00 New York (winter)
    client.cookies["tz"] = "America%2FNew_York"
    page = client.get(reverse("schedule:booking_confirm", args=[slot.pk]), follow=True).content.decode()
    mentor_page = client.get(slot.mentor.mentor_profile.get_absolute_url()).content.decode()
    assert "America/New_York" in mentor_page and "13:00" in mentor_page
    assert "login" in page  # anonymous: sent to log in, the times were already right on the list


def test_a_zone_cookie_that_is_not_a_zone_falls_back_to_the_site_zone(client, settings):
    slot = SlotFactory(start=in_days(3, 18), end=in_days(3, 19))
    client.cookies["tz"] = "Mars%2FOlympus"
    page = client.get(slot.mentor.mentor_profile.get_absolute_url()).content.decode()
    assert settings.TIME_ZONE in page


def test_a_mentor_without_free_slots_says_so(client):
    mentor = MentorFactory()
    page = client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert "has no free slots" in page


def test_the_mentor_page_query_count_does_not_grow_with_slots(client):
    def count(n):
        mentor = MentorFactory()
        for i in range(n):
            SlotFactory(mentor=mentor, start=in_days(1 + i // 8, 8 + i % 8), end=in_days(1 + i // 8, 9 + i % 8))
        with CaptureQueriesContext(connection) as ctx:
            client.get(mentor.mentor_profile.get_absolute_url())
        return len(ctx.captured_queries)

    assert count(10) == count(200)


# --- Booking through the browser ---


def test_anonymous_visitors_are_sent_to_login_and_back_to_the_same_slot(client):
    slot = SlotFactory()
    url = reverse("schedule:booking_confirm", args=[slot.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_a_mentee_sees_the_confirmation_page_then_books_with_post(client, mentee):
    """A free mentor's session is booked by the POST itself (a paid one goes to the checkout: payments tests)."""
    slot = SlotFactory(
        mentor=MentorFactory(profile__price=0, profile__is_free=True), start=in_days(3, 15), end=in_days(3, 16)
    )
    client.force_login(mentee)
    url = reverse("schedule:booking_confirm", args=[slot.pk])

    page = client.get(url).content.decode()
    assert "Confirm your booking" in page and "Europe/Kyiv" in page and "America/New York" in page
    assert not Booking.objects.exists()

    response = client.post(url, {"note": "Career change"}, follow=True)
    booking = Booking.objects.get()
    assert response.redirect_chain[-1][0] == booking.get_absolute_url()
    assert "Your session is booked" in response.content.decode()
    assert booking.note == "Career change"


def test_submitting_the_same_booking_twice_creates_one_booking(client, mentee):
    slot = SlotFactory(mentor=MentorFactory(profile__price=0, profile__is_free=True))
    client.force_login(mentee)
    url = reverse("schedule:booking_confirm", args=[slot.pk])

    client.post(url, {"note": ""})
    second = client.post(url, {"note": ""}, follow=True)

    assert Booking.objects.count() == 1
    assert "already booked this session" in second.content.decode()
    assert client.get(url)["Location"] == Booking.objects.get().get_absolute_url()


def test_a_slot_moved_after_the_mentee_saw_it_is_not_booked_and_the_new_time_is_shown(client, mentee):
    slot = SlotFactory(start=in_days(3, 15), end=in_days(3, 16))
    client.force_login(mentee)
    url = reverse("schedule:booking_confirm", args=[slot.pk])
    shown = client.get(url).context["form"]["shown_start"].value()
    assert shown == int(slot.start.timestamp())

    services.slot_update(slot=slot, start=in_days(4, 9), end=in_days(4, 10))
    response = client.post(url, {"note": "", "shown_start": shown}, follow=True)

    assert not Booking.objects.exists()
    assert response.redirect_chain[-1][0] == url
    page = response.content.decode()
    assert "moved this session to another time" in page
    assert response.context["form"]["shown_start"].value() == int(in_days(4, 9).timestamp())

    client.post(url, {"note": "", "shown_start": response.context["form"]["shown_start"].value()})
    assert Booking.objects.get().slot.start == in_days(4, 9)


def test_the_loser_of_a_race_sees_a_friendly_message_on_the_mentor_page(client, mentee):
    booking = BookingFactory()
    client.force_login(mentee)
    response = client.post(reverse("schedule:booking_confirm", args=[booking.slot.pk]), {"note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == booking.slot.mentor.mentor_profile.get_absolute_url()
    assert "just booked by someone else" in response.content.decode()
    assert Booking.objects.count() == 1


def test_my_consultations_lists_upcoming_and_past_for_each_side(client, mentee):
    upcoming = BookingFactory(mentee=mentee, note="Resume review")
    past = BookingFactory(mentee=mentee, slot__start=in_days(-3), slot__end=in_days(-3, 11))
    client.force_login(mentee)

    response = client.get(reverse("schedule:booking_list"))
    assert list(response.context["upcoming"].object_list) == [upcoming]
    assert list(response.context["past"].object_list) == [past]
    assert "Completed" in response.content.decode()

    client.force_login(upcoming.slot.mentor)
    page = client.get(reverse("schedule:booking_list")).content.decode()
    assert mentee.email in page and "Resume review" in page


def test_paging_one_list_of_my_consultations_keeps_the_other_where_it_is(client, mentee):
    for _ in range(12):
        BookingFactory(mentee=mentee)
    for day in range(12):
        BookingFactory(mentee=mentee, slot__start=in_days(-1 - day), slot__end=in_days(-1 - day, 11))
    client.force_login(mentee)
    page = client.get(reverse("schedule:booking_list"), {"page": 2}).content.decode()
    assert "?page=2&amp;past_page=2" in page  # history's "next" keeps upcoming on page 2
    assert "?past_page=1&amp;page=1" in page  # upcoming's "previous" keeps history on page 1


def test_my_consultations_query_count_does_not_grow_with_bookings(client, mentee):
    mentor = MentorFactory()

    def count(n):
        for _ in range(n):
            BookingFactory(mentee=mentee, slot__mentor=mentor)
        client.force_login(mentee)
        cache.clear()  # the uncached page
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("schedule:booking_list"))
        return len(ctx.captured_queries)

    assert count(10) == count(190)


def test_my_consultations_is_cached_per_user_until_one_of_their_bookings_changes(
    client, mentee, django_capture_on_commit_callbacks
):
    from schedule import services

    booking = BookingFactory(mentee=mentee)
    client.force_login(mentee)
    assert "Confirmed" in client.get(reverse("schedule:booking_list")).content.decode()
    client.force_login(booking.mentor)
    assert mentee.email in client.get(reverse("schedule:booking_list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=booking.mentor, reason="Ill")

    for user in (mentee, booking.mentor):
        client.force_login(user)
        response = client.get(reverse("schedule:booking_list"))
        assert list(response.context["upcoming"].object_list) == []
        assert "Cancelled" in response.content.decode()


def test_a_mentor_sees_clients_with_counts(client):
    booking = BookingFactory()
    BookingFactory(mentee=booking.mentee, slot__mentor=booking.slot.mentor)
    BookingFactory(mentee=booking.mentee, slot__mentor=booking.slot.mentor, status=Booking.Status.CANCELLED)
    client.force_login(booking.slot.mentor)
    response = client.get(reverse("schedule:client_list"))
    [client_row] = response.context["page"].object_list
    assert client_row == booking.mentee
    assert client_row.sessions == 2
    assert client_row.next_session is not None
    next_booking = Booking.objects.filter(status=Booking.Status.CONFIRMED).order_by("slot__start").first()
    assert client_row.next_booking_id == next_booking.pk and client_row.last_booking_id is None
    older, last = (
        BookingFactory(mentee=booking.mentee, slot__mentor=booking.slot.mentor, slot__start=start, slot__end=end)
        for start, end in ((in_days(-3, 9), in_days(-3, 10)), (in_days(-1, 9), in_days(-1, 10)))
    )
    [client_row] = client.get(reverse("schedule:client_list")).context["page"].object_list
    assert client_row.last_booking_id == last.pk != older.pk  # the latest past one
    assert f'href="{next_booking.get_absolute_url()}"' in response.content.decode()  # its page: "Message …"


def test_a_booking_can_be_cancelled_from_the_browser(client, mentee):
    booking = BookingFactory(mentee=mentee)
    client.force_login(mentee)
    url = reverse("schedule:booking_cancel", args=[booking.pk])
    assert "Cancel this session?" in client.get(url).content.decode()

    response = client.post(url, {"reason": "Clash"}, follow=True)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert "has been cancelled" in response.content.decode()
    assert Slot.objects.get().status == Slot.Status.AVAILABLE
    again = client.post(url, {"reason": "Clash"}, follow=True)
    assert "already cancelled" in again.content.decode()


def test_the_invite_download_is_a_calendar_file(client, mentee):
    booking = BookingFactory(mentee=mentee)
    client.force_login(mentee)
    response = client.get(reverse("schedule:booking_invite", args=[booking.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == booking.calendar_uid


# --- Mentor schedule management ---


def test_a_mentor_creates_a_week_of_availability_in_one_form(client, mentor):
    from schedule.models import DateOverride, WeeklySchedule

    client.force_login(mentor)
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    schedule = WeeklySchedule.objects.create(mentor=mentor, session_minutes=60)
    DateOverride.objects.create(schedule=schedule, date=monday, kind=DateOverride.Kind.DAY_OFF)
    response = client.post(
        reverse("schedule:slot_bulk_create"),
        {
            "weekdays": ["0", "1", "2", "3", "4"],
            "first_day": monday.isoformat(),
            "weeks": "1",
            "day_start": "10:00",
            "day_end": "13:00",
            "session_minutes": "60",
            "buffer_minutes": "0",
        },
        follow=True,
    )
    assert "15 slots created." in response.content.decode()
    assert f"{monday.day} {monday:%B} is a day off in your weekly hours" in response.content.decode()
    assert Slot.objects.filter(mentor=mentor).count() == 15
    page = client.get(reverse("schedule:mentor_schedule")).content.decode()
    assert page.count('action="/schedule/slots/') >= 15 and page.count('/delete/"') >= 15  # hide, delete each slot


def test_a_mentor_adds_one_slot_and_is_told_about_bad_input(client, mentor):
    client.force_login(mentor)
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    client.post(reverse("schedule:slot_create"), {"date": day, "start_time": "09:00", "duration": "60"})
    assert Slot.objects.count() == 1
    response = client.post(
        reverse("schedule:slot_create"), {"date": day, "start_time": "09:30", "duration": "60"}, follow=True
    )
    assert "overlaps" in response.content.decode()
    response = client.post(reverse("schedule:slot_create"), {"date": "not-a-date", "start_time": "09:30"})
    assert response.status_code == 400
    assert Slot.objects.count() == 1


def test_new_times_on_a_day_off_are_published_and_the_mentor_is_told(client, mentor):
    from schedule.models import DateOverride, WeeklySchedule

    schedule = WeeklySchedule.objects.create(mentor=mentor, session_minutes=60)
    day = timezone.localdate() + dt.timedelta(days=3)
    DateOverride.objects.create(schedule=schedule, date=day, kind=DateOverride.Kind.DAY_OFF)
    client.force_login(mentor)
    one = client.post(
        reverse("schedule:slot_create"), {"date": day.isoformat(), "start_time": "09:00", "duration": "60"}, follow=True
    )
    said = f"{day.day} {day:%B} is a day off in your weekly hours; the new times on it are offered all the same."
    assert said in one.content.decode() and Slot.objects.count() == 1
    other = client.post(
        reverse("schedule:slot_create"),
        {"date": (day + dt.timedelta(days=1)).isoformat(), "start_time": "09:00", "duration": "60"},
        follow=True,
    )
    assert "day off" not in other.content.decode()


def test_the_mentor_schedule_query_count_does_not_grow_with_slots(client):
    def count(n):
        mentor = MentorFactory()
        for i in range(n):
            slot = SlotFactory(mentor=mentor, start=in_days(1 + i // 8, 8 + i % 8), end=in_days(1 + i // 8, 9 + i % 8))
            if i % 3 == 0:
                BookingFactory(slot=slot)
        client.force_login(mentor)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("schedule:mentor_schedule"))
        return len(ctx.captured_queries)

    assert count(10) == count(50)


def test_a_mentee_cannot_open_mentor_pages(client, mentee):
    client.force_login(mentee)
    assert client.get(reverse("schedule:mentor_schedule")).status_code == 403
    assert client.get(reverse("schedule:client_list")).status_code == 403


# --- Object access: another user's booking or slot is a 404 for every URL ---

BOOKING_URLS = [
    ("get", "schedule:booking_detail"),
    ("get", "schedule:booking_cancel"),
    ("post", "schedule:booking_cancel"),
    ("get", "schedule:booking_invite"),
]
SLOT_URLS = ["schedule:slot_hide", "schedule:slot_unhide", "schedule:slot_delete"]


@pytest.fixture
def foreign():
    """A booking between two other people, a free slot of another mentor, and the two intruders."""
    return {
        "booking": BookingFactory(),
        "slot": SlotFactory(),
        "mentee": UserFactory(),
        "mentor": MentorFactory(),
    }


@pytest.mark.parametrize(("method", "name"), BOOKING_URLS)
@pytest.mark.parametrize("intruder", ["mentee", "mentor", "anonymous"])
def test_another_users_booking_is_not_reachable(client, foreign, method, name, intruder):
    if intruder != "anonymous":
        client.force_login(foreign[intruder])
    response = getattr(client, method)(reverse(name, args=[foreign["booking"].pk]), {"reason": "x"})
    if intruder == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("name", SLOT_URLS)
@pytest.mark.parametrize("intruder", ["mentee", "mentor", "anonymous"])
def test_another_mentors_slot_is_not_reachable(client, foreign, name, intruder):
    if intruder != "anonymous":
        client.force_login(foreign[intruder])
    response = client.post(reverse(name, args=[foreign["slot"].pk]))
    expected = {"anonymous": 302, "mentee": 403, "mentor": 404}[intruder]
    assert response.status_code == expected
    assert Slot.objects.filter(pk=foreign["slot"].pk, status=Slot.Status.AVAILABLE).exists()


@pytest.mark.parametrize("name", ["schedule:slot_hide", "schedule:slot_unhide"])
def test_slot_actions_are_post_only(client, mentor, name):
    slot = SlotFactory(mentor=mentor)
    client.force_login(mentor)
    assert client.get(reverse(name, args=[slot.pk])).status_code == 405


def test_deleting_a_slot_asks_first_and_only_post_deletes(client, mentor):
    slot = SlotFactory(mentor=mentor)
    client.force_login(mentor)
    schedule_page = client.get(reverse("schedule:mentor_schedule")).content.decode()
    assert f'href="{reverse("schedule:slot_delete", args=[slot.pk])}"' in schedule_page  # a link, not a form

    question = client.get(reverse("schedule:slot_delete", args=[slot.pk]))
    assert question.status_code == 200 and "Delete this slot?" in question.content.decode()
    assert Slot.objects.filter(pk=slot.pk).exists()

    client.post(reverse("schedule:slot_delete", args=[slot.pk]))
    assert not Slot.objects.filter(pk=slot.pk).exists()


def test_another_mentors_slot_cannot_be_seen_on_the_delete_question(client, foreign):
    client.force_login(foreign["mentor"])
    assert client.get(reverse("schedule:slot_delete", args=[foreign["slot"].pk])).status_code == 404


def test_an_absurd_id_in_a_url_is_a_404_not_a_500(client, mentor):
    client.force_login(mentor)
    assert client.get("/bookings/99999999999999999999999999/").status_code == 404
    assert client.get("/schedule/slots/99999999999999999999999999/delete/").status_code == 404


def test_date_and_time_fields_keep_iso_values_in_ukrainian(client, mentor):
    """A date input with "24.11.2026" shows empty: HTML5 inputs need ISO whatever the language."""
    mentor.language = "uk"
    mentor.save(update_fields=["language"])
    client.force_login(mentor)
    page = client.get(reverse("schedule:mentor_schedule")).content.decode()
    today = timezone.localdate().isoformat()
    assert f'name="first_day" value="{today}"' in page and 'name="day_start" value="10:00"' in page


def test_pages_of_sessions_take_a_fixed_number_of_queries(client, mentee, django_assert_num_queries):
    """Pinned: session + user, then the page's own reads (a regression shows as a new number here)."""
    mentor = MentorFactory()
    bookings = [BookingFactory(mentee=mentee, slot__mentor=mentor) for _ in range(12)]
    client.force_login(mentee)
    # session, user, holds awaiting payment, calendar feed, upcoming and past (ids + rows, one empty),
    # the header's counts
    with django_assert_num_queries(8):
        client.get(reverse("schedule:booking_list"))
    with django_assert_num_queries(3):  # session, user, the booking with slot, mentor, profile, mentee
        client.get(bookings[0].get_absolute_url())
    client.force_login(mentor)
    slot = SlotFactory(mentor=mentor)
    with django_assert_num_queries(4):  # session, user, the slot, the header's counts (a new user)
        client.get(reverse("schedule:slot_delete", args=[slot.pk]))


def test_the_clients_page_query_count_is_pinned_whatever_the_number_of_clients(client, django_assert_num_queries):
    mentor = MentorFactory()
    for _ in range(5):
        BookingFactory(slot__mentor=mentor)
    client.force_login(mentor)
    client.get(reverse("schedule:client_list"))
    # session, user, the count for the pages, one page of clients with their sessions (the header is cached)
    with django_assert_num_queries(4):
        assert client.get(reverse("schedule:client_list")).status_code == 200


def test_staff_cancelling_in_the_admin_give_the_platforms_reason_each_reader_reads_in_their_language(client):
    from django.utils import translation

    from accounts.tests.factories import staff_member
    from schedule.tests.factories import BookingFactory

    booking = BookingFactory()
    staff = staff_member("Admin", is_superuser=True, language="uk")
    client.force_login(staff)
    client.post(
        reverse("admin:schedule_booking_changelist"),
        {"action": "cancel_bookings", "_selected_action": [booking.pk]},
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancel_reason == "Cancelled by staff"  # not in the staff's words
    with translation.override("uk"):
        assert booking.cancel_reason_text == "Скасовано персоналом платформи"
