"""The newest published articles as RSS 2.0 and Atom (``django.contrib.syndication``), in two queries or fewer."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from articles import selectors


class LatestArticlesFeed(Feed):
    title = _("Mentorship: new articles")
    link = reverse_lazy("articles:list")
    description = _("Articles written by the platform's mentors.")

    def items(self):
        return selectors.feed_articles(now=timezone.now())

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        return item.author.display_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
