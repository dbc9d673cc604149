"""
Leaving the platform: the "Your data and leaving" page, "Download my data", "Delete my account",
"Keep my account" at sign-in within the grace period, and the job that anonymises accounts after it.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from post_office.models import STATUS, Email

from accounts import directory, export, services
from accounts.adapters import AccountAdapter
from accounts.models import AccountDeletion, User
from accounts.services import deletion as deletion_module
from accounts.tests.factories import PASSWORD, MentorFactory, TopicFactory, UserFactory, enable_mfa, totp_code
from articles import services as articles_services
from articles.tests.factories import ArticleFactory, CommentFactory
from core.mail import KIND_HEADER
from messaging import services as messaging_services
from notifications.models import Notification
from schedule import emails
from schedule import services as schedule_services
from schedule.models import Booking, CalendarFeed, Slot, WaitlistEntry, WeeklySchedule
from schedule.tests.factories import BookingFactory, SlotFactory
from support import services as support_services

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
DUE = NOW + dt.timedelta(days=30)  # ACCOUNT_DELETION_GRACE_DAYS
AFTER = DUE + dt.timedelta(minutes=10)  # the job's next run after the grace period
HOSTILE = "Seán O'Brien & <Co>"

LEAVE = reverse("accounts:leave")
EXPORT = reverse("accounts:export")
SCHEDULED = reverse("accounts:leave_scheduled")
KEEP = reverse("accounts:leave_keep")
LOGIN = reverse("account_login")
REAUTHENTICATE = reverse("account_reauthenticate")


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def _slot(mentor, hours, **kwargs) -> Slot:
    start = NOW + dt.timedelta(hours=hours)
    return SlotFactory(mentor=mentor, start=start, end=start + dt.timedelta(hours=1), **kwargs)


def _book(mentor, mentee, hours, note="Career advice") -> Booking:
    """A booking ``hours`` from now: made through the service ahead (mail and all), stored as is in the past."""
    if hours > 0:
        return schedule_services.booking_create(slot_id=_slot(mentor, hours).pk, mentee=mentee, note=note)
    return BookingFactory(slot=_slot(mentor, hours, status=Slot.Status.BOOKED), mentee=mentee, note=note)


def _signed_in_user(client):
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _delete(client, user):
    """Delete the account as the person does: signed in, password entered again, box ticked."""
    client.force_login(user)
    client.post(REAUTHENTICATE, {"password": PASSWORD})
    return client.post(LEAVE, {"confirm": "on"})


def _outbox(kind):
    return Email.objects.filter(**{f"headers__{KIND_HEADER}": kind})


# --- The page ---


def test_the_leave_page_and_the_export_are_for_signed_in_people_only(client):
    for url in (LEAVE, EXPORT):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_leave_page_explains_deletion_and_says_how_many_sessions_it_cancels(mentor, mentee):
    for hours in (24, 48):
        _book(mentor, mentee, hours)
    _book(mentor, UserFactory(), -24)  # a past session is history, not cancelled
    schedule_services.booking_cancel(booking=_book(mentor, mentee, 72), by=mentee)

    page = _signed_in(mentor).get(LEAVE).content.decode()

    assert "Your data and leaving" in page
    assert "2 upcoming sessions are cancelled" in page
    assert "your free times are withdrawn" in page  # a mentor
    assert f'href="{EXPORT}"' in page and "Download my data" in page
    assert 'name="confirm"' in page and "Delete my account" in page
    assert "30 days you can change your mind" in page
    # The side menu of the security pages has the entry, current on this page.
    assert f'class="list-group-item list-group-item-action active" href="{LEAVE}"' in page
    assert "bi-box-arrow-left" in page


def test_the_security_menu_links_to_the_leave_page(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("accounts:security")).content.decode()
    assert f'href="{LEAVE}"' in page and "Your data and leaving" in page


def test_a_mentee_without_sessions_reads_that_none_is_cancelled(client, mentee):
    client.force_login(mentee)
    page = client.get(LEAVE).content.decode()
    assert "You have no upcoming sessions" in page and "free times are withdrawn" not in page


def test_the_leave_page_query_count_is_pinned(client, mentor, mentee, django_assert_num_queries):
    for hours in (24, 48, 72):
        _book(mentor, mentee, hours)
    client.force_login(mentee)
    # session, user, the count of upcoming sessions, packages to refund first, the header's unread counts
    with django_assert_num_queries(5):
        assert client.get(LEAVE).status_code == 200


def test_unused_package_sessions_are_named_with_their_worth_before_leaving(client, mentor, mentee):
    from payments import services as payment_services
    from payments.models import Package
    from payments.tests.factories import card

    package = Package.objects.create(mentor=mentor, title="Five", sessions=5, price=199)
    payment_services.package_buy(package=package, payer=mentee, card=card(), idempotency_key="p" * 32)
    client.force_login(mentee)
    page = client.get(LEAVE).content.decode()
    assert "You have 5 unused package sessions, worth $199. Refund them first" in page
    assert f'<a href="{reverse("payments:list")}">My packages</a>' in page
    purchase = package.purchases.get()
    client.force_login(mentor)  # and the mentor is told leaving refunds it, a session booked ahead too
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    slot = SlotFactory(mentor=mentor, start=start, end=start + dt.timedelta(hours=1))
    held = schedule_services.booking_hold(slot_id=slot.pk, mentee=mentee)
    payment_services.booking_pay_with_credit(booking=held, payer=mentee)
    page = client.get(LEAVE).content.decode()
    assert "Your clients have 5 unused package sessions, worth $199: they are refunded to them." in page
    assert "Refund them first" not in page
    payment_services.package_refund_unused(purchase=purchase, by=mentee)
    assert "unused package" not in client.get(LEAVE).content.decode()


# --- Download my data ---


@pytest.fixture
def busy_mentor():
    """A mentor (with a hostile name) who also books another mentor, waits on a waitlist and has weekly hours."""
    person = MentorFactory(first_name="Seán", last_name="O'Brien & <Co>", timezone="Europe/Kyiv")
    profile = person.mentor_profile
    profile.bio = "I <3 & teach"
    profile.save()
    profile.topics.set([TopicFactory(name="Python"), TopicFactory(name="Careers")])
    client_of_theirs = UserFactory(first_name="Ann", last_name="Lee")
    other_mentor = MentorFactory(first_name="Olena", last_name="K")
    _book(person, client_of_theirs, 24, note="Help with <b>CV</b>")
    _book(person, client_of_theirs, -48)
    cancelled = _book(other_mentor, person, 30, note="Investing basics")
    schedule_services.booking_cancel(booking=cancelled, by=other_mentor, reason="Ill, sorry")
    WaitlistEntry.objects.create(mentor=other_mentor, mentee=person, date_from=dt.date(2026, 12, 1))
    schedule_services.weekly_schedule_save(
        mentor=person, hours=[(0, dt.time(9), dt.time(12))], session_minutes=60, buffer_minutes=0,
        min_notice_minutes=120, max_per_day=None, horizon_days=7,
    )  # fmt: skip
    return person


def test_download_my_data_is_a_json_attachment_of_the_persons_data(client, busy_mentor):
    client.force_login(busy_mentor)

    response = client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="mentorship-data.json"'
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    keys = ["format", "exported_at", "profile", "bookings_as_mentee", "bookings_as_mentor", "waitlist", "weekly_hours"]
    keys += ["notification_email", "payments", "reviews", "packages_bought", "articles", "comments", "reactions"]
    keys += ["following", "follower_count", "mailing_clients", "mailing_messages", "mailings", "support_requests"]
    assert sorted(data) == sorted([*keys, "messages", "message_reports"])
    profile = data["profile"]
    assert (profile["first_name"], profile["last_name"]) == ("Seán", HOSTILE.removeprefix("Seán "))
    assert profile["email"] == busy_mentor.email
    assert (profile["time_zone"], profile["language"], profile["role"]) == ("Europe/Kyiv", "en", "mentor")
    assert profile["email_addresses"] == [{"email": busy_mentor.email, "verified": True, "primary": True}]
    mentor_profile = profile["mentor_profile"]
    assert mentor_profile["about"] == "I <3 & teach" and sorted(mentor_profile["topics"]) == ["Careers", "Python"]
    assert mentor_profile["headline"] == "Helps people ship software" and mentor_profile["price"] == "50.00"

    past, upcoming = data["bookings_as_mentor"]  # by start
    assert upcoming == {
        "start": "2026-11-26T12:00:00Z",
        "end": "2026-11-26T13:00:00Z",
        "status": "confirmed",
        "mentee": "Ann Lee",
        "note": "Help with <b>CV</b>",
        "meeting_url": upcoming["meeting_url"],
        "booked_at": "2026-11-25T12:00:00Z",
        "times_moved": 0,
        "cancelled_at": None,
        "cancelled_by": None,
        "cancel_reason": "",
    }
    assert upcoming["meeting_url"].startswith("https://")
    assert past["start"] == "2026-11-23T12:00:00Z" and past["status"] == "confirmed"
    [as_mentee] = data["bookings_as_mentee"]
    assert (as_mentee["mentor"], as_mentee["status"], as_mentee["note"]) == ("Olena K", "cancelled", "Investing basics")
    assert (as_mentee["cancelled_at"], as_mentee["cancelled_by"], as_mentee["cancel_reason"]) == (
        "2026-11-25T12:00:00Z",
        "mentor",
        "Ill, sorry",
    )
    assert data["waitlist"] == [
        {"mentor": "Olena K", "from": "2026-12-01", "until": None, "joined_at": "2026-11-25T12:00:00Z"}
    ]
    assert data["weekly_hours"]["hours"] == [{"weekday": 0, "from": "09:00", "until": "12:00"}]
    assert data["weekly_hours"]["session_minutes"] == 60


def test_a_mentors_export_leaves_out_other_peoples_unpaid_holds_the_mentee_keeps_hers(mentor, mentee):
    hold = BookingFactory(
        slot=_slot(mentor, 24), mentee=mentee, note="My private worry", status="pending", hold_expires_at=DUE
    )
    expired = BookingFactory(slot=_slot(mentor, 48), mentee=mentee, note="Another", status="expired")

    assert export.user_data_export(mentor)["bookings_as_mentor"] == []  # not on the mentor's pages either
    theirs = export.user_data_export(mentee)["bookings_as_mentee"]
    assert [(b["status"], b["note"]) for b in theirs] == [
        (hold.status, "My private worry"),
        (expired.status, "Another"),
    ]


def test_a_mentee_export_has_no_mentor_profile_and_no_weekly_hours(mentee):
    data = export.user_data_export(mentee)
    assert data["profile"]["role"] == "mentee" and data["profile"]["mentor_profile"] is None
    assert data["weekly_hours"] is None and data["waitlist"] == [] and data["bookings_as_mentor"] == []


def test_the_export_is_built_in_the_same_number_of_queries_for_one_booking_or_many(
    busy_mentor, django_assert_num_queries, settings
):
    settings.MESSAGE_RATE_PER_MINUTE = 100
    ArticleFactory(author=busy_mentor).topics.set([TopicFactory()])
    support_services.support_request_create(subject="other", email=busy_mentor.email, message="Hi", user=busy_mentor)
    # profile, its topics, email addresses, bookings, waitlist, weekly schedule, its hours, its date
    # overrides, conversations, messages, reports of conversations, notification preferences, payments,
    # reviews, packages bought,
    # articles and their topics, comments, reactions, follows, followers, mailing clients, messages and
    # mailings, support requests and their answers
    with django_assert_num_queries(26):
        few = export.user_data_export(busy_mentor)
    for hours in range(100, 112):
        mentee = UserFactory()
        _book(busy_mentor, mentee, hours)
        conversation = messaging_services.conversation_open(mentor=busy_mentor, mentee=mentee)
        messaging_services.message_send(conversation=conversation, sender=mentee, body="Question")
        messaging_services.message_send(conversation=conversation, sender=busy_mentor, body="Answer")
        ArticleFactory(author=busy_mentor).topics.set([TopicFactory()])
        CommentFactory(author=busy_mentor)
    with django_assert_num_queries(26):
        many = export.user_data_export(busy_mentor)
    assert len(many["bookings_as_mentor"]) == len(few["bookings_as_mentor"]) + 12
    assert len(many["messages"]) == len(few["messages"]) + 12
    assert (len(many["articles"]), len(many["comments"])) == (13, 12)
    assert [m["from"] for m in many["messages"][-1]["messages"]][-1] == "you"


def test_the_export_page_query_count_is_pinned(client, mentee, mentor, django_assert_num_queries):
    for hours in (24, 48, -24):
        _book(mentor, mentee, hours)
    client.force_login(mentee)
    # session, user, mentor profile, email addresses, bookings, waitlist, weekly schedule, conversations, messages,
    # reports of conversations, notification preferences, payments, reviews, packages bought, articles, comments,
    # reactions, follows, followers, mailing clients, messages and mailings, support requests
    with django_assert_num_queries(23):
        assert client.get(EXPORT).status_code == 200


# --- Delete my account ---


def test_deleting_asks_for_the_password_again_and_then_goes_ahead(client, mentee):
    client.force_login(mentee)

    response = client.post(LEAVE, {"confirm": "on"})

    assert response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE)
    mentee.refresh_from_db()
    assert mentee.is_active and not AccountDeletion.objects.exists()
    wrong = client.post(response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200 and not AccountDeletion.objects.exists()

    done = client.post(response["Location"], {"password": PASSWORD})  # the waiting POST goes on

    assert done.status_code == 302 and done["Location"] == SCHEDULED
    mentee.refresh_from_db()
    assert not mentee.is_active and AccountDeletion.objects.get(user=mentee).due_at == DUE


def test_asking_to_leave_and_keeping_the_account_are_each_mailed_once_in_the_persons_language_and_zone(
    mentee, mailoutbox
):
    mentee.language, mentee.timezone = "uk", "Europe/Kyiv"
    mentee.save()
    services.account_deletion_request(user=mentee)
    services.account_deletion_request(user=mentee)  # a double click: one request, one email
    [asked] = mailoutbox
    assert asked.to == [mentee.email] and asked.subject == "Ваш обліковий запис закрито, його буде видалено"
    assert "25 грудня 2026, 14:00" in asked.body  # DUE, in Kyiv
    assert "http://testserver/accounts/login/" in asked.body and asked.body.rstrip().endswith("http://testserver/")
    services.account_deletion_cancel(user_id=mentee.pk)
    kept = mailoutbox[1]
    assert kept.subject == "Ваш обліковий запис збережено" and "/accounts/password/reset/" in kept.body
    assert len(mailoutbox) == 2


def test_with_two_factor_the_code_alone_confirms_it_is_you(client):
    user = UserFactory()
    secret = enable_mfa(user)
    client.force_login(user)
    response = client.post(LEAVE, {"confirm": "on"})
    assert response["Location"].startswith(REAUTHENTICATE)

    done = client.post(reverse("mfa_reauthenticate") + "?next=" + LEAVE, {"code": totp_code(secret)})

    assert done["Location"] == SCHEDULED
    assert AccountDeletion.objects.get(user=user).is_pending


def test_someone_who_signs_in_only_with_google_confirms_with_the_box(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    response = client.post(LEAVE, {"confirm": "on"})

    assert response["Location"] == SCHEDULED
    user.refresh_from_db()
    assert not user.is_active


def test_without_the_box_ticked_nothing_happens(client, mentee):
    client.force_login(mentee)
    client.post(REAUTHENTICATE, {"password": PASSWORD})

    response = client.post(LEAVE, {})

    assert response.status_code == 200 and response.context["form"].errors["confirm"]
    mentee.refresh_from_db()
    assert mentee.is_active and not AccountDeletion.objects.exists()


def test_deleting_closes_the_account_and_signs_out_every_device(mentee, django_capture_on_commit_callbacks):
    phone = _signed_in(mentee)
    laptop = Client()
    version = directory.version()

    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(laptop, mentee)

    assert response["Location"] == SCHEDULED
    assert _signed_in_user(laptop) is None
    assert phone.get(reverse("accounts:security"))["Location"].startswith(LOGIN)  # the other session ended
    assert not UserSession.objects.filter(user=mentee).exists()
    mentee.refresh_from_db()
    assert not mentee.is_active and mentee.deleted_at is None  # closed, not erased yet
    deletion = AccountDeletion.objects.get(user=mentee)
    assert (deletion.requested_at, deletion.due_at, deletion.cancelled_at, deletion.completed_at) == (
        NOW,
        DUE,
        None,
        None,
    )
    assert directory.version() != version  # the directory is shown afresh
    page = laptop.get(SCHEDULED).content.decode()
    assert "Your account is scheduled for deletion on Friday, 25 December 2026" in page
    assert "Sign in again before Friday, 25 December 2026" in page and "Keep my account" in page


def test_the_scheduled_page_without_a_deletion_in_the_session_goes_home(client):
    assert client.get(SCHEDULED)["Location"] == reverse("home")


def test_the_scheduled_page_query_count_is_pinned(client, mentee, django_assert_num_queries):
    _delete(client, mentee)
    with django_assert_num_queries(1):  # the session
        assert client.get(SCHEDULED).status_code == 200


def test_a_leaving_mentor_cancels_upcoming_sessions_with_the_usual_mail_and_cannot_be_booked(client, mentor):
    mia, ivan = UserFactory(first_name="Mia"), UserFactory(first_name="Ivan", language="uk")
    first, second = _book(mentor, mia, 24), _book(mentor, ivan, 48)
    past = _book(mentor, mia, -24)
    free = _slot(mentor, 30)
    with_history = _book(mentor, mia, 60)
    schedule_services.booking_cancel(booking=with_history, by=mia)  # its slot is free again, with history
    WaitlistEntry.objects.create(mentor=mentor, mentee=mia)
    Email.objects.all().delete()

    client.force_login(mentor)
    assert "2 upcoming sessions are cancelled" in client.get(LEAVE).content.decode()
    _delete(client, mentor)

    for booking in (first, second):
        booking.refresh_from_db()
        assert (booking.status, booking.cancelled_by_id) == (Booking.Status.CANCELLED, mentor.pk)
        assert booking.cancel_reason == "The account was closed."  # the platform's words, kept in English
        assert Slot.objects.get(pk=booking.slot_id).status == Slot.Status.HIDDEN  # nobody can book it again
    with translation.override("uk"):  # and read in each reader's language
        assert second.cancel_reason_text == "Обліковий запис закрито."
    assert second.cancel_reason_text == "The account was closed."
    assert _outbox(emails.CANCELLATION).count() == 4  # both sides of both sessions
    from schedule.tests.outbox import rendered

    by_address = {email.to[0]: rendered(email).body for email in _outbox(emails.CANCELLATION)}
    assert "Обліковий запис закрито." in by_address[ivan.email]  # Ivan reads Ukrainian
    assert "The account was closed." in by_address[mentor.email] and "Обліковий" not in by_address[mentor.email]
    past.refresh_from_db()
    assert past.status == Booking.Status.CONFIRMED  # history stays
    assert not Slot.objects.filter(pk=free.pk).exists()  # never booked: gone
    assert Slot.objects.get(pk=with_history.slot_id).status == Slot.Status.HIDDEN  # kept for its history
    assert not WaitlistEntry.objects.exists()
    assert client.get(mentor.mentor_profile.get_absolute_url()).status_code == 404
    with pytest.raises(schedule_services.BookingError):
        schedule_services.booking_create(slot_id=first.slot_id, mentee=UserFactory())


def test_a_leaving_mentee_cancels_their_sessions_and_leaves_every_waitlist(client, mentor, mentee):
    booking = _book(mentor, mentee, 24)
    WaitlistEntry.objects.create(mentor=MentorFactory(), mentee=mentee)

    _delete(client, mentee)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Slot.objects.get(pk=booking.slot_id).status == Slot.Status.AVAILABLE  # the mentor's time is free again
    assert not WaitlistEntry.objects.exists()


def test_asking_twice_returns_the_same_request(mentee):
    first = services.account_deletion_request(user=mentee)
    again = services.account_deletion_request(user=mentee)
    assert first.pk == again.pk and AccountDeletion.objects.count() == 1


# --- Keeping the account ---


def _sign_in(client, user, password=PASSWORD):
    return client.post(LOGIN, {"login": user.email, "password": password})


def test_a_right_password_for_an_inactive_account_reaches_respond_user_inactive(client, monkeypatch):
    """allauth checks an inactive account's password and hands the response to the adapter."""
    user = UserFactory(is_active=False)  # closed by staff, not leaving
    calls = []
    original = AccountAdapter.respond_user_inactive

    def spy(self, request, inactive_user):
        calls.append(inactive_user.pk)
        return original(self, request, inactive_user)

    monkeypatch.setattr(AccountAdapter, "respond_user_inactive", spy)

    wrong = _sign_in(client, user, "not-the-password")
    assert wrong.status_code == 200 and calls == []

    response = _sign_in(client, user)

    assert calls == [user.pk]
    assert response["Location"] == reverse("account_inactive")  # allauth's own page: nothing to keep
    assert _signed_in_user(client) is None


