"""
Articles mentors write (Markdown, stored twice: as written and as sanitised HTML rendered once on save),
their comments, likes and dislikes, and who follows which mentor.

An article is public when it is published and its ``published_at`` has come (a future date publishes
by itself: every public query filters ``published_at <= now``). Its followers and the mentor's clients
are told once, when it goes public: ``announced_at`` is claimed by a conditional update (see services).

Views are counted in the cache and added to ``view_count`` in batches by a job (``articles.views``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Topic

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000
COMMENT_MAX_LENGTH = 2000
MAX_TOPICS = 5


def cover_path(instance, filename):
    return f"articles/covers/{filename}"


class ArticleQuerySet(models.QuerySet):
    def public(self, *, now):
        """Published, with a publication time that has come, by an active mentor."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
            author__is_active=True,
            author__is_mentor=True,
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="articles", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    # Set once from the title when the article is created: links people shared keep working after edits.
    slug = models.SlugField(_("address"), max_length=100, unique=True, editable=False)
    body = models.TextField(_("text (Markdown)"), max_length=BODY_MAX_LENGTH)
    # The body rendered to sanitised HTML by the services on every save (never on a page view).
    body_html = models.TextField(_("text as HTML"), blank=True, editable=False)
    summary = models.CharField(_("summary"), max_length=300, blank=True, editable=False)
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True)
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True, verbose_name=_("topics"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    # When followers and clients were told (once, when it first went public; kept if it is unpublished, so
    # publishing again tells nobody twice); claimed by a conditional update.
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)
    view_count = models.PositiveBigIntegerField(_("views"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="articles_article_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="articles_public_newest"),
            models.Index(fields=["author", "-published_at"], name="articles_by_author"),
            models.Index(
                fields=["published_at"],
                condition=Q(status="published", announced_at__isnull=True),
                name="articles_to_announce",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def is_public(self, now) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at is not None and self.published_at <= now

    def is_scheduled(self, now) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at is not None and self.published_at > now


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("article"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_comments", verbose_name=_("author")
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["article", "created_at"], name="articles_comments_in_order")]

    def __str__(self):
        return f"{self.author_id} on {self.article_id}"


class Reaction(models.Model):
    """A like or a dislike: one per person per article (a unique constraint), switched or taken back."""

    class Value(models.TextChoices):
        LIKE = "like", _("Like")
        DISLIKE = "dislike", _("Dislike")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("article"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_reactions", verbose_name=_("user")
    )
    value = models.CharField(_("reaction"), max_length=8, choices=Value.choices)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="articles_reaction_once"),
            models.CheckConstraint(condition=Q(value__in=["like", "dislike"]), name="articles_reaction_value"),
        ]

    def __str__(self):
        return f"{self.value} by {self.user_id} on {self.article_id}"


class Follow(models.Model):
    """A person follows a mentor: told about each new article. Once per pair; nobody follows themself."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following", verbose_name=_("follower")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers", verbose_name=_("mentor")
    )
    created_at = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "mentor"], name="articles_follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("mentor")), name="articles_follow_not_self"),
        ]
        indexes = [models.Index(fields=["mentor"], name="articles_followers_of")]

    def __str__(self):
        return f"{self.follower_id} follows {self.mentor_id}"
