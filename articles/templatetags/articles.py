"""
``{% load articles %}``: what pages of lower apps show about articles without importing this app (see
ARCHITECTURE.md): ``{% mentor_articles mentor %}`` and ``{% follow_button mentor %}`` on a mentor page,
``{% home_articles %}`` on the home page, and ``|absolute`` for the meta tags' links.
"""

from django import template
from django.conf import settings
from django.utils import timezone

from articles import selectors

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    """A path made absolute with SITE_URL (the same in every cached copy of a page, whoever asked)."""
    if not path or "://" in path:
        return path or ""
    return settings.SITE_URL.rstrip("/") + path


@register.inclusion_tag("articles/_mentor_articles.html")
def mentor_articles(mentor):
    """The mentor page's newest articles (one query)."""
    return {"mentor": mentor, "articles": selectors.mentor_articles(mentor=mentor, now=timezone.now())}


@register.inclusion_tag("articles/_follow_button.html", takes_context=True)
def follow_button(context, mentor, back=""):
    """Follow or Unfollow for signed-in people (one query), a sign-in link for visitors, nothing for oneself."""
    request = context.get("request")
    viewer = request.user if request is not None else None
    return {
        "mentor": mentor,
        "viewer": viewer,
        "following": selectors.is_following(follower=viewer, mentor=mentor) if viewer and viewer != mentor else False,
        "back": back or (request.path if request is not None else ""),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("articles/_home_articles.html")
def home_articles():
    """Three published articles picked at random (see ``selectors.random_articles``)."""
    return {"articles": selectors.random_articles(now=timezone.now())}