def test_signing_in_within_the_grace_period_offers_to_keep_the_account(client, mentee, django_assert_num_queries):
    services.account_deletion_request(user=mentee)

    response = _sign_in(client, mentee)

    assert response["Location"] == KEEP and _signed_in_user(client) is None
    with django_assert_num_queries(2):  # the session, the request with its user
        page = client.get(KEEP)
    assert "Your account is scheduled for deletion on Friday, 25 December 2026" in page.content.decode()
    assert f'action="{KEEP}"' in page.content.decode()

    kept = client.post(KEEP)

    assert kept["Location"] == LOGIN and _signed_in_user(client) is None  # signing in stays a separate step
    mentee.refresh_from_db()
    assert mentee.is_active
    deletion = AccountDeletion.objects.get(user=mentee)
    assert deletion.cancelled_at == NOW and not deletion.is_pending
    signed_in = _sign_in(client, mentee)
    assert signed_in["Location"] == reverse("home") and _signed_in_user(client) == mentee.pk


def test_after_keeping_the_account_two_factor_is_still_asked(client):
    user = UserFactory()
    secret = enable_mfa(user)
    services.account_deletion_request(user=user)

    assert _sign_in(client, user)["Location"] == KEEP  # the password alone leads only here
    client.post(KEEP)
    again = _sign_in(client, user)

    assert again["Location"] == reverse("mfa_authenticate") and _signed_in_user(client) is None
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert _signed_in_user(client) == user.pk


