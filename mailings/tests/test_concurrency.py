"""
On PostgreSQL, with real threads: the send_mailings command and the scheduler's job at the same time
start each run once and queue each client once per run.
"""

import collections
import datetime as dt
import io

import pytest
from django.core.management import call_command
from post_office.models import Email

from mailings import jobs, services
from mailings.emails import RUN_HEADER
from mailings.models import Client, Mailing, MailingRun, Recipient
from mailings.tests.factories import NOW, MessageFactory
from schedule.tests.test_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_command_and_the_scheduler_at_once_send_each_recipient_once_per_run(mentor, settings):
    settings.MAILINGS_MAX_RECIPIENTS = 2000
    settings.MAILINGS_DAILY_LIMIT = 5000
    message = MessageFactory(mentor=mentor)
    Client.objects.bulk_create(
        Client(mentor=mentor, email=f"c{n}@example.com", full_name=f"Client {n}", created_at=NOW) for n in range(700)
    )
    for period in (Mailing.Period.ONCE, Mailing.Period.DAILY):
        services.mailing_create(
            mentor=mentor,
            message=message,
            start_at=NOW - dt.timedelta(minutes=1),
            end_at=NOW + dt.timedelta(days=5),
            period=period,
            now=NOW,
        )

    def command():
        call_command("send_mailings", stdout=io.StringIO())

    for _ in range(2):  # a race is a matter of timing: give it two chances
        results = run_at_once([command, jobs.send_mailings, command, jobs.send_mailings])
        assert not [r for r in results if isinstance(r, Exception)], results

    assert MailingRun.objects.count() == 2
    assert set(MailingRun.objects.values_list("status", flat=True)) == {MailingRun.Status.DONE}
    assert Recipient.objects.count() == 1400
    emails = Email.objects.filter(**{f"headers__{RUN_HEADER}__isnull": False})
    per_run_and_address = collections.Counter((e.headers[RUN_HEADER], e.to[0]) for e in emails)
    assert len(per_run_and_address) == 1400 and set(per_run_and_address.values()) == {1}
