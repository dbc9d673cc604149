import csv
import datetime as dt
import html
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from accounts.tests.factories import MentorFactory, UserFactory, staff_member
from audit.models import Event
from dashboard import selectors
from schedule.models import Booking, Slot
from schedule.tests.factories import BookingFactory, SlotFactory
from schedule.tests.outbox import queued, rendered

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday


@pytest.fixture
def world():
    """A small known platform: exact figures are asserted against it."""
    with time_machine.travel(NOW - dt.timedelta(days=60), tick=False):
        old_mentor = MentorFactory(first_name="Old", last_name="Timer")
    mentor = MentorFactory(first_name="Ada", last_name="Lovelace")
    mentee_a, mentee_b = UserFactory(), UserFactory()
    UserFactory(is_staff=True)

    def slot(hours, status=Slot.Status.AVAILABLE, who=mentor):
        start = NOW + dt.timedelta(hours=hours)
        return SlotFactory(mentor=who, start=start, end=start + dt.timedelta(hours=1), status=status)

    # completed sessions: two for Ada, one for Old Timer
    for hours, who in ((-50, mentor), (-26, mentor), (-30, old_mentor)):
        BookingFactory(
            slot=slot(hours, Slot.Status.BOOKED, who), mentee=mentee_a, created_at=NOW - dt.timedelta(days=3)
        )
    # the client did not come (the mentor said so): ended, but not completed
    BookingFactory(
        slot=slot(-80, Slot.Status.BOOKED),
        mentee=mentee_a,
        created_at=NOW - dt.timedelta(days=5),
        no_show=Booking.NoShow.MENTEE,
        no_show_at=NOW - dt.timedelta(hours=79),
    )
    # upcoming confirmed, booked today
    BookingFactory(slot=slot(24, Slot.Status.BOOKED), mentee=mentee_b, created_at=NOW - dt.timedelta(hours=1))
    # cancelled yesterday (Tuesday: this week)
    BookingFactory(
        slot=slot(48), mentee=mentee_b, status=Booking.Status.CANCELLED, created_at=NOW - dt.timedelta(days=1)
    )
    slot(72)
    slot(-5)  # a past free slot
    slot(96, Slot.Status.HIDDEN)
    Email.objects.create(
        from_email="a@example.com", to=["x@example.com"], subject="a", status=STATUS.queued, created=NOW
    )
    Email.objects.create(from_email="a@example.com", to=["y@example.com"], subject="b", status=STATUS.failed)
    return {"mentor": mentor, "old_mentor": old_mentor}


def test_the_figures_are_exact_for_a_known_platform(world):
    with time_machine.travel(NOW, tick=False):
        stats = selectors.platform_stats(now=NOW)

    assert stats["users"] == {"total": 5, "mentors": 2, "mentees": 2, "new_30d": 4}
    assert stats["slots"] == {"total": 9, "booked": 5, "free": 3, "hidden": 1, "upcoming_free": 2}
    assert stats["bookings"] == {
        "total": 6,
        "today": 1,
        "this_week": 2,
        "cancelled": 1,
        "completed": 3,
        "no_shows": 1,
        "upcoming": 1,
        "cancellation_rate": 16.7,
        "no_show_rate": 25.0,  # one of the four sessions that ended
    }
    assert (stats["outbox"]["queued"], stats["outbox"]["failed"]) == (1, 1)


def test_the_chart_series_are_exact(world):
    per_day = selectors.bookings_per_day(now=NOW)
    assert len(per_day) == 30 and per_day[-1]["day"] == dt.date(2026, 11, 25)
    assert {d["day"]: d["count"] for d in per_day if d["count"]} == {
        dt.date(2026, 11, 20): 1,
        dt.date(2026, 11, 22): 3,
        dt.date(2026, 11, 24): 1,
        dt.date(2026, 11, 25): 1,
    }
    slots = selectors.slots_per_day(now=NOW)
    assert len(slots) == 14
    assert {d["day"]: (d["booked"], d["free"]) for d in slots if d["booked"] or d["free"]} == {
        dt.date(2026, 11, 25): (0, 1),  # the past free slot at 09:00 today
        dt.date(2026, 11, 26): (1, 0),
        dt.date(2026, 11, 27): (0, 1),
        dt.date(2026, 11, 28): (0, 1),
    }
    top = selectors.top_mentors(now=NOW)
    assert [(m["first_name"], m["completed"]) for m in top] == [("Ada", 2), ("Old", 1)]  # not the no-show


