"""
/healthz, /readyz and /metrics through the whole middleware stack, as a load balancer, an orchestrator
and Prometheus call them: what each answers, and that a failing dependency is a 503 naming it, never a 500.
"""

import datetime as dt
import logging

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, connections
from post_office.models import STATUS, Email

from ops.models import Heartbeat

TOKEN = "s3cret-token-for-prometheus-0123456789"


def _json(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- /healthz ---


@pytest.mark.django_db  # allowed, so that counting the queries means something
def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert _json(response) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie, no language cookie


# --- /readyz ---


@pytest.mark.django_db
def test_readyz_is_200_when_every_dependency_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = _json(response)
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "scheduler", "outbox"}
    states = {name: check["state"] for name, check in body["checks"].items()}
    # No scheduler in the tests (SCHEDULER_AUTOSTART=false) and none has ever beaten: nothing to check.
    assert states == {
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
        "scheduler": "not checked",
        "outbox": "ok",
    }
    assert body["checks"]["channel_layer"]["detail"] == "in memory, this process only"


def _not_ready(client, failing: str) -> dict:
    """The answer is a 503 naming ``failing`` (and the JSON body says why)."""
    response = client.get("/readyz")
    assert response.status_code == 503
    body = _json(response)
    assert body["status"] == "not ready"
    assert body["checks"][failing]["state"] == "failing", body
    return body["checks"]


@pytest.mark.django_db
def test_a_database_that_is_down_is_a_503_naming_it(client, monkeypatch):
    def refuse(self):
        raise OperationalError("connection to server at 10.0.0.9 refused")

    monkeypatch.setattr(type(connections["default"]), "ensure_connection", refuse)

    checks = _not_ready(client, "database")

    assert checks["database"]["detail"] == "OperationalError"  # the class, never the message with its host
    assert checks["outbox"]["state"] == "failing" and checks["cache"]["state"] == "ok"


@pytest.mark.django_db
def test_a_cache_that_raises_is_a_503_naming_it_logged_as_a_warning_not_an_error(client, monkeypatch, caplog):
    def down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379")

    monkeypatch.setattr(LocMemCache, "set", down)

    checks = _not_ready(client, "cache")

    assert checks["cache"]["detail"] == "ConnectionError"
    assert checks["database"]["state"] == "ok"
    # A probe every few seconds while Redis is down: warnings, never an ERROR that Sentry would report.
    assert "Not ready: cache: ConnectionError" in caplog.messages
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


class BrokenLayer:
    """A channel layer whose server is gone (settings point CHANNEL_LAYERS at it)."""

    def __init__(self, **config):
        pass

    async def new_channel(self, prefix="specific"):
        return f"{prefix}.broken!1"

    async def send(self, channel, message):
        raise ConnectionRefusedError("redis:6379")


@pytest.mark.django_db
def test_a_channel_layer_that_raises_is_a_503_naming_it(client, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "ops.tests.test_views.BrokenLayer"}}

    checks = _not_ready(client, "channel_layer")

    assert checks["channel_layer"]["detail"] == "ConnectionRefusedError"


@pytest.mark.django_db(transaction=True)  # the checks read in a thread of their own: the rows must be committed
def test_a_stale_scheduler_heartbeat_is_a_503(client):
    Heartbeat.objects.create(name=Heartbeat.SCHEDULER, at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6))

    checks = _not_ready(client, "scheduler")

    assert checks["scheduler"]["detail"].endswith("ago (limit 300 s)")


@pytest.mark.django_db(transaction=True)
def test_mail_due_for_longer_than_the_limit_is_a_503(client):
    email = Email.objects.create(from_email="site@example.com", to=["a@b.example"], subject="Hi", status=STATUS.queued)
    Email.objects.filter(pk=email.pk).update(created=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))

    checks = _not_ready(client, "outbox")

    assert checks["outbox"]["detail"].endswith("(limit 900 s)")


# --- /metrics ---


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    return settings


def test_unprotected_metrics_do_not_exist_in_production(client, production):
    response = client.get("/metrics")
    assert response.status_code == 404
    assert b"mentorship_" not in response.content


@pytest.mark.django_db
def test_unprotected_metrics_are_open_in_development(client, production):
    production.DEBUG = True
    assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}"],
)
def test_metrics_refuse_a_missing_or_wrong_token(client, production, authorization):
    production.METRICS_TOKEN = TOKEN
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = client.get("/metrics", **headers)
    assert response.status_code == 403
    assert b"mentorship_" not in response.content


@pytest.mark.django_db
def test_metrics_with_the_right_token_show_the_business_figures(client, production):
    production.METRICS_TOKEN = TOKEN

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    for name in (
        "mentorship_bookings{",
        "mentorship_bookings_upcoming ",
        "mentorship_booking_cancellations_total{",
        "mentorship_outbox_emails{",
        "mentorship_outbox_oldest_due_seconds ",
        "mentorship_reminder_lag_seconds ",
        "mentorship_business_metrics_up 1.0",
        "django_http_requests_total_by_method",  # django-prometheus's middleware
    ):
        assert name in text, name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote_addr", "status"),
    [
        ("10.0.0.7", 200),
        ("::ffff:10.0.0.7", 200),  # the same client on a dual-stack socket
        ("192.168.1.200", 200),
        ("10.0.1.7", 403),
        ("127.0.0.1", 403),
        ("", 403),
        ("not an address", 403),
    ],
)
def test_metrics_answer_only_the_allowed_addresses(client, production, remote_addr, status):
    production.METRICS_ALLOWED_IPS = ["10.0.0.7", "192.168.1.0/24", "nonsense"]
    assert client.get("/metrics", REMOTE_ADDR=remote_addr).status_code == status


@pytest.mark.django_db
def test_with_a_token_and_addresses_both_must_match(client, production):
    production.METRICS_TOKEN = TOKEN
    production.METRICS_ALLOWED_IPS = ["10.0.0.7"]
    right = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}

    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7", **right).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.8", **right).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7").status_code == 403
