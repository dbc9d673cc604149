"""``/sitemap.xml``: published articles and the public pages of mentors (``django.contrib.sitemaps``)."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.utils import timezone
from django.views.decorators.cache import cache_page

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


# Written for crawlers: thousands of addresses take seconds to write (the benchmark's 6,000: 2.8 s), so
# it is written at most once in this time per cache, and new articles reach it within the hour.
SITEMAP_CACHE_SECONDS = 60 * 60


@cache_page(SITEMAP_CACHE_SECONDS)
def sitemap_view(request):
    return sitemap(request, sitemaps=SITEMAPS)
