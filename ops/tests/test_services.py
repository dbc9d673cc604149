"""The scheduler's heartbeat: written by a job every minute, read by /readyz."""

import datetime as dt

import pytest

from ops import jobs, readiness, services
from ops.models import Heartbeat
from schedule import jobs as schedule_jobs

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_the_heartbeat_is_one_row_moved_forward():
    first = services.heartbeat_record(now=NOW)
    second = services.heartbeat_record(now=NOW + dt.timedelta(minutes=1))

    assert first.pk == second.pk and Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get().at == NOW + dt.timedelta(minutes=1)


def test_the_heartbeat_job_runs_every_minute_and_closes_old_connections():
    declared = {job_id: (func, trigger, args) for job_id, func, trigger, args, _grace in schedule_jobs.SCHEDULES}
    func, trigger, trigger_args = declared["scheduler_heartbeat"]
    assert func is jobs.scheduler_heartbeat and hasattr(func, "__wrapped__")
    assert (trigger, trigger_args) == ("interval", {"minutes": 1})


@pytest.mark.django_db(transaction=True)  # /readyz reads in a thread of its own
def test_once_the_job_has_run_the_scheduler_is_ready(client, settings):
    settings.SCHEDULER_AUTOSTART = True
    before = client.get("/readyz")
    assert before.status_code == 503
    assert before.json()["checks"]["scheduler"]["detail"] == "no heartbeat yet"

    jobs.scheduler_heartbeat()

    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["scheduler"]["state"] == readiness.OK
