"""The header's unread counts: at most one query for all of them, then the cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import header
from notifications import kinds
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_every_count_comes_from_one_query_then_from_the_cache(mentor, mentee):
    notify(recipient=mentor, kind=kinds.BOOKING_CREATED, params={"name": "Mia", "start": "2026-12-01T10:00:00+00:00"})
    with CaptureQueriesContext(connection) as cold:
        counts = header.counts(mentor)
    assert counts == {"notifications": 1, "messages": 0} and len(cold.captured_queries) == 1
    with CaptureQueriesContext(connection) as warm:
        assert header.counts(mentor) == counts
    assert len(warm.captured_queries) == 0

    header.forget("notifications", mentor.pk)
    with CaptureQueriesContext(connection) as one_missing:
        assert header.counts(mentor)["notifications"] == 1
    assert len(one_missing.captured_queries) == 1 and header.counts(mentee) == {"notifications": 0, "messages": 0}