def test_only_someone_who_just_entered_the_password_can_keep_the_account(client, mentee, time_machine):
    services.account_deletion_request(user=mentee)

    stranger = client.post(KEEP, {"user": mentee.pk})  # no password step: an id in the form means nothing
    assert stranger["Location"] == LOGIN
    _sign_in(client, mentee)
    time_machine.move_to(NOW + dt.timedelta(minutes=11), tick=False)
    late = client.post(KEEP)

    assert late["Location"] == LOGIN
    mentee.refresh_from_db()
    assert not mentee.is_active and AccountDeletion.objects.get(user=mentee).is_pending


def test_after_the_grace_period_the_account_can_no_longer_be_kept(client, mentee, time_machine):
    services.account_deletion_request(user=mentee)
    time_machine.move_to(DUE + dt.timedelta(minutes=1), tick=False)

    response = _sign_in(client, mentee)

    assert response["Location"] == reverse("account_inactive")
    with pytest.raises(services.AccountError):
        services.account_deletion_cancel(user_id=mentee.pk)


def test_keeping_a_request_the_job_has_completed_is_refused(mentee):
    services.account_deletion_request(user=mentee)
    assert services.account_deletions_complete(now=AFTER) == 1
    with pytest.raises(services.AccountError):
        services.account_deletion_cancel(user_id=mentee.pk, now=AFTER)
    assert not User.objects.get(pk=mentee.pk).is_active


