"""Two schedulers running the digest at once on PostgreSQL still send one email per burst."""

import datetime as dt

import pytest
from post_office.models import Email

from core.mail import KIND_HEADER, MESSAGES
from messaging import services
from schedule.tests.test_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_digest_runs_at_once_send_one_email(mentor, mentee):
    conversation = services.conversation_open(mentor=mentor, mentee=mentee)
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    services.message_send(conversation=conversation, sender=mentee, body="Hello", now=now)
    later = now + dt.timedelta(minutes=30)

    for _ in range(3):  # a race is a matter of timing: give it several chances
        results = run_at_once([lambda: services.message_digest_sweep(now=later)] * 4)
        assert not [r for r in results if isinstance(r, Exception)]

    assert Email.objects.filter(**{f"headers__{KIND_HEADER}": MESSAGES}).count() == 1
    assert sum(results) == 0  # the later rounds found nothing left to announce
