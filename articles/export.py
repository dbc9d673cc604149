"""The articles' part of "Download my data" (``accounts.hooks.PERSON_EXPORTED``), in six queries."""

from django.conf import settings

from accounts.models import User
from articles.models import Article, Comment, Follow, Reaction
from core.exports import utc


def person_sections(*, user: User, **_facts) -> dict:
    """
    The person's articles (text, topics, cover), comments, likes and dislikes, the mentors they
    follow, and how many follow them: counted, not named (those are other people's choices).
    """
    articles = Article.objects.filter(author=user).prefetch_related("topics").order_by("created_at", "pk")
    comments = Comment.objects.filter(author=user).select_related("article").order_by("created_at", "pk")
    reactions = Reaction.objects.filter(user=user).select_related("article").order_by("created_at", "pk")
    following = Follow.objects.filter(follower=user).select_related("mentor").order_by("created_at", "pk")
    return {
        "articles": [
            {
                "title": article.title,
                "address": f"{settings.SITE_URL}{article.get_absolute_url()}",
                "status": article.status,
                "published_at": utc(article.published_at),
                "topics": [topic.name for topic in article.topics.all()],
                "text": article.body,
                "cover": f"{settings.SITE_URL}{article.cover.url}" if article.cover else None,
                "views": article.view_count,
                "created_at": utc(article.created_at),
                "updated_at": utc(article.updated_at),
            }
            for article in articles
        ],
        "comments": [
            {
                "article": comment.article.title,
                "text": comment.body,
                "written_at": utc(comment.created_at),
                "edited_at": utc(comment.edited_at),
            }
            for comment in comments
        ],
        "reactions": [
            {"article": reaction.article.title, "reaction": reaction.value, "at": utc(reaction.created_at)}
            for reaction in reactions
        ],
        "following": [{"mentor": follow.mentor.display_name, "since": utc(follow.created_at)} for follow in following],
        "follower_count": Follow.objects.filter(mentor=user).count(),
    }