def test_an_inactive_account_without_a_deletion_request_gets_allauths_response(rf, mentee, monkeypatch):
    request = rf.get("/")
    request.session = {}
    sentinel = object()
    monkeypatch.setattr(DefaultAccountAdapter, "respond_user_inactive", lambda self, request, user: sentinel)
    assert AccountAdapter().respond_user_inactive(request, mentee) is sentinel
    assert request.session == {}


# --- The deletion job ---


def _leave(user):
    """``user`` asks to leave now; the job runs ``AFTER`` the grace period."""
    return services.account_deletion_request(user=user)


def _complete(now=AFTER) -> int:
    return services.account_deletions_complete(now=now)


def test_the_job_anonymises_a_mentor_and_the_mentees_history_shows_deleted_user(
    client, mentor, mentee, django_capture_on_commit_callbacks
):
    _book(mentor, mentee, -48, note="My own words")
    mentor.photo.save("me.png", ContentFile(b"not really a png"), save=True)
    photo = mentor.photo.name
    storage = mentor.photo.storage
    _leave(mentor)

    with django_capture_on_commit_callbacks(execute=True):  # the photo file goes once the erasure commits
        assert _complete() == 1

    mentor.refresh_from_db()
    assert mentor.email == f"deleted-{mentor.pk}@deleted.invalid"
    assert (mentor.first_name, mentor.last_name, mentor.photo.name) == ("", "", "")
    assert (mentor.timezone, mentor.language, mentor.is_active, mentor.is_mentor) == ("UTC", "en", False, False)
    assert not mentor.has_usable_password() and mentor.deleted_at == AFTER
    assert mentor.display_name == "Deleted user"
    with translation.override("uk"):
        assert mentor.display_name == "Видалений користувач"
    assert not storage.exists(photo)
    profile = mentor.mentor_profile
    assert (profile.headline, profile.bio, profile.meeting_url, profile.slug) == ("", "", "", f"deleted-{mentor.pk}")
    assert not EmailAddress.objects.filter(user=mentor).exists()
    assert AccountDeletion.objects.get(user=mentor).completed_at == AFTER
    assert Booking.objects.get().note == "My own words"  # the mentee's words are the mentee's

    client.force_login(mentee)
    page = client.get(reverse("schedule:booking_list")).content.decode()
    assert "Mentor: Deleted user" in page
    assert "Max Mentor" not in page

    assert _complete() == 0  # a second run finds nothing to do


