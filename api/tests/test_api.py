"""
Every endpoint for anonymous, owner, another user and staff; writes through the site's services, so
its rules and messages hold; errors are JSON with a code and a translated message.
"""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import ListedMentorFactory, MentorFactory, UserFactory, staff_member
from api.models import Token
from api.services import token_create
from notifications.services import notify
from schedule.models import Booking, Slot
from schedule.tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db


def soon(days=2, hour=10):
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def free_mentor():
    mentor = ListedMentorFactory(
        first_name="Seán O'Brien", last_name="& <Co>", profile__price=0, profile__is_free=True, listed__start=soon(3)
    )
    return mentor


@pytest.fixture
def paid_mentor():
    return ListedMentorFactory(profile__price=Decimal("40.00"), listed__start=soon(4))


def free_slot(mentor, days=3, hour=14):
    return SlotFactory(mentor=mentor, start=soon(days, hour), end=soon(days, hour) + dt.timedelta(hours=1))


# --- Mentors and availability: open to everyone ---


def test_anyone_lists_mentors_with_the_directorys_filters(api, free_mentor, paid_mentor):
    MentorFactory()  # not listed: no topic, no free time
    body = api.get(reverse("api:mentor-list")).json()
    assert body["count"] == 2 and {m["slug"] for m in body["results"]} == {
        free_mentor.mentor_profile.slug,
        paid_mentor.mentor_profile.slug,
    }
    cheap = api.get(reverse("api:mentor-list"), {"price_max": "10"}).json()
    assert [m["slug"] for m in cheap["results"]] == [free_mentor.mentor_profile.slug]
    assert cheap["results"][0]["name"] == "Seán O'Brien & <Co>"  # JSON, not HTML: nothing escaped
    assert cheap["results"][0]["next_free_slot"] is not None


def test_a_mentors_page_and_an_unknown_one(api, free_mentor):
    slug = free_mentor.mentor_profile.slug
    assert api.get(reverse("api:mentor-detail", args=[slug])).json()["topics"] == [
        {"slug": "careers", "name": "Careers"}
    ]
    response = api.get(reverse("api:mentor-detail", args=["nobody"]))
    assert response.status_code == 404 and response.json() == {"code": "not_found", "message": "Not found."}


def test_availability_is_given_in_the_zone_asked_for(api, free_mentor):
    slot = free_slot(free_mentor)
    url = reverse("api:mentor-availability", args=[free_mentor.mentor_profile.slug])
    body = api.get(url, {"tz": "America/New_York", "days": 31}).json()
    assert slot.pk in [s["id"] for s in body]
    shown = next(s for s in body if s["id"] == slot.pk)
    assert dt.datetime.fromisoformat(shown["start"]) == slot.start
    assert shown["start"].endswith(("-05:00", "-04:00"))


@pytest.mark.parametrize(
    "params",
    [
        {"tz": "Mars/Olympus"},
        {"days": "0"},
        {"days": "10**100"},
        {"days": "99999999999999999999"},
        {"start": "0001-01-01"},
        {"start": "9999-12-31"},
        {"tz": "x" * 100_000},
    ],
)
def test_bad_availability_questions_get_a_clear_error(api, free_mentor, params):
    url = reverse("api:mentor-availability", args=[free_mentor.mentor_profile.slug])
    response = api.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] and body["message"] == "Some values are not valid." and set(body["fields"]) <= set(params)


# --- Bookings ---


