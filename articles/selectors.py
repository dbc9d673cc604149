"""
Reads of articles. Lists carry their like, dislike and comment counts as subquery annotations, so a
page of articles costs the same few queries whatever it holds (no query per article).
"""

import datetime as dt
import random

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts import directory
from accounts.models import Topic, User
from articles.models import Article, Comment, Follow, Reaction

PAGE_SIZE = 12
COMMENTS_PAGE_SIZE = 20
MAX_QUERY_WORDS = 5
RANDOM_POOL = 1000  # the home page picks among the newest this many published articles
FEED_SIZE = 20


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT of ``queryset`` (filtered on ``article=OuterRef('pk')``) as an annotation."""
    counted = queryset.order_by().values("article").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    """``like_count``, ``dislike_count`` and ``comment_count`` on every article, in the same query."""
    mine = Q(article=OuterRef("pk"))
    return articles.annotate(
        like_count=_count(Reaction.objects.filter(mine, value=Reaction.Value.LIKE)),
        dislike_count=_count(Reaction.objects.filter(mine, value=Reaction.Value.DISLIKE)),
        comment_count=_count(Comment.objects.filter(mine)),
    )


def public_articles(*, now: dt.datetime, query: str = "", topic: str = "", author: User | None = None):
    """Published articles, newest first, searched by words of the title or text, by topic or by author."""
    articles = Article.objects.public(now=now)
    for word in query.split()[:MAX_QUERY_WORDS]:
        articles = articles.filter(Q(title__icontains=word) | Q(body__icontains=word))
    if topic:
        articles = articles.filter(topics__slug=topic)
    if author is not None:
        articles = articles.filter(author=author)
    return (
        with_counts(articles)
        .select_related("author", "author__mentor_profile")
        .prefetch_related("topics")
        .order_by("-published_at", "-pk")
    )


def topics_in_use(*, now: dt.datetime) -> QuerySet[Topic]:
    """Topics of published articles, for the list's filter."""
    return Topic.objects.filter(articles__in=Article.objects.public(now=now)).distinct().order_by("name")


def article_for_page(*, slug: str, viewer, now: dt.datetime) -> Article | None:
    """A published article, or its author's own draft or scheduled one (a preview); with counts."""
    articles = with_counts(Article.objects.select_related("author", "author__mentor_profile"))
    visible = Q(status=Article.Status.PUBLISHED, published_at__lte=now, author__is_active=True, author__is_mentor=True)
    if viewer.is_authenticated:
        visible |= Q(author=viewer)
    return articles.filter(visible, slug=slug).first()


def comment_page(*, article: Article, number):
    comments = Comment.objects.filter(article=article).select_related("author").order_by("created_at", "pk")
    return Paginator(comments, COMMENTS_PAGE_SIZE).get_page(number)


def comment_url(comment: Comment) -> str:
    """The page of comments that shows ``comment``, anchored to it."""
    before = Comment.objects.filter(article_id=comment.article_id, created_at__lt=comment.created_at).count()
    number = before // COMMENTS_PAGE_SIZE + 1
    page = f"?comments={number}" if number > 1 else ""
    return f"{comment.article.get_absolute_url()}{page}#comment-{comment.pk}"


def viewer_state(*, article: Article, viewer) -> dict:
    """The viewer's reaction and whether they follow the author: one query, or none for visitors."""
    if not viewer.is_authenticated:
        return {"reaction": None, "following": False}
    reaction = Reaction.objects.filter(article=article, user=viewer).values("value")[:1]
    following = Follow.objects.filter(mentor_id=article.author_id, follower=viewer).values("pk")[:1]
    row = (
        User.objects.filter(pk=viewer.pk)
        .annotate(my_reaction=Subquery(reaction), i_follow=Subquery(following))
        .values("my_reaction", "i_follow")
        .first()
    ) or {}
    return {"reaction": row.get("my_reaction"), "following": row.get("i_follow") is not None}


def is_following(*, follower, mentor) -> bool:
    if not follower.is_authenticated:
        return False
    return Follow.objects.filter(follower=follower, mentor=mentor).exists()


def mentor_articles(*, mentor: User, now: dt.datetime, limit: int = 3) -> list[Article]:
    """The mentor page's newest published articles (one query)."""
    newest = Article.objects.public(now=now).filter(author=mentor).order_by("-published_at", "-pk")
    # What the list shows: not the bodies, which may be long (and are read on the article's own page).
    return list(newest.only("author_id", "title", "slug", "summary", "published_at")[:limit])


def my_articles(*, author: User) -> QuerySet[Article]:
    """The author's own articles, drafts and scheduled ones included, newest first, with counts."""
    return with_counts(Article.objects.filter(author=author)).order_by("-created_at", "-pk")


def random_articles(*, now: dt.datetime, count: int = 3) -> list[Article]:
    """
    A few published articles picked at random for the home page, without ``ORDER BY random()``: the
    ids of the newest RANDOM_POOL published articles are cached (one indexed query a minute, or after
    any article changes), ``count`` are sampled from them in Python and fetched by id.
    """
    key = directory.key("article-ids", namespace="articles")
    ids = cache.get(key)
    if ids is None:
        ids = list(
            Article.objects.public(now=now).order_by("-published_at", "-pk").values_list("pk", flat=True)[:RANDOM_POOL]
        )
        cache.set(key, ids, directory.TTL_SECONDS)
    if not ids:
        return []
    chosen = random.sample(ids, min(count, len(ids)))
    articles = Article.objects.public(now=now).filter(pk__in=chosen).select_related("author")
    return sorted(articles, key=lambda article: chosen.index(article.pk))


def feed_articles(*, now: dt.datetime) -> list[Article]:
    return list(Article.objects.public(now=now).select_related("author").order_by("-published_at", "-pk")[:FEED_SIZE])