def test_the_job_erases_what_a_mentee_wrote_and_signed_in_with(mentor, mentee):
    booking = _book(mentor, mentee, -48, note="About my divorce")
    cancelled = _book(mentor, mentee, 24)
    schedule_services.booking_cancel(
        booking=cancelled, by=mentee, reason="My child is ill", now=NOW - dt.timedelta(hours=1)
    )
    schedule_services.calendar_feed_reset(user=mentee)
    SocialAccount.objects.create(user=mentee, provider="google", uid="123")
    enable_mfa(mentee)
    EmailAddress.objects.create(user=mentee, email="second@example.com", verified=False)
    queued = [
        Email.objects.create(to=[address], from_email="a@example.com", subject="s", status=STATUS.queued)
        for address in (mentee.email, "Second@Example.com", "someone.else@example.com")
    ]
    _leave(mentee)

    assert _complete() == 1

    booking.refresh_from_db()
    cancelled.refresh_from_db()
    assert booking.note == "" and cancelled.note == "" and cancelled.cancel_reason == ""
    assert not CalendarFeed.objects.filter(user=mentee).exists()
    assert not SocialAccount.objects.filter(user=mentee).exists()
    assert not Authenticator.objects.filter(user=mentee).exists()
    assert not EmailAddress.objects.filter(user=mentee).exists()
    assert list(Email.objects.filter(pk__in=[e.pk for e in queued]).values_list("to", flat=True)) == [
        ["someone.else@example.com"]
    ]


