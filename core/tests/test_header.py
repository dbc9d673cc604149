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


def test_the_folded_menu_s_button_shows_a_dot_when_something_is_unread_inside(client, mentor, mentee):
    client.force_login(mentee)
    assert "toggler-dot" not in client.get("/").content.decode()
    notify(recipient=mentee, kind=kinds.BOOKING_CREATED, params={"name": "Max", "start": "2026-12-01T10:00:00+00:00"})
    header.forget("notifications", mentee.pk)
    page = client.get("/").content.decode()
    assert 'class="toggler-dot"' in page and "Toggle navigation: there is something new" in page
    client.logout()
    assert "toggler-dot" not in client.get("/").content.decode()
