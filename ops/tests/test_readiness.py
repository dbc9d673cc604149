"""The readiness checks one by one: their rules, their time limit, and that none of them ever raises."""

import datetime as dt
import threading

import pytest
from django.core.cache.backends.locmem import LocMemCache
from post_office.models import STATUS, Email

from ops import readiness
from ops.models import Heartbeat

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _state(result: readiness.Result) -> tuple[str, str]:
    return result.state, result.detail


# --- The scheduler's heartbeat ---


@pytest.mark.django_db
def test_the_scheduler_is_not_checked_when_none_is_configured_and_none_ever_beat(settings):
    settings.SCHEDULER_AUTOSTART = False
    assert readiness.check_scheduler(NOW).state == readiness.NOT_CHECKED


@pytest.mark.django_db
def test_an_in_process_scheduler_that_never_beat_is_failing(settings):
    settings.SCHEDULER_AUTOSTART = True
    assert _state(readiness.check_scheduler(NOW)) == (readiness.FAILING, "no heartbeat yet")


@pytest.mark.django_db
@pytest.mark.parametrize("autostart", [True, False])  # a separate runapscheduler made itself known by beating
def test_the_heartbeat_is_ok_until_it_is_older_than_the_limit(settings, autostart):
    settings.SCHEDULER_AUTOSTART = autostart
    settings.READY_SCHEDULER_MAX_AGE_SECONDS = 300
    Heartbeat.objects.create(name=Heartbeat.SCHEDULER, at=NOW - dt.timedelta(seconds=300))
    assert _state(readiness.check_scheduler(NOW)) == (readiness.OK, "last heartbeat 300 s ago")

    Heartbeat.objects.update(at=NOW - dt.timedelta(seconds=301))
    assert _state(readiness.check_scheduler(NOW)) == (readiness.FAILING, "last heartbeat 301 s ago (limit 300 s)")


@pytest.mark.django_db
def test_a_zero_limit_turns_the_scheduler_check_off(settings):
    settings.SCHEDULER_AUTOSTART = True
    settings.READY_SCHEDULER_MAX_AGE_SECONDS = 0
    Heartbeat.objects.create(name=Heartbeat.SCHEDULER, at=NOW - dt.timedelta(days=3))
    assert readiness.check_scheduler(NOW).state == readiness.NOT_CHECKED


# --- The outbox ---


def _mail(*, status=STATUS.queued, created_ago: dt.timedelta, scheduled_time=None) -> Email:
    email = Email.objects.create(
        from_email="site@example.com", to=["a@example.com"], subject="Hi", status=status, scheduled_time=scheduled_time
    )
    Email.objects.filter(pk=email.pk).update(created=NOW - created_ago)
    return email


@pytest.mark.django_db
def test_the_outbox_fails_when_mail_has_been_due_longer_than_the_limit(settings):
    settings.READY_OUTBOX_MAX_AGE_SECONDS = 900
    assert _state(readiness.check_outbox(NOW)) == (readiness.OK, "nothing waiting")

    _mail(created_ago=dt.timedelta(seconds=900))
    assert _state(readiness.check_outbox(NOW)) == (readiness.OK, "oldest due mail waiting 900 s")

    _mail(created_ago=dt.timedelta(seconds=901))
    assert _state(readiness.check_outbox(NOW)) == (readiness.FAILING, "oldest due mail waiting 901 s (limit 900 s)")


@pytest.mark.django_db
def test_mail_waiting_for_its_retry_counts_from_its_retry_time_not_from_when_it_was_queued(settings):
    settings.READY_OUTBOX_MAX_AGE_SECONDS = 900
    # Queued two hours ago, failed, retried later: due again one minute from now, then ten seconds ago.
    later = NOW + dt.timedelta(minutes=1)
    retry = _mail(status=STATUS.requeued, created_ago=dt.timedelta(hours=2), scheduled_time=later)
    # Sent or failed for good: not waiting.
    _mail(status=STATUS.sent, created_ago=dt.timedelta(days=2))
    _mail(status=STATUS.failed, created_ago=dt.timedelta(days=2))
    assert _state(readiness.check_outbox(NOW)) == (readiness.OK, "nothing waiting")

    Email.objects.filter(pk=retry.pk).update(scheduled_time=NOW - dt.timedelta(seconds=10))
    assert _state(readiness.check_outbox(NOW)) == (readiness.OK, "oldest due mail waiting 10 s")


@pytest.mark.django_db
def test_in_maintenance_mode_waiting_mail_does_not_fail_the_probe(settings):
    from core.maintenance import maintenance_off, maintenance_on

    settings.READY_OUTBOX_MAX_AGE_SECONDS = 900
    _mail(created_ago=dt.timedelta(hours=1))  # held back by the maintenance window
    maintenance_on(by="staff@example.com")
    assert _state(readiness.check_outbox(NOW)) == (
        readiness.NOT_CHECKED,
        "maintenance mode: mail waits until it ends",
    )
    # Once it ends, the held-back mail counts as waiting from the end: the outbox gets the limit to catch up.
    maintenance_off(now=NOW - dt.timedelta(seconds=30))
    assert _state(readiness.check_outbox(NOW)) == (readiness.OK, "oldest due mail waiting 30 s")
    later = NOW + dt.timedelta(seconds=871)
    assert _state(readiness.check_outbox(later)) == (readiness.FAILING, "oldest due mail waiting 901 s (limit 900 s)")


@pytest.mark.django_db
def test_a_zero_limit_turns_the_outbox_check_off(settings):
    settings.READY_OUTBOX_MAX_AGE_SECONDS = 0
    _mail(created_ago=dt.timedelta(days=1))
    assert readiness.check_outbox(NOW).state == readiness.NOT_CHECKED


# --- Time limits: a check that hangs ---


@pytest.fixture
def hanging_cache(monkeypatch, settings):
    """The cache's ``get`` waits until the test lets it go (a black-holed Redis); the limit is 0.2 s."""
    settings.READY_CHECK_TIMEOUT_SECONDS = 0.2
    release = threading.Event()
    original = LocMemCache.get

    def hang(self, *args, **kwargs):
        release.wait(30)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LocMemCache, "get", hang)
    yield release
    release.set()
    for group in list(readiness._running.values()):
        group.join(5)


@pytest.mark.django_db
def test_a_check_that_hangs_fails_after_the_time_limit_and_is_not_started_twice(hanging_cache):
    first = readiness.run_checks()
    assert _state(first["cache"]) == (readiness.FAILING, "no answer within 0.2 s")
    assert first["database"].state == readiness.OK  # the others answered meanwhile

    # The stuck thread is still there: the next probe does not add another.
    threads = threading.active_count()
    second = readiness.run_checks()
    assert _state(second["cache"]) == (readiness.FAILING, "the previous check has not finished")
    assert threading.active_count() <= threads

    hanging_cache.set()
    readiness._running["cache"].join(5)
    assert readiness.run_checks()["cache"].state == readiness.OK


@pytest.mark.django_db
def test_no_check_ever_raises(monkeypatch):
    def boom(now):
        raise RuntimeError("anything at all")

    monkeypatch.setattr(
        readiness,
        "GROUPS",
        tuple(tuple((name, boom) for name, _check in group) for group in readiness.GROUPS),
    )
    results = readiness.run_checks()
    failing = (readiness.FAILING, "RuntimeError")
    assert {name: _state(result) for name, result in results.items()} == dict.fromkeys(readiness.NAMES, failing)