def test_a_mentor_leaving_keeps_the_platforms_cancellation_reason_but_loses_weekly_hours(mentor, mentee):
    schedule_services.weekly_schedule_save(
        mentor=mentor, hours=[(0, dt.time(9), dt.time(12))], session_minutes=60, buffer_minutes=0,
        min_notice_minutes=120, max_per_day=None, horizon_days=7,
    )  # fmt: skip
    booking = _book(mentor, mentee, 24 * 40)  # after the grace period: still cancelled on leaving
    _leave(mentor)

    _complete()

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancel_reason == "The account was closed."
    assert booking.meeting_url == ""
    assert not WeeklySchedule.objects.filter(mentor=mentor).exists()


def test_other_peoples_notifications_stop_naming_a_person_who_left(client, mentor, mentee):
    booking = _book(mentor, mentee, 24)  # "Mia Mentee booked a session with you"
    conversation = messaging_services.conversation_for_booking(booking=booking, user=mentee)
    messaging_services.message_send(conversation=conversation, sender=mentee, body="Hello")
    article = ArticleFactory(author=mentor)
    articles_services.comment_create(article=article, author=mentee, body="Thank you!")  # erased with her
    schedule_services.booking_cancel(booking=booking, by=mentor, reason="")  # her own notification
    kinds_before = sorted(Notification.objects.filter(recipient=mentor).values_list("kind", flat=True))
    assert kinds_before == ["article_commented", "booking_created", "message"]
    assert Notification.objects.filter(recipient=mentee).exists()
    _leave(mentee)

    assert _complete() == 1

    assert not Notification.objects.filter(recipient=mentee).exists()
    left = Notification.objects.filter(recipient=mentor).order_by("kind")
    assert [n.kind for n in left] == ["booking_created", "message"]  # her comment's news went with it
    assert all(n.params["name"] == "" for n in left)
    client.force_login(mentor)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Mia" not in page
    assert "Deleted user booked a session with you" in page
    mentor.language = "uk"
    mentor.save(update_fields=["language"])
    with translation.override("uk"):
        page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Видалений користувач" in page


