"""
The business figures on /metrics: their values, their fixed cost per scrape, a database that is down,
several gunicorn workers sharing PROMETHEUS_MULTIPROC_DIR, and the open-sockets gauge.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import OperationalError, connections
from post_office.models import STATUS, Email
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from core.testing import session_cookie
from ops import metrics
from ops.models import Heartbeat
from payments.models import Payment
from schedule.models import Booking
from schedule.tests.factories import BookingFactory, SlotFactory

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def samples(page: bytes) -> dict[tuple[str, tuple], float]:
    """Every sample of a /metrics page: (name, sorted labels) -> value."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(page.decode())
        for sample in family.samples
    }


def business() -> dict[tuple[str, tuple], float]:
    return {key: value for key, value in samples(metrics.exposition()).items() if key[0].startswith("mentorship_")}


@pytest.mark.django_db
def test_the_figures_count_bookings_cancellations_the_outbox_reminders_and_payments(mentor, mentee, staff):
    def booking(hours, *, made_hours_ago=72, **kwargs):
        start = NOW + dt.timedelta(hours=hours)
        slot = SlotFactory(mentor=mentor, start=start, end=start + dt.timedelta(hours=1))
        made = NOW - dt.timedelta(hours=made_hours_ago)
        return BookingFactory(slot=slot, mentee=mentee, created_at=made, **kwargs)

    booking(0.5, made_hours_ago=2)  # upcoming; its 1 h reminder fell due 30 minutes ago and no sweep has run
    paid = booking(-48)  # took place
    cancelled = Booking.Status.CANCELLED
    booking(24, status=cancelled, cancelled_by=mentee)
    booking(25, status=cancelled, cancelled_by=mentor)
    booking(26, status=cancelled, cancelled_by=staff)
    booking(27, status=Booking.Status.EXPIRED)
    Payment.objects.create(
        payer=mentee, mentor=mentor, booking=paid, amount=Decimal("50.00"), currency="USD",
        platform_fee=Decimal("7.50"), mentor_share=Decimal("42.50"), refunded=Decimal("25.00"),
        idempotency_key="k1", status="succeeded",
    )  # fmt: skip
    Payment.objects.create(
        payer=mentee, mentor=mentor, booking=booking(28), amount=Decimal("30.00"), currency="USD",
        platform_fee=Decimal("4.50"), mentor_share=Decimal("25.50"), idempotency_key="k2", status="failed",
    )  # fmt: skip
    for status, age in [(STATUS.queued, 120), (STATUS.queued, 5), (STATUS.failed, 9999), (STATUS.sent, 9999)]:
        email = Email.objects.create(from_email="site@example.com", to=["a@example.com"], subject="Hi", status=status)
        Email.objects.filter(pk=email.pk).update(created=NOW - dt.timedelta(seconds=age))
    Heartbeat.objects.create(name=Heartbeat.SCHEDULER, at=NOW - dt.timedelta(seconds=42))

    figures = business()

    assert {labels[0][1]: v for (name, labels), v in figures.items() if name == "mentorship_bookings"} == {
        "pending": 0,
        "confirmed": 3,
        "cancelled": 3,
        "expired": 1,
    }
    assert figures["mentorship_bookings_upcoming", ()] == 2
    assert {labels[0][1]: v for (name, labels), v in figures.items() if name.startswith("mentorship_booking_canc")} == {
        "mentee": 1,
        "mentor": 1,
        "other": 1,
    }
    assert {labels[0][1]: v for (name, labels), v in figures.items() if name == "mentorship_outbox_emails"} == {
        "queued": 2,
        "requeued": 0,
        "failed": 1,
    }
    assert figures["mentorship_outbox_oldest_due_seconds", ()] == 120
    assert figures["mentorship_reminder_lag_seconds", ()] == 30 * 60
    assert figures["mentorship_scheduler_heartbeat_age_seconds", ()] == 42
    usd = (("currency", "USD"),)
    assert figures["mentorship_payments_succeeded_total", usd] == 1
    assert figures["mentorship_payments_succeeded_amount_total", usd] == 50.0
    assert figures["mentorship_payments_refunded_amount_total", usd] == 25.0
    assert figures["mentorship_business_metrics_up", ()] == 1


@pytest.mark.django_db
def test_a_scrape_costs_a_fixed_number_of_queries(django_assert_num_queries, settings):
    """Bookings, outbox, payments, the oldest due mail, the heartbeat, and one per reminder offset."""
    settings.REMINDER_OFFSETS = [1440, 60]
    for hours in range(1, 6):
        BookingFactory(slot__start=NOW + dt.timedelta(hours=hours), slot__end=NOW + dt.timedelta(hours=hours + 1))
    with django_assert_num_queries(7):
        metrics.exposition()


@pytest.mark.django_db
def test_a_database_that_is_down_leaves_the_process_metrics_and_says_the_figures_are_missing(monkeypatch):
    def refuse(self):
        raise OperationalError("down")

    monkeypatch.setattr(type(connections["default"]), "ensure_connection", refuse)

    page = samples(metrics.exposition())

    assert page["mentorship_business_metrics_up", ()] == 0
    assert not any(name.startswith("mentorship_bookings") for name, _labels in page)
    assert any(name.startswith(("python_", "process_")) for name, _labels in page)


@pytest.mark.django_db
def test_with_a_multiprocess_directory_the_page_sums_the_workers_files(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    page = samples(metrics.exposition())
    assert page["mentorship_business_metrics_up", ()] == 1
    assert not any(name.startswith("python_gc") for name, _labels in page)  # no single process's own figures


# --- Open WebSockets ---


def _open(kind: str) -> float:
    return REGISTRY.get_sample_value("mentorship_websocket_connections", {"consumer": kind})


@pytest.mark.django_db(transaction=True)
def test_open_notification_sockets_are_counted_from_acceptance_to_disconnection(settings, mentee):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    async_to_sync(_sockets_counted)(mentee)


async def _sockets_counted(mentee):
    from mentorship_platform.asgi import application

    origin = (b"origin", b"http://127.0.0.1:8000")
    before = _open("notifications")
    cookie = await sync_to_async(session_cookie)(mentee)
    signed_in = WebsocketCommunicator(application, "/ws/notifications/", headers=[origin, (b"cookie", cookie.encode())])
    refused = WebsocketCommunicator(application, "/ws/notifications/", headers=[origin])

    assert (await signed_in.connect())[0]
    assert not (await refused.connect())[0]
    assert _open("notifications") == before + 1

    await signed_in.disconnect()
    assert _open("notifications") == before
