"""
"How was your session?": the job asks each client of a session that took place once, by email (in
their language, unless they turned it off) and notification; never for cancelled, unpaid or missed
sessions, never twice (two schedulers at once: ``test_concurrency``).
"""

import datetime as dt

import pytest
from django.core.management import call_command
from post_office.models import Email

from accounts.tests.factories import UserFactory
from core.mail import KIND_HEADER, REVIEWS
from notifications.models import Notification
from notifications.services import notification_preferences_set
from reviews import INVITATION_KIND, jobs, services
from reviews.models import ReviewInvitation
from reviews.tests.factories import NOW, ReviewFactory, past_booking
from schedule import jobs as schedule_jobs
from schedule.emails import kind_label
from schedule.models import Booking

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def _invitations():
    return Email.objects.filter(**{f"headers__{KIND_HEADER}": REVIEWS})


def test_a_client_is_asked_once_by_email_and_notification(session, mentee, mentor):
    assert services.review_invitations_send(now=NOW) == 1
    assert services.review_invitations_send(now=NOW + dt.timedelta(hours=1)) == 0

    invitation = ReviewInvitation.objects.get()
    assert (invitation.booking, invitation.sent_at) == (session, NOW)
    email = _invitations().get()
    assert email.to == [mentee.email]
    assert email.subject == "How was your session with Max Mentor?"
    assert f"http://testserver/reviews/session/{session.pk}/" in email.message
    assert "Leave a review" in email.html_message
    notification = Notification.objects.get(recipient=mentee)
    assert notification.kind == INVITATION_KIND
    assert notification.text == "How was your session with Max Mentor? Leave a review."
    assert notification.link == f"/reviews/session/{session.pk}/"
    assert not Notification.objects.filter(recipient=mentor).exists()


def test_the_email_is_in_the_clients_language_and_plain_text_is_not_escaped(mentor):
    client = UserFactory(first_name="Seán", last_name="O'Brien & <Co>", language="uk", timezone="Europe/Kyiv")
    mentor.first_name, mentor.last_name = "Олена", "O'Neil & <Co>"
    mentor.save(update_fields=["first_name", "last_name"])
    past_booking(mentor=mentor, mentee=client, ended=NOW - dt.timedelta(hours=1))
    services.review_invitations_send(now=NOW)
    email = _invitations().get()
    assert email.subject == "Як минула ваша консультація? Ментор: Олена O'Neil & <Co>"
    assert "Залишити відгук" in email.message
    assert "Seán O'Brien & <Co>" in email.message and "&amp;" not in email.message
    assert "O&#x27;Neil &amp; &lt;Co&gt;" in email.html_message


def test_the_client_is_asked_ten_minutes_after_the_end(mentor, mentee):
    past_booking(mentor=mentor, mentee=mentee, ended=NOW - 9 * MINUTE)
    assert services.review_invitations_send(now=NOW) == 0
    assert services.review_invitations_send(now=NOW + MINUTE) == 1


def test_sessions_that_did_not_take_place_or_are_past_the_window_are_not_invited(mentor):
    ended = NOW - dt.timedelta(hours=1)
    past_booking(mentor=mentor, ended=ended, status=Booking.Status.CANCELLED)
    past_booking(mentor=mentor, ended=ended - dt.timedelta(hours=2), status=Booking.Status.EXPIRED)
    past_booking(mentor=mentor, ended=ended - dt.timedelta(hours=4), status=Booking.Status.PENDING, hold_expires_at=NOW)
    for i, absent in enumerate(Booking.NoShow):
        past_booking(mentor=mentor, ended=ended - dt.timedelta(hours=6 + 2 * i), no_show=absent, no_show_at=NOW)
    past_booking(mentor=mentor, ended=NOW - dt.timedelta(days=30, seconds=1))
    assert services.review_invitations_send(now=NOW) == 0
    assert not ReviewInvitation.objects.exists() and not _invitations().exists()
    assert not Notification.objects.exists()


def test_only_sessions_of_the_last_three_days_are_asked_by_email(mentor):
    """The first run after a deploy does not mail a month of sessions; the booking page still offers it."""
    recent = past_booking(mentor=mentor, ended=NOW - dt.timedelta(days=3) + MINUTE)
    past_booking(mentor=mentor, ended=NOW - dt.timedelta(days=3, hours=1) - MINUTE)  # slots of one mentor never overlap
    assert services.review_invitations_send(now=NOW) == 1
    assert ReviewInvitation.objects.get().booking == recent


def test_a_session_reviewed_before_the_job_ran_is_not_invited(session):
    ReviewFactory(booking=session, created_at=NOW - 30 * MINUTE)
    assert services.review_invitations_send(now=NOW) == 0
    assert not ReviewInvitation.objects.exists()


def test_a_client_who_turned_the_email_off_gets_the_notification_only(session, mentee):
    notification_preferences_set(user=mentee, email={INVITATION_KIND: False})
    assert services.review_invitations_send(now=NOW) == 1
    assert not _invitations().exists()
    assert Notification.objects.filter(recipient=mentee, kind=INVITATION_KIND).exists()


def test_a_client_without_a_confirmed_address_gets_no_email(mentor):
    unconfirmed = UserFactory(email_verified=False)
    past_booking(mentor=mentor, mentee=unconfirmed, ended=NOW - dt.timedelta(hours=1))
    assert services.review_invitations_send(now=NOW) == 1
    assert not _invitations().exists() and Notification.objects.filter(recipient=unconfirmed).exists()


def test_a_client_who_is_leaving_is_not_asked_and_not_asked_later(session, mentee):
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    assert services.review_invitations_send(now=NOW) == 0
    assert ReviewInvitation.objects.filter(booking=session).exists()  # claimed: never asked
    assert not _invitations().exists() and not Notification.objects.exists()


def test_one_failing_session_does_not_stop_the_others(mentor, monkeypatch):
    first = past_booking(mentor=mentor, ended=NOW - dt.timedelta(hours=3))
    past_booking(mentor=mentor, ended=NOW - dt.timedelta(hours=1))
    real = services.emails.enqueue_invitation

    def failing(*, booking):
        if booking.pk == first.pk:
            raise RuntimeError("template missing")
        return real(booking=booking)

    monkeypatch.setattr(services.emails, "enqueue_invitation", failing)
    assert services.review_invitations_send(now=NOW) == 1
    assert not ReviewInvitation.objects.filter(booking=first).exists()  # rolled back: tried again next run
    monkeypatch.setattr(services.emails, "enqueue_invitation", real)
    assert services.review_invitations_send(now=NOW) == 1


def test_the_job_and_the_command_are_declared(session, capsys, time_machine):
    time_machine.move_to(NOW, tick=False)
    declared = {job_id: func for job_id, func, *_rest in schedule_jobs.SCHEDULES}
    assert declared["send_review_invitations"] is jobs.send_review_invitations
    call_command("send_review_invitations")
    assert "Review invitations sent: 1." in capsys.readouterr().out
    jobs.send_review_invitations.__wrapped__()  # the job (without its connection handling): nothing left
    assert ReviewInvitation.objects.count() == 1


def test_the_mail_log_names_the_invitation():
    assert kind_label(REVIEWS) == "Review invitation"
