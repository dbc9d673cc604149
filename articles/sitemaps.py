"""``/sitemap.xml``: published articles and the public pages of mentors (``django.contrib.sitemaps``)."""

from django.contrib.sitemaps import Sitemap
from django.utils import timezone

from accounts.models import MentorProfile
from articles.models import Article


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10_000

    def items(self):
        return Article.objects.public(now=timezone.now()).only("slug", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.updated_at


class MentorSitemap(Sitemap):
    """Mentor pages that open (an active mentor); the directory's stricter "listed" rule is not needed here."""

    changefreq = "daily"
    limit = 10_000

    def items(self):
        return (
            MentorProfile.objects.filter(user__is_mentor=True, user__is_active=True)
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"articles": ArticleSitemap, "mentors": MentorSitemap}
