import datetime as dt

import factory
from django.utils import timezone

from accounts.tests.factories import MentorFactory, UserFactory
from articles.markdown import plain_summary, render
from articles.models import Article, Comment


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article (an hour ago) by a new mentor; ``status="draft", published_at=None`` for a draft."""

    class Meta:
        model = Article

    author = factory.SubFactory(MentorFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    body = "Some **useful** advice.\n\n- one\n- two"
    body_html = factory.LazyAttribute(lambda o: render(o.body))
    summary = factory.LazyAttribute(lambda o: plain_summary(o.body_html))
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(UserFactory)
    body = "Thank you!"
    created_at = factory.LazyFunction(timezone.now)