def test_the_stats_page_shows_the_figures_and_the_chart_data(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("dashboard:stats"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="dashboard-data"' in page and "chart.umd.min.js" in page
    assert "Top mentors by completed sessions" in page and "Ada Lovelace" in page
    # each card's own note only: a note set for one card does not reappear under the cards after it
    assert len(re.findall(r"from \d+ reviews?</div>", page)) == 1  # the average rating's, not the mailings'
    assert len(re.findall(r"\d+ refunds?</div>", page)) == 1  # refunded, not the platform fee's


def _bulk_bookings(n):
    mentor = MentorFactory()
    mentee = UserFactory()
    start = NOW + dt.timedelta(days=1)
    slots = Slot.objects.bulk_create(
        Slot(
            mentor=mentor,
            start=start + dt.timedelta(hours=i),
            end=start + dt.timedelta(hours=i, minutes=59),
            status=Slot.Status.BOOKED,
        )
        for i in range(n)
    )
    Booking.objects.bulk_create(Booking(slot=s, mentor=mentor, mentee=mentee) for s in slots)


QUERIES_STATS = 20


def test_the_stats_page_query_count_does_not_grow_with_bookings(client, staff):
    client.force_login(staff)
    client.get(reverse("home"))  # the session's first staff request notes the time (idle sign-out): not counted

    def count(n):
        _bulk_bookings(n)
        cache.clear()  # measure the computed page, not the cached one
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("dashboard:stats")).status_code == 200
        return len(ctx.captured_queries)

    # session, user, MFA check, the role's permissions (2), the four figure groups, two chart series, top
    # mentors, the two money figures and the two money series, the average rating, the mailing totals (2), the
    # header's unread counts
    assert count(10) == count(1000) == QUERIES_STATS


# --- Access: the whole matrix ---

GET_URLS = [
    ("dashboard:stats", None),
    ("dashboard:people", None),
    ("dashboard:person_detail", "person"),
    ("dashboard:mentor_edit", "mentor"),
    ("dashboard:person_role", "person"),
    ("dashboard:person_deactivate", "person"),
    ("dashboard:slots", None),
    ("dashboard:slot_edit", "slot"),
    ("dashboard:slot_delete", "slot"),
    ("dashboard:booking_create", "slot"),
    ("dashboard:bookings", None),
    ("dashboard:bookings_export", None),
    ("dashboard:booking_detail", "booking"),
    ("dashboard:booking_cancel", "booking"),
    ("dashboard:mail", None),
    ("dashboard:payments", None),
    ("dashboard:maintenance", None),
    ("dashboard:support", None),
]
POST_URLS = [
    ("dashboard:person_role", "person"),
    ("dashboard:person_deactivate", "person"),
    ("dashboard:slot_create", "mentor"),
    ("dashboard:slot_bulk_create", "mentor"),
    ("dashboard:slot_delete", "slot"),
    ("dashboard:booking_cancel", "booking"),
    ("dashboard:mail_retry", "email"),
]


@pytest.fixture
def objects():
    booking = BookingFactory()
    return {
        "person": booking.mentee,
        "mentor": booking.slot.mentor,
        "slot": SlotFactory(),
        "booking": booking,
        "email": Email.objects.create(
            from_email="a@example.com", to=["z@example.com"], subject="s", status=STATUS.failed
        ),
    }


def _url(name, arg, objects):
    return reverse(name, args=[objects[arg].pk] if arg else [])


@pytest.mark.parametrize(("method", "name", "arg"), [("get", *u) for u in GET_URLS] + [("post", *u) for u in POST_URLS])
@pytest.mark.parametrize("who", ["anonymous", "mentee", "mentor"])
def test_only_staff_can_reach_any_dashboard_url(client, objects, method, name, arg, who):
    if who != "anonymous":
        client.force_login(objects["person"] if who == "mentee" else objects["mentor"])
    before = (Slot.objects.count(), Booking.objects.filter(status="confirmed").count(), objects["person"].is_active)

    response = getattr(client, method)(_url(name, arg, objects))

    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
        assert "Access denied" in response.content.decode()
    objects["person"].refresh_from_db()
    assert (
        Slot.objects.count(),
        Booking.objects.filter(status="confirmed").count(),
        objects["person"].is_active,
    ) == before


@pytest.mark.parametrize(("role", "home"), [("Manager", None), ("Support", "dashboard:support")])
def test_dashboard_sends_a_role_that_does_not_see_the_figures_to_its_own_first_page(client, role, home):
    client.force_login(staff_member(role))
    response = client.get(reverse("dashboard:stats"))
    if home is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"] == reverse(home)
        assert f'href="{reverse(home)}">Dashboard<' in client.get(response["Location"]).content.decode()


def test_a_refused_staff_member_is_told_which_role_the_page_needs(client, objects):
    client.force_login(staff_member("Support"))
    page = client.get(reverse("dashboard:slots")).content.decode()
    assert "Your staff role does not allow this. It needs the role: Manager / Admin." in page
    client.force_login(objects["person"])  # not staff: no roles named
    page = client.get(reverse("dashboard:slots")).content.decode()
    assert "This page is for staff only." in page and "Manager" not in page


def test_staff_with_no_dashboard_page_at_all_are_refused(client):
    client.force_login(staff_member(None))  # staff without a role
    assert client.get(reverse("dashboard:stats")).status_code == 403


@pytest.mark.parametrize(("name", "arg"), GET_URLS)
def test_staff_can_open_every_dashboard_page(client, staff, objects, name, arg):
    client.force_login(staff)
    assert client.get(_url(name, arg, objects)).status_code == 200


@pytest.mark.parametrize("name", ["dashboard:slot_create", "dashboard:slot_bulk_create", "dashboard:mail_retry"])
def test_state_changing_actions_refuse_get(client, staff, objects, name):
    client.force_login(staff)
    arg = "email" if name == "dashboard:mail_retry" else "mentor"
    assert client.get(_url(name, arg, objects)).status_code == 405


# --- Management ---


def test_staff_find_mentors_by_search_and_topic(client, staff):
    MentorFactory(first_name="Findable", last_name="Person", email="findme@example.com")
    MentorFactory(first_name="Other")
    client.force_login(staff)
    response = client.get(reverse("dashboard:people"), {"query": "findme", "role": "mentor"})
    assert [p.first_name for p in response.context["page"].object_list] == ["Findable"]


def test_the_mentor_role_cannot_be_removed_while_bookings_are_upcoming(client, staff):
    booking = BookingFactory()
    mentor = booking.slot.mentor
    client.force_login(staff)
    url = reverse("dashboard:person_role", args=[mentor.pk])

    response = client.post(url, follow=True)
    assert "has upcoming bookings" in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.is_mentor

    client.post(reverse("dashboard:booking_cancel", args=[booking.pk]), {"reason": "Mentor leaving"})
    client.post(url)
    mentor.refresh_from_db()
    assert not mentor.is_mentor


def test_staff_make_a_mentee_a_mentor_and_deactivate_a_user(client, staff, mentee):
    client.force_login(staff)
    assert "Make" in client.get(reverse("dashboard:person_role", args=[mentee.pk])).content.decode()
    client.post(reverse("dashboard:person_role", args=[mentee.pk]))
    mentee.refresh_from_db()
    assert mentee.is_mentor and mentee.mentor_profile.slug
    client.post(reverse("dashboard:person_deactivate", args=[mentee.pk]))
    mentee.refresh_from_db()
    assert not mentee.is_active


def test_staff_edit_a_mentor_profile(client, staff, mentor):
    client.force_login(staff)
    client.post(
        reverse("dashboard:mentor_edit", args=[mentor.pk]),
        {"headline": "New headline", "years_experience": 3, "price": "40", "session_minutes": 60},
    )
    mentor.mentor_profile.refresh_from_db()
    assert mentor.mentor_profile.headline == "New headline"
    emptied = client.post(
        reverse("dashboard:mentor_edit", args=[mentor.pk]),
        {"headline": "", "years_experience": 3, "price": "40", "session_minutes": 60},
        follow=True,
    ).content.decode()
    assert f"{mentor.display_name} is not listed in the directory; the profile lacks: a headline" in emptied


@time_machine.travel(NOW, tick=False)
def test_staff_create_move_and_delete_slots_with_the_same_rules(client, staff, mentor):
    client.force_login(staff)
    day = (NOW + dt.timedelta(days=14)).date().isoformat()
    client.post(
        reverse("dashboard:slot_bulk_create", args=[mentor.pk]),
        {
            "weekdays": [str(i) for i in range(7)],
            "first_day": day,
            "weeks": "1",
            "day_start": "09:00",
            "day_end": "11:00",
            "session_minutes": "60",
            "buffer_minutes": "0",
        },
    )
    assert Slot.objects.filter(mentor=mentor).count() == 14
    first, second = Slot.objects.filter(mentor=mentor).order_by("start")[:2]
    one = {"date": day, "start_time": "09:30", "duration": "60"}
    clash = client.post(reverse("dashboard:slot_create", args=[mentor.pk]), one, follow=True).content.decode()
    assert f"This time overlaps one of {mentor.display_name}’s slots." in html.unescape(clash)  # not "yours"
    one["start_time"] = "13:00"
    added = client.post(reverse("dashboard:slot_create", args=[mentor.pk]), one, follow=True).content.decode()
    assert "The slot is published: " in added and ", 13:00, " in added and mentor.timezone.replace("_", " ") in added
    Slot.objects.filter(mentor=mentor, start__gt=first.start + dt.timedelta(hours=3)).filter(
        start__date=first.start.date()
    ).delete()

    overlap = client.post(
        reverse("dashboard:slot_edit", args=[first.pk]),
        {"date": day, "start_time": "10:30", "duration": "60"},
        follow=True,
    )
    assert "overlaps" in overlap.content.decode()
    client.post(reverse("dashboard:slot_edit", args=[first.pk]), {"date": day, "start_time": "07:00", "duration": "60"})
    first.refresh_from_db()
    assert first.start.astimezone(dt.timezone(dt.timedelta(hours=2))).hour == 7

    page = client.post(reverse("dashboard:slot_delete", args=[second.pk]), follow=True).content.decode()
    assert not Slot.objects.filter(pk=second.pk).exists() and "The slot has been deleted." in page

    # Deleted, the next publish would bring it back. Its own time, well clear of the slots made above
    # (the factory's hourly sequence lands on them when other tests ran first).
    weekly = SlotFactory(mentor=mentor, from_weekly_hours=True, start=NOW + dt.timedelta(days=30))
    page = client.post(reverse("dashboard:slot_delete", args=[weekly.pk]), follow=True).content.decode()
    weekly.refresh_from_db()
    assert weekly.status == Slot.Status.HIDDEN and "so it is hidden instead" in page


def test_staff_book_for_a_mentee_and_cancel_it_and_both_sides_are_emailed(client, staff, mentee):
    slot = SlotFactory(mentor=MentorFactory(profile__is_free=True, profile__price=0))
    client.force_login(staff)

    bad = client.post(reverse("dashboard:booking_create", args=[slot.pk]), {"mentee_email": "nobody@example.com"})
    assert "no active user" in bad.content.decode()
    own = client.post(reverse("dashboard:booking_create", args=[slot.pk]), {"mentee_email": slot.mentor.email})
    assert "That is this slot&#x27;s mentor." in own.content.decode()
    client.post(reverse("dashboard:booking_create", args=[slot.pk]), {"mentee_email": mentee.email.upper()})
    booking = Booking.objects.get()
    assert booking.mentee == mentee
    event = Event.objects.get(action=Event.Action.BOOKING_CREATE)  # staff acting for someone: in the audit log
    assert (event.actor, event.target_id) == (staff, str(booking.pk))

    client.post(reverse("dashboard:booking_cancel", args=[booking.pk]), {"reason": "Staff decision"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by == staff
    cancelled = queued("cancellation")
    assert sorted(e.to[0] for e in cancelled) == sorted([mentee.email, slot.mentor.email])
    assert "Staff decision" in rendered(cancelled[0]).body


def test_staff_booking_for_a_blocked_pair_are_told_in_staffs_words(client, staff, mentee):
    from messaging.models import Conversation

    slot = SlotFactory(mentor=MentorFactory(profile__is_free=True, profile__price=0))
    Conversation.objects.create(mentor=slot.mentor, mentee=mentee, mentee_blocks=True, created_at=timezone.now())
    client.force_login(staff)
    page = client.post(reverse("dashboard:booking_create", args=[slot.pk]), {"mentee_email": mentee.email}, follow=True)
    text = page.content.decode()
    assert "One of this client and this mentor blocks the other" in text and "You cannot book" not in text
    assert not Booking.objects.exists()


@pytest.mark.parametrize("for_themselves", [False, True])
def test_staff_cannot_book_a_paid_mentors_session_for_someone_without_payment(client, staff, mentee, for_themselves):
    slot = SlotFactory()  # the mentor charges $50
    client.force_login(staff)
    email = staff.email if for_themselves else mentee.email  # not even for themselves: they pay at the checkout
    page = client.post(reverse("dashboard:booking_create", args=[slot.pk]), {"mentee_email": email}, follow=True)
    assert "This mentor&#x27;s sessions are paid" in page.content.decode()
    assert not Booking.objects.exists() and not Event.objects.exists()
    slot.refresh_from_db()
    assert slot.status == Slot.Status.AVAILABLE


def test_the_booking_list_filters_and_exports_csv(client, staff):
    keep = BookingFactory(mentee=UserFactory(email="keep@example.com"))
    BookingFactory(mentee=UserFactory(email="drop@example.com"))
    client.force_login(staff)

    listed = client.get(reverse("dashboard:bookings"), {"mentee": "keep"})
    assert list(listed.context["page"].object_list) == [keep]

    export = client.get(reverse("dashboard:bookings_export"), {"mentee": "keep"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "id" and len(rows) == 2
    assert rows[1][0] == str(keep.pk) and rows[1][7] == "keep@example.com"
    assert b"".join(client.get(reverse("dashboard:bookings_export")).streaming_content).startswith(
        "\ufeff".encode()
    )  # a BOM: Excel reads the names as UTF-8


def test_the_csv_export_says_who_did_not_come(client, staff):
    ago = timezone.now() - dt.timedelta(hours=3)
    missed = BookingFactory(slot__start=ago, no_show=Booking.NoShow.MENTEE, no_show_at=ago + dt.timedelta(hours=1))
    client.force_login(staff)
    export = client.get(reverse("dashboard:bookings_export"))
    rows = {row[0]: row for row in csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")))}
    assert rows[str(missed.pk)][1] == "no_show_mentee"  # not "confirmed"


def test_staff_retry_failed_mail_from_the_delivery_log(client, staff):
    email = Email.objects.create(from_email="a@example.com", to=["z@example.com"], subject="s", status=STATUS.failed)
    client.force_login(staff)
    assert "Retry" in client.get(reverse("dashboard:mail")).content.decode()
    first = client.post(reverse("dashboard:mail_retry", args=[email.pk]), follow=True)
    assert "queued for another attempt" in first.content.decode()
    email.refresh_from_db()
    assert email.status == STATUS.requeued
    again = client.post(reverse("dashboard:mail_retry", args=[email.pk]), follow=True)  # not failed now
    assert "Only a failed email can be retried" in again.content.decode()
    assert "queued for another attempt" not in again.content.decode()


def test_staff_find_a_recipients_mail_in_the_delivery_log_within_a_status(client, staff):
    for address, status in (("olena@example.com", STATUS.failed), ("OLENA@example.com", STATUS.sent)):
        Email.objects.create(from_email="a@example.com", to=[address], subject="s", status=status)
    Email.objects.create(from_email="a@example.com", to=["petro@example.com"], subject="s", status=STATUS.failed)
    client.force_login(staff)

    def recipients(**params):
        page = client.get(reverse("dashboard:mail"), params)
        return sorted(email.to[0] for email in page.context["page"].object_list), page.content.decode()

    assert recipients(to="olena")[0] == ["OLENA@example.com", "olena@example.com"]  # any case
    found, page = recipients(to="olena", status="1")
    assert found == ["olena@example.com"]
    assert 'href="?status=0&amp;to=olena"' in page  # the status links keep the search
    assert recipients(to="nobody")[0] == []
    assert len(recipients(to="x" * 300, status="<b>")[0]) == 3  # too long, and not a status: both ignored


def test_the_figures_are_recomputed_after_a_booking(client, staff, mentee, django_capture_on_commit_callbacks):
    from schedule import services

    slot = SlotFactory()
    client.force_login(staff)
    before = client.get(reverse("dashboard:stats")).context["stats"]["bookings"]["total"]
    cached = client.get(reverse("dashboard:stats"))
    assert cached.context.get("stats") is None  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(slot_id=slot.pk, mentee=mentee)
    assert client.get(reverse("dashboard:stats")).context["stats"]["bookings"]["total"] == before + 1


def test_the_delivery_log_shows_a_failed_messages_whole_server_reply(client, staff, mentee):
    from post_office.models import Log

    from schedule import services

    reply = "550 5.1.1 <z@example.com>: Recipient address rejected: " + "user unknown in virtual mailbox table " * 4
    booking = services.booking_create(slot_id=SlotFactory().pk, mentee=mentee)
    email = Email.objects.filter(to=[mentee.email]).get()
    email.status = STATUS.failed
    email.save(update_fields=["status"])
    Log.objects.create(email=email, status=STATUS.failed, message=reply)
    client.force_login(staff)

    page = client.get(reverse("dashboard:mail")).content.decode()

    assert reply.strip().replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Booking confirmation" in page and f"booking #{booking.pk}" not in page  # kind, not the placeholder


@time_machine.travel(NOW, tick=False)
def test_the_staff_slot_list_starts_at_today_unless_asked_otherwise(client, staff):
    past = SlotFactory(start=NOW - dt.timedelta(days=3), end=NOW - dt.timedelta(days=3, hours=-1))
    ahead = SlotFactory(start=NOW + dt.timedelta(days=3), end=NOW + dt.timedelta(days=3, hours=1))
    client.force_login(staff)

    shown = list(client.get(reverse("dashboard:slots")).context["page"].object_list)
    everything = list(client.get(reverse("dashboard:slots"), {"date_from": ""}).context["page"].object_list)

    assert shown == [ahead]
    assert set(everything) == {past, ahead}
    until = (past.start + dt.timedelta(days=1)).date().isoformat()
    response = client.get(reverse("dashboard:slots"), {"date_to": until})  # a past "To" alone: the past up to it
    assert list(response.context["page"].object_list) == [past]
    assert "before the “From” date" not in response.content.decode()
    week = (ahead.start + dt.timedelta(days=1)).date().isoformat()
    assert list(client.get(reverse("dashboard:slots"), {"date_to": week}).context["page"].object_list) == [ahead]
    assert list(client.get(reverse("dashboard:slots"), {"date_to": ""}).context["page"].object_list) == [ahead]


def test_the_csv_export_never_hands_a_spreadsheet_a_formula(client, staff):
    BookingFactory(note='=HYPERLINK("http://evil.example")', mentee=UserFactory(first_name="+cmd", last_name=""))
    client.force_login(staff)
    export = client.get(reverse("dashboard:bookings_export"))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[1][8] == '\'=HYPERLINK("http://evil.example")' and rows[1][6] == "'+cmd"


FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\rcmd", " =1+1", "\n\t @SUM(A1)", "  -2"]
PLAIN = ["Career advice", "1+1=2", "a=b", "email me @ noon", " plain", ""]


def test_the_csv_export_neutralises_every_formula_start_also_after_whitespace(client, staff):
    for note in FORMULAS + PLAIN:
        BookingFactory(note=note)
    BookingFactory(note="from a formula address", mentee=UserFactory(email="=cmd@example.com", first_name="@Eve"))
    client.force_login(staff)

    export = client.get(reverse("dashboard:bookings_export"))

    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"), newline="")))
    notes = {row["note"] for row in rows}
    assert {f"'{formula}" for formula in FORMULAS} <= notes
    assert set(PLAIN) <= notes
    [eve] = [row for row in rows if row["note"] == "from a formula address"]
    assert (eve["mentee_email"], eve["mentee"].startswith("'@Eve")) == ("'=cmd@example.com", True)


# --- Staff roles ---


def test_an_admin_gives_and_takes_a_staff_role_and_it_is_in_the_audit_log(client, staff):
    from audit.models import Event

    person = UserFactory()
    client.force_login(staff)
    url = reverse("dashboard:person_staff_role", args=[person.pk])

    client.post(url, {"role": "Manager"})
    person.refresh_from_db()
    assert person.is_staff and [g.name for g in person.groups.all()] == ["Manager"]
    client.post(url, {"role": "Support"})  # one role at a time
    person.refresh_from_db()
    assert [g.name for g in person.groups.all()] == ["Support"]
    client.post(url, {"role": ""})
    person.refresh_from_db()
    assert not person.is_staff and not person.groups.exists()

    assert [e.changes["staff_role"] for e in Event.objects.filter(action=Event.Action.PERSON_ROLE).order_by("pk")] == [
        ["", "Manager"],
        ["Manager", "Support"],
        ["Support", ""],
    ]


@pytest.mark.parametrize("case", ["own", "superuser", "unknown"])
def test_a_staff_role_change_that_is_not_allowed_says_why_and_changes_nothing(client, staff, case):
    from django.contrib.auth.models import Group

    person = {"own": staff, "superuser": UserFactory(is_superuser=True, is_staff=True), "unknown": UserFactory()}[case]
    groups_before = set(person.groups.values_list("name", flat=True))
    client.force_login(staff)
    response = client.post(
        reverse("dashboard:person_staff_role", args=[person.pk]),
        {"role": "Root" if case == "unknown" else "Support"},
        follow=True,
    )
    person.refresh_from_db()
    assert set(person.groups.values_list("name", flat=True)) == groups_before
    message = {
        "own": "You cannot change your own staff role.",
        "superuser": "Only a superuser can change a superuser&#x27;s role.",
        "unknown": "Choose one of the staff roles.",
    }[case]
    assert message in response.content.decode()
    assert Group.objects.filter(name="Support").exists()


def test_the_role_picker_shows_the_current_role_to_those_who_may_change_it(client, staff):
    from accounts.tests.factories import staff_member

    person = staff_member("Manager")
    client.force_login(staff)
    page = client.get(reverse("dashboard:person_detail", args=[person.pk])).content.decode()
    assert 'value="Manager" selected' in page
    client.force_login(staff_member("Manager"))
    page = client.get(reverse("dashboard:person_detail", args=[person.pk])).content.decode()
    assert "staff-role" not in page


def test_the_people_list_names_each_staff_role_and_blocked_or_deleted_people(client, staff):
    from accounts.tests.factories import staff_member

    UserFactory(first_name="Plain", last_name="Mentee")
    staff_member("Support", first_name="Samwise", last_name="Support")
    UserFactory(first_name="Blocked", last_name="Person", is_active=False)
    UserFactory(first_name="Gone", last_name="Person", is_active=False, deleted_at=NOW)
    client.force_login(staff)

    def rows(**params):
        response = client.get(reverse("dashboard:people"), params)
        text = re.sub(r"\s+", " ", response.content.decode())
        return response.context["page"].object_list, text

    people, page = rows(query="Samwise")
    assert [p.first_name for p in people] == ["Samwise"]
    assert "Staff: Support" in page and ">Mentee<" not in page  # staff are not counted as mentees
    people, _ = rows(role="mentee")
    assert {p.first_name for p in people} == {"Plain", "Blocked", "Gone"}
    people, page = rows(role="blocked")
    assert [p.first_name for p in people] == ["Blocked"]  # a deleted account is not a blocked one
    assert ">Blocked<" in page and "Inactive" not in page
    _, page = rows(query="Gone")
    assert ">Deleted<" in page


def test_the_people_list_asks_a_fixed_number_of_queries_for_ten_people_or_forty(client, staff):
    from accounts.tests.factories import staff_member

    client.force_login(staff)
    url = reverse("dashboard:people")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(3):
        MentorFactory(), staff_member("Manager", mfa=False)
    count()  # the first page of a session also reads what the session keeps once
    # session, user, the role's permissions (2), the topics of the filter, the count, the header's counts,
    # the page of people with their profiles, their topics, their staff roles
    assert count() == 10
    for _ in range(10):
        MentorFactory(), staff_member("Support", mfa=False), UserFactory()
    assert count() == 10


def test_a_blocked_person_is_not_offered_the_mentor_role_and_cannot_be_given_it(client, staff):
    person = UserFactory(is_active=False)
    client.force_login(staff)
    page = client.get(reverse("dashboard:person_detail", args=[person.pk])).content.decode()
    assert "Make mentor" not in page and "Unblock account" in page

    response = client.post(reverse("dashboard:person_role", args=[person.pk]), follow=True)
    assert "Unblock them before making them a mentor" in response.content.decode()
    person.refresh_from_db()
    assert not person.is_mentor


def test_the_403_page_says_only_our_own_words_never_a_library_s(rf):
    from django.core.exceptions import PermissionDenied

    from core.http import Refusal
    from mentorship_platform.views import permission_denied

    request = rf.get("/")
    request.user = staff_member(None)
    theirs = permission_denied(request, PermissionDenied("No CSRF token in Cookie.")).content.decode()
    ours = permission_denied(request, Refusal("This page is for staff only.")).content.decode()
    assert "No CSRF token" not in theirs and "You do not have permission to open this page." in theirs
    assert "This page is for staff only." in ours


def test_a_person_s_page_lists_their_own_sessions_as_client_and_as_mentor(client, staff):
    anna = UserFactory(email="a@x.example")
    other = UserFactory(email="anna@x.example")  # holds "a@x.example"'s letters, not its sessions
    mine = BookingFactory(mentee=anna)
    BookingFactory(mentee=other)
    client.force_login(staff)
    url = reverse("dashboard:person_detail", args=[anna.pk])
    page = client.get(url).content.decode()
    linked = re.findall(r'href="(/dashboard/bookings/\d+/)"', page)
    assert linked == [reverse("dashboard:booking_detail", args=[mine.pk])]

    anna.is_mentor = True
    anna.save()
    taught = BookingFactory(slot__mentor=anna)
    page = client.get(url).content.decode()
    assert "Booked as a client" in page and "Upcoming sessions" in page
    for booking in (mine, taught):
        assert reverse("dashboard:booking_detail", args=[booking.pk]) in page


def test_staff_are_not_offered_what_would_only_be_refused(client, staff):
    paid = MentorFactory(profile__price=60)
    free = MentorFactory(profile__price=0, profile__is_free=True)
    paid_slot, free_slot = SlotFactory(mentor=paid), SlotFactory(mentor=free)
    client.force_login(staff)
    page = client.get(reverse("dashboard:slots")).content.decode()
    assert reverse("dashboard:booking_create", args=[free_slot.pk]) in page
    assert reverse("dashboard:booking_create", args=[paid_slot.pk]) not in page  # the client books and pays

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff_member("Manager"))
    page = client.get(reverse("dashboard:person_detail", args=[superuser.pk])).content.decode()
    assert reverse("dashboard:person_deactivate", args=[superuser.pk]) not in page


def test_nobody_blocks_or_unblocks_someone_of_the_same_or_a_higher_role(client):
    from accounts.services import AccountError, user_deactivate, user_reactivate

    manager, admin_ = staff_member("Manager"), staff_member("Admin")
    for person in (admin_, staff_member("Manager")):
        client.force_login(manager)
        page = client.get(reverse("dashboard:person_detail", args=[person.pk])).content.decode()
        assert reverse("dashboard:person_deactivate", args=[person.pk]) not in page
        client.post(reverse("dashboard:person_deactivate", args=[person.pk]))
        person.refresh_from_db()
        assert person.is_active
        with pytest.raises(AccountError, match="higher staff role"):
            user_deactivate(user=person, by=manager)
    support = staff_member("Support")
    user_deactivate(user=support, by=manager)  # a lower role: yes
    user_deactivate(user=staff_member("Manager", mfa=False), by=admin_)
    blocked_admin = staff_member("Admin", mfa=False)
    user_deactivate(user=blocked_admin, by=UserFactory(is_staff=True, is_superuser=True))
    with pytest.raises(AccountError, match="higher staff role"):
        user_reactivate(user=blocked_admin, by=manager)


def test_someone_leaving_reads_leaving_with_the_date_not_blocked_and_has_no_unblock_button(client, staff):
    from accounts.services import account_deletion_request

    person = UserFactory(first_name="Leaving")
    deletion = account_deletion_request(user=person)
    client.force_login(staff)
    page = client.get(reverse("dashboard:person_detail", args=[person.pk])).content.decode()
    assert "Leaving: deleted on" in page and ">Blocked<" not in page
    assert reverse("dashboard:person_reactivate", args=[person.pk]) not in page
    listed = client.get(reverse("dashboard:people"), {"role": "blocked"}).context["page"].object_list
    assert person not in listed and deletion.due_at