def test_export_and_erasure_go_through_each_apps_hook_so_accounts_imports_none_of_them():
    for module in (deletion_module, export):
        source = Path(module.__file__).read_text()
        for app in ("articles", "mailings", "messaging", "notifications", "payments", "reviews", "schedule", "support"):
            assert f"from {app}" not in source and f"import {app}" not in source, (module.__name__, app)


def test_the_job_leaves_requests_that_are_not_due_or_were_kept(mentee, mentor):
    _leave(mentee)
    _leave(mentor)
    services.account_deletion_cancel(user_id=mentor.pk, now=NOW + dt.timedelta(days=2))

    assert _complete(now=DUE - dt.timedelta(minutes=1)) == 0
    assert _complete() == 1  # the mentee's; the mentor kept the account
    mentor.refresh_from_db()
    assert mentor.is_active and mentor.deleted_at is None


def test_one_failing_deletion_is_logged_and_the_others_go_on(mentee, mentor, monkeypatch, caplog):
    _leave(mentee)
    _leave(mentor)
    anonymise = deletion_module._anonymise

    def fail_for_the_mentee(user, **kwargs):
        if user.pk == mentee.pk:
            raise RuntimeError("disk full")
        anonymise(user, **kwargs)

    monkeypatch.setattr(deletion_module, "_anonymise", fail_for_the_mentee)

    assert _complete() == 1

    assert AccountDeletion.objects.get(user=mentee).is_pending  # rolled back, tried again next run
    assert User.objects.get(pk=mentee.pk).deleted_at is None
    assert "Account deletion failed" in caplog.text


def test_the_command_runs_the_job_once(capsys, mentee, time_machine):
    _leave(mentee)
    time_machine.move_to(AFTER, tick=False)
    call_command("complete_account_deletions")
    assert "Accounts deleted: 1." in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deletion_jobs_at_once_complete_each_deletion_exactly_once(monkeypatch):
    from schedule.tests.test_concurrency import run_at_once

    people = [UserFactory() for _ in range(6)]
    for person in people:
        _leave(person)
    anonymised = []
    anonymise = deletion_module._anonymise

    def counted(user, **kwargs):
        anonymised.append(user.pk)
        anonymise(user, **kwargs)

    monkeypatch.setattr(deletion_module, "_anonymise", counted)

    results = run_at_once([_complete, _complete])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 6
    assert sorted(anonymised) == sorted(p.pk for p in people)  # nobody twice
    assert AccountDeletion.objects.filter(completed_at__isnull=False).count() == 6
    assert connection.vendor == "postgresql"
