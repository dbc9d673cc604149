import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import counting, services
from articles.models import Article
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_the_jobs_run_once_from_the_command_line(mentor, mentee):
    services.follow(follower=mentee, mentor=mentor)
    article = ArticleFactory(author=mentor, published_at=timezone.now() - dt.timedelta(minutes=1))
    counting.record(article_id=article.pk, visitor="u1", now=timezone.now())
    out = io.StringIO()
    call_command("publish_articles", stdout=out)
    call_command("flush_article_views", stdout=out)
    assert "People told about new articles: 1." in out.getvalue()
    assert "Article views counted: 1." in out.getvalue()
    assert Article.objects.get(pk=article.pk).view_count == 1
