"""The newest published articles as RSS 2.0 and Atom (``django.contrib.syndication``), in two queries or fewer."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from articles import selectors

# Characters XML 1.0 cannot carry (C0 controls but tab and line breaks): a row stored before the
# services refused them must not break the feed for everyone.
_NOT_XML = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def _xml_text(value: str) -> str:
    return value.translate(_NOT_XML)


class LatestArticlesFeed(Feed):
    title = _("Mentorship: new articles")
    link = reverse_lazy("articles:list")
    description = _("Articles written by the platform's mentors.")

    def items(self):
        return selectors.feed_articles(now=timezone.now())

    def item_title(self, item):
        return _xml_text(item.title)

    def item_description(self, item):
        return _xml_text(item.summary)

    def item_author_name(self, item):
        return _xml_text(item.author.display_name)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