def test_booking_needs_a_sign_in(api, free_mentor):
    response = api.post(reverse("api:booking-list"), {"slot": free_slot(free_mentor).pk}, format="json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert not Booking.objects.exists()


def test_a_mentee_books_a_free_mentor_at_once(as_user, free_mentor, mentee):
    slot = free_slot(free_mentor)
    response = as_user(mentee).post(
        reverse("api:booking-list"), {"slot": slot.pk, "note": "Careers & <CVs>"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed" and body["note"] == "Careers & <CVs>" and body["meeting_url"]
    assert body["checkout_url"] is None
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.BOOKED


def test_a_paid_mentors_time_is_held_for_the_payment(as_user, paid_mentor, mentee):
    slot = free_slot(paid_mentor, days=5)
    body = as_user(mentee).post(reverse("api:booking-list"), {"slot": slot.pk}, format="json").json()
    assert body["status"] == "pending" and body["hold_expires_at"]
    assert body["checkout_url"].endswith(reverse("payments:checkout", args=[body["id"]]))
    assert body["price"] == "40.00"


def test_a_held_time_is_given_up_by_cancelling_it_and_reads_expired_after(as_user, paid_mentor, mentee):
    slot = free_slot(paid_mentor, days=5)
    client = as_user(mentee)
    held = client.post(reverse("api:booking-list"), {"slot": slot.pk}, format="json").json()
    move = client.post(reverse("api:booking-reschedule", args=[held["id"]]), {"slot": slot.pk}, format="json")
    assert move.status_code == 409 and move.json()["code"] == "held"  # not "cancelled"
    assert "pay for it, or give it up" in move.json()["message"]

    response = client.post(reverse("api:booking-cancel", args=[held["id"]]), {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "expired"
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.AVAILABLE  # free again at once
    assert client.get(reverse("api:booking-detail", args=[held["id"]])).json()["status"] == "expired"
    again = client.post(reverse("api:booking-cancel", args=[held["id"]]), {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "expired"


def test_a_retried_booking_request_answers_with_the_booking_it_made_not_taken(as_user, free_mentor, mentee):
    slot = free_slot(free_mentor)
    client = as_user(mentee)
    first = client.post(reverse("api:booking-list"), {"slot": slot.pk}, format="json")
    again = client.post(reverse("api:booking-list"), {"slot": slot.pk}, format="json")  # the answer was lost
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and Booking.objects.count() == 1


def test_a_retried_hold_request_answers_with_the_hold_until_it_runs_out(as_user, paid_mentor, mentee, settings):
    slot = free_slot(paid_mentor, days=5)
    client = as_user(mentee)
    first = client.post(reverse("api:booking-list"), {"slot": slot.pk}, format="json").json()
    again = client.post(reverse("api:booking-list"), {"slot": slot.pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first["id"] and again.json()["status"] == "pending"
    Booking.objects.filter(pk=first["id"]).update(hold_expires_at=timezone.now() - dt.timedelta(minutes=1))
    later = client.post(reverse("api:booking-list"), {"slot": slot.pk}, format="json")  # run out, not yet swept
    assert later.status_code != 200  # never the hold that ran out: a new one (201) or a refusal


def test_a_taken_slot_is_refused_with_the_sites_message(as_user, free_mentor, mentee):
    slot = free_slot(free_mentor)
    BookingFactory(slot=slot)
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.BOOKED)
    response = as_user(mentee).post(reverse("api:booking-list"), {"slot": slot.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] in ("taken", "unavailable")


def test_the_message_is_in_the_token_owners_language(as_user, free_mentor):
    mentee = UserFactory(language="uk")
    slot = free_slot(free_mentor)
    BookingFactory(slot=slot)
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.BOOKED)
    body = as_user(mentee).post(reverse("api:booking-list"), {"slot": slot.pk}, format="json").json()
    assert body["message"] and not body["message"].isascii()


@pytest.mark.parametrize("slot", ["", "abc", "-1", "0", str(10**30), "<b>1</b>", "1\x00"])
def test_a_hostile_slot_id_is_a_clear_error_and_books_nothing(as_user, mentee, slot):
    response = as_user(mentee).post(reverse("api:booking-list"), {"slot": slot}, format="json")
    assert response.status_code == 400 and "slot" in response.json()["fields"]
    assert not Booking.objects.exists()


def test_my_bookings_hold_mine_only_and_anothers_is_a_404(as_user, mentee):
    mine, theirs = BookingFactory(mentee=mentee), BookingFactory()
    client = as_user(mentee)
    assert [b["id"] for b in client.get(reverse("api:booking-list")).json()["results"]] == [mine.pk]
    assert client.get(reverse("api:booking-detail", args=[mine.pk])).status_code == 200
    for name in ("api:booking-detail", "api:booking-cancel", "api:booking-reschedule"):
        method = client.get if name == "api:booking-detail" else client.post
        assert method(reverse(name, args=[theirs.pk]), {"slot": 1}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED


def test_the_mentor_sees_the_booking_too(as_user):
    booking = BookingFactory()
    body = as_user(booking.mentor).get(reverse("api:booking-list")).json()
    assert [b["id"] for b in body["results"]] == [booking.pk]


def test_cancel_and_reschedule_go_through_the_services(as_user, free_mentor, mentee):
    client = as_user(mentee)
    first, second = free_slot(free_mentor, hour=14), free_slot(free_mentor, hour=16)
    booking = client.post(reverse("api:booking-list"), {"slot": first.pk}, format="json").json()
    moved = client.post(reverse("api:booking-reschedule", args=[booking["id"]]), {"slot": second.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["start"] == second.start.isoformat().replace("+00:00", "Z")
    assert Slot.objects.get(pk=first.pk).status == Slot.Status.AVAILABLE
    cancelled = client.post(reverse("api:booking-cancel", args=[booking["id"]]), {"reason": "Ill"}, format="json")
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_reason"] == "Ill"
    again = client.post(reverse("api:booking-cancel", args=[booking["id"]]), {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_cancelled"


def test_a_huge_booking_id_in_the_path_is_a_404_not_a_500(as_user, mentee):
    response = as_user(mentee).get("/api/v1/bookings/99999999999999999999999/")
    assert response.status_code == 404


def test_staff_see_only_their_own_bookings_through_the_api(as_user):
    BookingFactory()
    assert as_user(staff_member("Admin")).get(reverse("api:booking-list")).json()["count"] == 0


# --- Tokens: scope, revoking, blocking ---


def test_a_read_only_token_reads_but_cannot_book(as_user, free_mentor, mentee):
    client = as_user(mentee, scope="read")
    assert client.get(reverse("api:booking-list")).status_code == 200
    response = client.post(reverse("api:booking-list"), {"slot": free_slot(free_mentor).pk}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Booking.objects.exists()


def test_a_revoked_token_or_a_blocked_owner_is_refused(api, mentee):
    from api import services

    token, key = services.token_create(user=mentee, name="Script", scope="read")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get(reverse("api:me")).status_code == 200
    services.token_revoke(token=token)
    assert api.get(reverse("api:me")).status_code == 401

    _token, key = services.token_create(user=mentee, name="Other", scope="read")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    assert api.get(reverse("api:me")).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer a b", "Bearer mtp_nope", "Bearer \u00e9\u00e9", "Bearer " + "x" * 10_000]
)
def test_a_bad_authorization_header_is_a_401(api, header):
    response = api.get(reverse("api:me"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_only_the_hash_of_a_token_is_stored(mentee):
    from api import services

    token, key = services.token_create(user=mentee, name="Script", scope="read")
    assert key.startswith("mtp_") and len(key) > 40
    assert key not in (token.key_hash, token.prefix) and token.key_hash == services.token_hash(key)
    assert Token.objects.filter(key_hash=services.token_hash(key)).exists()


def test_using_a_token_notes_when_without_writing_on_every_request(as_user, mentee, django_assert_num_queries):
    client = as_user(mentee)
    client.get(reverse("api:me"))
    with django_assert_num_queries(1):  # the token and its owner, in one query; no "last used" update
        client.get(reverse("api:me"))
    assert Token.objects.get(user=mentee).last_used_at is not None


def test_the_session_works_for_the_sites_own_scripts_with_csrf(mentee, free_mentor):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(mentee)
    assert client.get(reverse("api:booking-list")).status_code == 200
    response = client.post(reverse("api:booking-list"), {"slot": free_slot(free_mentor).pk}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["message"]


# --- Notifications and profile ---


def test_notifications_list_and_mark_read_mine_only(as_user, mentee):
    other = UserFactory()
    mine = notify(recipient=mentee, kind="booking_created", params={"name": "Max", "start": timezone.now().isoformat()})
    theirs = notify(
        recipient=other, kind="booking_created", params={"name": "Max", "start": timezone.now().isoformat()}
    )
    client = as_user(mentee)
    assert [n["id"] for n in client.get(reverse("api:notification-list")).json()["results"]] == [mine.pk]
    assert client.post(reverse("api:notification-read"), {"ids": [mine.pk, theirs.pk]}, format="json").json() == {
        "marked": 1
    }
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_my_profile_reads_and_changes_through_the_service(as_user, mentee):
    client = as_user(mentee)
    assert client.get(reverse("api:me")).json()["email"] == mentee.email
    response = client.patch(reverse("api:me"), {"timezone": "America/New_York", "language": "uk"}, format="json")
    assert response.status_code == 200
    mentee.refresh_from_db()
    assert (mentee.timezone, mentee.language) == ("America/New_York", "uk")
    bad = client.patch(reverse("api:me"), {"timezone": "Nowhere/Else", "email": "x@example.com"}, format="json")
    assert bad.status_code == 400 and "timezone" in bad.json()["fields"]
    mentee.refresh_from_db()
    assert mentee.timezone == "America/New_York" and mentee.email != "x@example.com"


@pytest.mark.parametrize(
    "change",
    [
        {"first_name": "Pe\u202etro"},  # a right-to-left override
        {"first_name": "Pe\ntro"},
        {"last_name": "Sav\tchuk"},
        {"timezone": "Factory"},  # names zoneinfo knows but the profile's list does not offer
        {"timezone": "US/Eastern"},
    ],
    ids=["rtl", "newline", "tab", "factory", "legacy-zone"],
)
def test_my_profile_refuses_what_the_profile_form_refuses(as_user, mentee, change):
    before = (mentee.first_name, mentee.last_name, mentee.timezone)
    response = as_user(mentee).patch(reverse("api:me"), change, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == set(change)
    mentee.refresh_from_db()
    assert (mentee.first_name, mentee.last_name, mentee.timezone) == before


def test_a_zone_kept_under_an_old_name_may_be_sent_back_unchanged(as_user, mentee):
    User.objects.filter(pk=mentee.pk).update(timezone="Europe/Kiev")  # kept from before the list was
    client = as_user(mentee)
    me = client.get(reverse("api:me")).json()
    response = client.put(reverse("api:me"), {**me, "first_name": "Petro"}, format="json")
    assert response.status_code == 200 and response.json()["timezone"] == "Europe/Kiev"
    assert client.patch(reverse("api:me"), {"timezone": "US/Eastern"}, format="json").status_code == 400


def test_a_body_larger_than_django_reads_is_a_json_400(as_user, mentee, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = as_user(mentee).patch(reverse("api:me"), {"first_name": "x" * 2000}, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": "too_large", "message": "The request is too large."}


def test_anonymous_profile_and_notifications_are_a_401(api):
    for name in ("api:me", "api:notification-list", "api:booking-list"):
        assert api.get(reverse(name)).status_code == 401


def test_lists_are_paged(as_user, mentee):
    for _ in range(25):
        notify(recipient=mentee, kind="booking_created", params={"name": "Max", "start": timezone.now().isoformat()})
    body = as_user(mentee).get(reverse("api:notification-list"), {"page_size": 10, "page": 2}).json()
    assert body["count"] == 25 and len(body["results"]) == 10 and body["next"] and body["previous"]
    assert as_user(mentee).get(reverse("api:notification-list"), {"page": 99}).status_code == 404


@pytest.fixture
def rates(monkeypatch):
    """Small API limits for a test (DRF reads the rates once, into its throttle classes)."""
    from rest_framework.throttling import SimpleRateThrottle

    def set_rates(**rates):
        monkeypatch.setattr(
            SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/min", "user": "1000/min", "ip": "1000/min", **rates}
        )

    return set_rates


def test_throttling_answers_429_with_json(api, rates):
    rates(anon="3/min")
    statuses = [api.get(reverse("api:topics")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api.get(reverse("api:topics")).json()["code"] == "throttled"


def test_a_made_up_forwarded_for_header_is_no_fresh_allowance(api, rates):
    rates(anon="3/min")
    statuses = [api.get(reverse("api:topics"), HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_one_address_is_limited_whichever_tokens_it_uses(api, rates):
    rates(ip="3/min")
    statuses = []
    for _ in range(4):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=UserFactory(), name='T', scope='read')[1]}")
        statuses.append(api.get(reverse("api:me")).status_code)
    assert statuses == [200, 200, 200, 429]


def test_guessing_tokens_is_limited_per_address(api):
    statuses = [api.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer mtp_guess{n}").status_code for n in range(22)]
    assert statuses[:20] == [401] * 20 and statuses[20:] == [429, 429]


def test_an_unknown_api_address_is_a_json_404(api):
    for path in ("/api/v1/nothing/", "/api/v1/bookings/99999999999999999999999/", "/api/v2/"):
        response = api.get(path)
        assert response.status_code == 404 and response.json() == {"code": "not_found", "message": "Not found."}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"language": "\\ud800"}', "not valid Unicode"),  # a lone surrogate: JSON, but no character
        ('{"timezone": "\\udfff"}', "not valid Unicode"),
        ('{"\\ud800": "uk"}', "not valid Unicode"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
    ids=["value", "timezone", "key", "deep"],
)
def test_json_that_python_reads_but_cannot_store_or_write_back_is_a_clear_400(as_user, mentee, body, message):
    client = as_user(mentee)
    response = client.patch("/api/v1/me/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error" and message in response.json()["message"]
    mentee.refresh_from_db()
    assert (mentee.language, mentee.timezone) == ("en", "America/New_York")


@pytest.mark.parametrize(
    ("body", "english", "ukrainian"),
    [
        (
            '{"language": ',
            "The body is not valid JSON (line 1, column 14).",
            "Тіло запиту — некоректний JSON (рядок 1, стовпець 14).",
        ),
        ('{"n": ' + "9" * 5000 + "}", "The body is not valid JSON.", "Тіло запиту — некоректний JSON."),
    ],
    ids=["cut-short", "number-too-long"],
)
def test_a_body_that_is_not_json_is_said_so_in_the_readers_language(as_user, mentee, body, english, ukrainian):
    client = as_user(mentee)
    response = client.patch("/api/v1/me/", body, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"code": "parse_error", "message": english}
    User.objects.filter(pk=mentee.pk).update(language="uk")
    assert client.patch("/api/v1/me/", body, content_type="application/json").json()["message"] == ukrainian


# --- Query counts: constant with the data ---


def test_the_mentor_list_and_availability_take_a_fixed_number_of_queries(api, django_assert_num_queries):
    mentors = [ListedMentorFactory(listed__start=soon(3, 8 + n)) for n in range(2)]
    with django_assert_num_queries(3):  # count, the page of mentors (with the next free time), their topics
        assert len(api.get(reverse("api:mentor-list")).json()["results"]) == 2
    mentors += [ListedMentorFactory(listed__start=soon(3, 10 + n)) for n in range(10)]
    for mentor in mentors[:3]:
        for hour in range(10, 16):
            free_slot(mentor, days=5, hour=hour)
    cache.clear()  # the factories skip the services, which would have told the directory's cache
    with django_assert_num_queries(3):  # the same with six times the mentors
        assert len(api.get(reverse("api:mentor-list")).json()["results"]) == 12
    url = reverse("api:mentor-availability", args=[mentors[0].mentor_profile.slug])
    with django_assert_num_queries(2):  # the mentor, the free times
        assert len(api.get(url, {"days": 14}).json()) == 7


def test_the_mentor_list_is_served_from_the_cache_until_the_directory_changes(
    api, staff, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from accounts import services as account_services

    mentors = [ListedMentorFactory(listed__start=soon(3, 8 + n)) for n in range(2)]
    api.get(reverse("api:mentor-list"))
    with django_assert_num_queries(0):
        assert api.get(reverse("api:mentor-list")).json()["count"] == 2
    with django_assert_num_queries(3):  # another page or filter is its own entry
        assert api.get(reverse("api:mentor-list"), {"sort": "price"}).json()["count"] == 2
    api.get(reverse("api:mentor-list") + "?sort=price&page=1")
    with django_assert_num_queries(0):  # the same search in another order
        assert api.get(reverse("api:mentor-list") + "?page=1&sort=price").json()["count"] == 2
    with django_assert_num_queries(3):  # each language its own entry (topic names are translated)
        api.get(reverse("api:mentor-list"), HTTP_ACCEPT_LANGUAGE="uk")
    for _ in range(2):  # made-up parameters are answered, never kept
        with django_assert_num_queries(3):
            assert api.get(reverse("api:mentor-list"), {"junk": "x"}).json()["count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_deactivate(user=mentors[0], by=staff)
    listed = api.get(reverse("api:mentor-list")).json()
    assert [m["slug"] for m in listed["results"]] == [mentors[1].mentor_profile.slug]  # gone at once


def test_a_parameter_given_twice_is_cached_by_the_value_that_counts(api):
    cheap, dear = (ListedMentorFactory(profile__price=price, listed__start=soon(3)) for price in (10, 90))
    cheap.mentor_profile.__class__.objects.filter(pk=dear.mentor_profile.pk).update(rating_average=5, review_count=1)
    url = reverse("api:mentor-list")
    by_rating = api.get(url + "?sort=price&sort=rating").json()["results"]
    by_price = api.get(url + "?sort=rating&sort=price").json()["results"]  # the last one counts, cached or not
    assert [m["slug"] for m in by_rating] == [dear.mentor_profile.slug, cheap.mentor_profile.slug]
    assert [m["slug"] for m in by_price] == [cheap.mentor_profile.slug, dear.mentor_profile.slug]


def test_my_bookings_take_a_fixed_number_of_queries(as_user, mentee, django_assert_num_queries):
    for _ in range(8):
        BookingFactory(mentee=mentee)
    client = as_user(mentee)
    client.get(reverse("api:me"))  # the token's first use notes when (then at most every few minutes)
    with django_assert_num_queries(3):  # the token and its owner, the count, the page with slots and people
        assert client.get(reverse("api:booking-list")).json()["count"] == 8


def test_a_change_made_with_a_token_names_its_owner_in_the_audit_log(as_user, mentee):
    response = as_user(mentee).patch(reverse("api:me"), {"first_name": "Renamed"}, format="json")
    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(mentee).latest("timestamp")
    assert entry.changes_dict["first_name"][1] == "Renamed"
    assert entry.actor == mentee


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ("ArticleError:control_characters", 400),  # a value sent
        ("ArticleError:past", 400),  # a publication time in the past: a value
        ("BookingError:past", 409),  # a slot already started: the state of things
        ("BookingError:notice", 409),
        ("ArticleError:not_mentor", 403),  # who may not
        ("ArticleError:not_author", 403),
        ("BookingError:forbidden", 403),
        ("ArticleError:unverified", 403),
        ("ArticleError:rate", 429),  # a limit reached
    ],
)
def test_a_services_refusal_gets_the_status_that_says_why(error, status):
    from rest_framework.exceptions import APIException

    from api.exceptions import refusals
    from articles.errors import ArticleError
    from schedule.services import BookingError

    kind, code = error.split(":")
    with pytest.raises(APIException) as raised, refusals():
        raise {"ArticleError": ArticleError, "BookingError": BookingError}[kind]("No.", code=code)
    assert raised.value.status_code == status and raised.value.get_codes() == code


def test_the_api_root_links_every_resource(api):
    links = api.get("/api/v1/").json()
    assert set(links) == {"mentors", "bookings", "articles", "notifications", "me", "topics"}
    for url in links.values():
        assert api.get(url).status_code in (200, 401)  # each one answers (some need a sign-in)
