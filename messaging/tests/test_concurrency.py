"""On PostgreSQL, with real threads: two digest runs send one email per burst; two staff handle reports once."""

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


def test_two_staff_handling_one_conversations_reports_at_once_handle_them_once(mentor, mentee):
    from accounts.tests.factories import staff_member
    from audit.models import Event
    from messaging import REPORT_HANDLED_KIND
    from notifications.models import Notification

    conversation = services.conversation_open(mentor=mentor, mentee=mentee)
    services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude")
    staff = [staff_member(None, is_superuser=True) for _ in range(2)]  # the roles went with the flush
    results = run_at_once(
        [
            lambda s=s: services.conversation_reports_handle(conversation=conversation, by=s, outcome=f"By {s.pk}")
            for s in staff
        ]
    )
    refused = [r for r in results if isinstance(r, services.MessagingError)]
    assert results.count(1) == 1 and len(refused) == 1 and refused[0].code == "handled"
    assert Event.objects.filter(action=Event.Action.REPORTS_HANDLE).count() == 1
    assert Notification.objects.filter(kind=REPORT_HANDLED_KIND).count() == 1
