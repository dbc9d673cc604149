import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from mailings.tests.factories import NOW
from schedule import jobs

pytestmark = pytest.mark.django_db


def test_send_mailings_runs_what_is_due_and_prints_a_summary(make_mailing, clients):
    make_mailing(start=NOW - dt.timedelta(minutes=1))
    out = io.StringIO()
    call_command("send_mailings", stdout=out)
    assert "1 runs started, 1 runs queued, 2 emails to the outbox, 0 over the daily limit" in out.getvalue()
    again = io.StringIO()
    call_command("send_mailings", stdout=again)
    assert "0 runs started, 0 runs queued, 0 emails" in again.getvalue()


def test_send_mailings_for_one_mailing_says_when_it_runs_next(make_mailing, clients):
    mailing = make_mailing(period="weekly", start=NOW - dt.timedelta(minutes=1))
    out = io.StringIO()
    call_command("send_mailings", "--mailing", str(mailing.pk), stdout=out)
    assert f"Mailing {mailing.pk}: running, next run {(mailing.start_at + dt.timedelta(days=7)).isoformat()}" in (
        out.getvalue()
    )
    with pytest.raises(CommandError):
        call_command("send_mailings", "--mailing", "999999")


def test_the_scheduler_sends_mailings_every_minute():
    [(_job_id, _func, trigger, kwargs, _grace)] = [s for s in jobs.SCHEDULES if s[0] == "send_mailings"]
    assert (trigger, kwargs) == ("interval", {"minutes": 1})
