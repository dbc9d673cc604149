import datetime as dt
import email

import pytest
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from schedule import delivery, services
from schedule.models import Booking
from schedule.tests.factories import SlotFactory
from schedule.tests.smtp import SMTPServer, free_port, silent_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings):
    def point_at(port, timeout=5):
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = timeout
        settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": "schedule.mail.SMTPBackend"}}

    return point_at


@pytest.fixture
def booking(mentee):
    slot = SlotFactory()
    return services.booking_create(slot_id=slot.pk, mentee=mentee)


def statuses():
    return sorted(Email.objects.values_list("status", flat=True))


def later(minutes):
    return timezone.now() + dt.timedelta(minutes=minutes)


def assert_booking_intact(booking):
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_confirmations_are_delivered_with_the_invite_and_the_reply_is_logged(smtp_settings, booking):
    with SMTPServer() as server:
        smtp_settings(server.port)
        result = delivery.outbox_drain()

    assert result.sent == 2
    assert statuses() == [STATUS.sent, STATUS.sent]
    assert {log.message for log in Log.objects.all()} == {"250 2.0.0 Message accepted"}
    message = email.message_from_bytes(server.messages[0])
    parts = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= parts
    assert_booking_intact(booking)


def test_a_421_is_retried_with_backoff_and_then_delivered(smtp_settings, booking):
    with SMTPServer() as server:
        smtp_settings(server.port)
        server.handler.replies = ["421 4.3.0 Try again later", "421 4.3.0 Try again later"]
        first = delivery.outbox_drain()
        assert (first.sent, first.requeued) == (0, 2)
        assert statuses() == [STATUS.requeued, STATUS.requeued]
        assert delivery.outbox_drain().sent == 0  # not due again before the backoff passes
        second = delivery.outbox_drain(now=later(2))

    assert second.sent == 2
    assert statuses() == [STATUS.sent, STATUS.sent]
    messages = list(Log.objects.order_by("id").values_list("message", flat=True))
    assert messages[:2] == ["421 4.3.0 Try again later"] * 2
    assert messages[2:] == ["250 2.0.0 Message accepted"] * 2
    assert_booking_intact(booking)


def test_every_attempt_at_one_message_carries_the_same_message_id(smtp_settings, booking):
    """A receiving server (or the recipient's client) can then recognise a retry as the same message."""
    with SMTPServer() as server:
        smtp_settings(server.port)
        server.handler.replies = ["421 4.3.0 Try again later"]
        delivery.outbox_drain()
        delivery.outbox_drain(now=later(2))

    ids = [email.message_from_bytes(raw)["Message-ID"] for raw in server.handler.received]
    assert len(ids) == 3 and len(set(ids)) == 2  # two emails; the first was offered twice
    assert ids[0] == ids[2] and ids[0].endswith("@mentorship.local>")


def test_a_slow_reply_to_the_end_of_data_is_awaited_not_retried(settings, smtp_settings, booking):
    """Giving up after the command timeout would resend a message the server then delivers."""
    settings.EMAIL_DATA_TIMEOUT = 5
    with SMTPServer() as server:
        smtp_settings(server.port, timeout=0.3)
        server.handler.delay = 0.8  # longer than the command timeout, shorter than the DATA one
        result = delivery.outbox_drain()

    assert (result.sent, result.requeued) == (2, 0)
    assert len(server.handler.received) == 2 and statuses() == [STATUS.sent, STATUS.sent]


def test_a_550_is_a_permanent_failure_and_is_not_retried(smtp_settings, booking):
    with SMTPServer() as server:
        smtp_settings(server.port)
        server.handler.replies = ["550 5.1.1 No such user", "550 5.1.1 No such user"]
        result = delivery.outbox_drain()
        again = delivery.outbox_drain(now=later(600))

    assert (result.failed, again.sent) == (2, 0)
    assert statuses() == [STATUS.failed, STATUS.failed]
    assert set(Log.objects.values_list("message", flat=True)) == {"550 5.1.1 No such user"}
    assert_booking_intact(booking)


def test_staff_can_retry_a_failed_email(smtp_settings, booking):
    with SMTPServer() as server:
        smtp_settings(server.port)
        server.handler.replies = ["550 5.1.1 No such user"]
        delivery.outbox_drain()
        failed = Email.objects.get(status=STATUS.failed)
        delivery.email_retry(email=failed)
        assert delivery.outbox_drain().sent == 1
    assert statuses() == [STATUS.sent, STATUS.sent]


def test_connection_refused_keeps_the_mail_queued_until_the_server_is_back(smtp_settings, booking):
    smtp_settings(free_port())
    result = delivery.outbox_drain()
    assert result.requeued == 2
    assert all("Connection refused" in m or "Errno 111" in m for m in Log.objects.values_list("message", flat=True))

    with SMTPServer() as server:
        smtp_settings(server.port)
        assert delivery.outbox_drain(now=later(2)).sent == 2
    assert len(server.messages) == 2
    assert_booking_intact(booking)


def test_a_server_that_never_answers_times_out_instead_of_hanging(smtp_settings, booking):
    with silent_server() as port:
        smtp_settings(port, timeout=1)
        started = timezone.now()
        result = delivery.outbox_drain()
        elapsed = (timezone.now() - started).total_seconds()

    assert result.requeued == 2
    assert elapsed < 5
    assert set(Log.objects.values_list("exception_type", flat=True)) <= {"TimeoutError", "SMTPServerDisconnected"}
    with SMTPServer() as server:
        smtp_settings(server.port)
        assert delivery.outbox_drain(now=later(2)).sent == 2
    assert_booking_intact(booking)


def test_temporary_failures_stop_after_the_maximum_number_of_retries(settings, smtp_settings, booking):
    smtp_settings(free_port())
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 2}
    moment = timezone.now()
    for _ in range(4):
        delivery.outbox_drain(now=moment)
        moment += dt.timedelta(days=1)
    assert statuses() == [STATUS.failed, STATUS.failed]
    assert Log.objects.count() == 6  # the first attempt and two retries, for each email


def test_the_backoff_doubles_up_to_a_cap(settings):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "RETRY_INTERVAL": dt.timedelta(seconds=60)}
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert delivery.backoff(30) == delivery.MAX_BACKOFF


def test_two_drains_never_claim_the_same_email(booking):
    first = delivery.claim_batch(now=timezone.now())
    second = delivery.claim_batch(now=timezone.now())
    assert len(first) == 2 and second == []
