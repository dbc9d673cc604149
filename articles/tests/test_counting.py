"""A view counts once per visitor per article per day, in the cache; a job moves the counts into the database."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import counting, services
from articles.models import Article
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_one_view_per_visitor_per_article_per_day_and_no_database_write():
    article, other = ArticleFactory(), ArticleFactory()
    with CaptureQueriesContext(connection) as queries:
        assert counting.record(article_id=article.pk, visitor="u1", now=NOW)
        assert not counting.record(article_id=article.pk, visitor="u1", now=NOW + dt.timedelta(hours=5))
        assert counting.record(article_id=article.pk, visitor="u2", now=NOW)
        assert counting.record(article_id=other.pk, visitor="u1", now=NOW)
        assert counting.record(article_id=article.pk, visitor="u1", now=NOW + dt.timedelta(days=1))  # a new day
    assert len(queries.captured_queries) == 0
    assert Article.objects.get(pk=article.pk).view_count == 0

    assert services.article_views_flush() == 4
    assert Article.objects.get(pk=article.pk).view_count == 3
    assert Article.objects.get(pk=other.pk).view_count == 1
    assert services.article_views_flush() == 0  # nothing counted twice


def test_views_counted_after_a_flush_wait_for_the_next_one():
    article = ArticleFactory()
    counting.record(article_id=article.pk, visitor="u1", now=NOW)
    services.article_views_flush()
    counting.record(article_id=article.pk, visitor="u2", now=NOW)
    services.article_views_flush()
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_a_cache_that_fails_costs_the_view_not_the_page(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(counting.cache, "add", broken)
    assert counting.record(article_id=1, visitor="u1", now=NOW) is False


def test_behind_the_proxy_visitors_are_told_apart_by_their_own_address(settings, rf):
    from django.contrib.auth.models import AnonymousUser

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # nginx in front: REMOTE_ADDR is the proxy's for everyone

    def request_from(address):
        request = rf.get("/", HTTP_X_FORWARDED_FOR=address, REMOTE_ADDR="10.0.0.2", HTTP_USER_AGENT="Firefox")
        request.user = AnonymousUser()
        return request

    assert counting.visitor(request_from("203.0.113.7")) != counting.visitor(request_from("198.51.100.4"))
    assert counting.visitor(request_from("203.0.113.7")) == counting.visitor(request_from("203.0.113.7"))
