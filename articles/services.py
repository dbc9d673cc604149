"""
State changes of articles, comments, reactions and follows. Every refusal is an ArticleError with a
translated message, raised before anything is stored. The web pages call these, and so will the API.

Publishing: an article is published with a publication time (now, or later). When that time has come
its author's followers and clients (people with a confirmed session with the mentor) are told once,
in the app and live: in the publishing transaction when the time is now, else by the
``publish_due_articles`` job. Either way the article's ``announced_at`` is claimed first with a
conditional update, so two schedulers, or a job and a publish at once, never tell anyone twice.

Pages that show articles (home, mentor pages, article pages) are cached for visitors; every change
here bumps those caches' versions after the commit (``accounts.directory.changed``).
"""

import datetime as dt
import logging
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import directory
from accounts.images import normalize_photo
from accounts.models import Topic, User
from accounts.selectors import has_verified_email
from accounts.validators import is_control_character
from articles import COMMENTED_KIND, PUBLISHED_KIND, counting, selectors
from articles.errors import ArticleError
from articles.markdown import plain_summary, render
from articles.models import (
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    MAX_TOPICS,
    TITLE_MAX_LENGTH,
    Article,
    Comment,
    Follow,
    Reaction,
)
from audit.models import Event
from audit.services import event_record
from core import ratelimit
from core.slugs import slugify
from notifications.services import notify, notify_many

__all__ = [
    "ArticleError",
    "article_create",
    "article_delete",
    "article_publish",
    "article_unpublish",
    "article_update",
    "article_views_flush",
    "articles_announce_due",
    "comment_create",
    "comment_delete",
    "comment_update",
    "follow",
    "follow_toggle",
    "on_person_erased",
    "on_person_left",
    "reaction_toggle",
    "unfollow",
    "user_articles_erase",
]

logger = logging.getLogger(__name__)

# The staff permission (accounts.StaffPermission) to change, unpublish or remove anyone's articles and comments.
MODERATE = "moderate_content"

ARTICLES = "articles"  # the cache namespace of article pages
COVER_SIZE = (1200, 630)  # the size Open Graph and Twitter cards show
SCHEDULE_AHEAD = dt.timedelta(days=365)
ANNOUNCE_PER_RUN = 200


def _changed() -> None:
    """Article pages, and the home and mentor pages that list articles, show the change after the commit."""
    directory.changed(ARTICLES)
    directory.changed()


# --- Checks shared with the forms ---


def _text(value, *, label, limit: int, required: bool = True, one_line: bool = False) -> str:
    """
    ``value`` stripped, or an ArticleError. Control characters are refused (they break the feeds' XML
    and other people's pages); a text of several lines keeps its line breaks and tabs, a title none.
    """
    value = (value or "").strip()
    if one_line:
        refused = any(is_control_character(character) for character in value)  # invisible formatting too
    else:
        refused = any(unicodedata.category(character) == "Cc" and character not in "\n\r\t" for character in value)
    if refused:
        raise ArticleError(_("The text contains a character that is not allowed."), code="control_characters")
    if required and not value:
        raise ArticleError(_("Please fill in the %(field)s.") % {"field": label}, code="empty")
    if len(value) > limit:
        raise ArticleError(
            ngettext(
                "Please keep the %(field)s under %(limit)d character (it has %(length)d).",
                "Please keep the %(field)s under %(limit)d characters (it has %(length)d).",
                limit,
            )
            % {"field": label, "limit": limit, "length": len(value)},
            code="too_long",
        )
    return value


def check_title(title) -> str:
    return _text(title, label=_("title"), limit=TITLE_MAX_LENGTH, one_line=True)


def check_body(body) -> str:
    return _text(body, label=_("text"), limit=BODY_MAX_LENGTH)


def check_comment(body) -> str:
    return _text(body, label=_("comment"), limit=COMMENT_MAX_LENGTH)


def _topics(topics) -> list[Topic]:
    topics = list(dict.fromkeys(topics or []))
    if len(topics) > MAX_TOPICS:
        raise ArticleError(
            ngettext("Choose at most %(max)d topic.", "Choose at most %(max)d topics.", MAX_TOPICS)
            % {"max": MAX_TOPICS},
            code="topics",
            field="topics",
        )
    return topics


def _cover(upload):
    """The uploaded cover re-encoded as a 1200 x 630 JPEG (never the uploaded bytes), or ArticleError."""
    try:
        return normalize_photo(upload, size=COVER_SIZE)
    except ValidationError as error:
        raise ArticleError(error.messages[0], code="cover", field="cover") from None


def _require_author(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_mentor):
        raise ArticleError(_("Only mentors write articles."), code="not_mentor")


def _require_own(article: Article, user: User) -> None:
    if article.author_id != user.pk:
        raise ArticleError(_("Only its author can change this article."), code="not_author")


def _publication_time(at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if at is None:
        return now
    if at < now - dt.timedelta(minutes=5):  # a form filled in a moment ago may name the current minute
        raise ArticleError(
            _("Choose a publication time in the future, or publish now."), code="past", field="publish_at"
        )
    if at > now + SCHEDULE_AHEAD:
        raise ArticleError(_("Publish within a year from now."), code="too_far", field="publish_at")
    return max(at, now)


def _slug_base(title: str) -> str:
    """From the title, in Latin letters ("Як почати з Python": "yak-pochaty-z-python")."""
    return slugify(title)[:80].strip("-") or "article"


def _slug(title: str) -> str:
    base = _slug_base(title)
    if not Article.objects.filter(slug=base).exists():
        return base
    return f"{base}-{secrets.token_hex(3)}"


# --- Articles ---


def article_create(
    *,
    author: User,
    title: str,
    body: str,
    topics=(),
    cover=None,
    publish: bool = False,
    publish_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Article:
    """A mentor writes an article: a draft, or published now or at ``publish_at``."""
    now = now or timezone.now()
    _require_author(author)
    title, body, topics = check_title(title), check_body(body), _topics(topics)
    published_at = None
    if publish:
        _require_verified(author)
        published_at = _publication_time(publish_at, now)
    html = render(body)
    article = Article(
        author=author,
        title=title,
        body=body,
        body_html=html,
        summary=plain_summary(html),
        status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        published_at=published_at,
    )
    if cover:
        article.cover = _cover(cover)
    for attempt in range(3):
        article.slug = _slug(title) if attempt == 0 else f"{_slug_base(title)}-{secrets.token_hex(4)}"
        try:
            with transaction.atomic():
                article.full_clean(exclude=["cover"], validate_unique=False)
                article.save()
                article.topics.set(topics)
                if publish:
                    _announce(article, now=now)
                _changed()
            return article
        except IntegrityError:  # the same address taken a moment ago: try another
            article.pk = None
            continue
    raise ArticleError(_("Could not save the article. Please try again."), code="slug")


def article_update(
    *,
    article: Article,
    by: User,
    title: str,
    body: str,
    topics=(),
    cover=None,
    remove_cover: bool = False,
    now: dt.datetime | None = None,
) -> Article:
    """
    The author (or staff, in the admin) edits the text, topics or cover; publishing is
    ``article_publish`` and ``article_unpublish``. A replaced or removed cover's file is deleted once
    the change commits (media is served publicly: an old cover must not stay reachable).
    """
    if not (article.author_id == by.pk or by.has_staff_perm(MODERATE)):
        raise ArticleError(_("Only its author can change this article."), code="not_author")
    title, body, topics = check_title(title), check_body(body), _topics(topics)
    html = render(body)
    article.title, article.body, article.body_html, article.summary = title, body, html, plain_summary(html)
    fields = ["title", "body", "body_html", "summary", "updated_at"]
    # The stored cover, not ``article.cover``: the admin's form has already cleared or replaced that.
    old_cover = Article.objects.filter(pk=article.pk).values_list("cover", flat=True).first() or ""
    if cover:
        article.cover = _cover(cover)
        fields.append("cover")
    elif remove_cover:
        article.cover = ""
        fields.append("cover")
    with transaction.atomic():
        article.full_clean(exclude=["cover"], validate_unique=False)
        article.save(update_fields=fields)
        article.topics.set(topics)
        _changed()
        if "cover" in fields and old_cover and old_cover != article.cover.name:
            storage = Article._meta.get_field("cover").storage
            transaction.on_commit(lambda: storage.delete(old_cover))
    return article


def _require_verified(user: User) -> None:
    if not has_verified_email(user):
        raise ArticleError(_("Please confirm your email address first (see Sign-in and security)."), code="unverified")


def article_publish(
    *, article: Article, by: User, at: dt.datetime | None = None, now: dt.datetime | None = None
) -> Article:
    """
    Publish now (``at`` None) or at a later time (up to a year ahead). Followers and clients are told
    when it goes public: at once here, or by the job at ``at``; never twice, also not after
    unpublishing and publishing again. Publishing "now" an article that is public already keeps its
    date (it does not go back to the top of the lists).
    """
    now = now or timezone.now()
    _require_own(article, by)
    if at is None and article.is_public(now):
        return article
    _require_author(by)
    _require_verified(by)
    published_at = _publication_time(at, now)
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.PUBLISHED, published_at=published_at, updated_at=now
        )
        article.status, article.published_at = Article.Status.PUBLISHED, published_at
        if published_at <= now:
            _announce(article, now=now)
        _changed()
    return article


def article_unpublish(*, article: Article, by: User, now: dt.datetime | None = None) -> Article:
    """Back to a draft: off the lists, the feed and the sitemap (its address answers 404 to others)."""
    if not (article.author_id == by.pk or by.has_staff_perm(MODERATE)):
        raise ArticleError(_("Only its author can change this article."), code="not_author")
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT, published_at=None)
        article.status, article.published_at = Article.Status.DRAFT, None
        _changed()
    return article


def article_delete(*, article: Article, by: User) -> None:
    """
    The author (or staff who moderate content) deletes an article with its comments and reactions;
    staff deleting someone's article is in the audit log.
    """
    if not (article.author_id == by.pk or by.has_staff_perm(MODERATE)):
        raise ArticleError(_("Only its author can delete this article."), code="not_author")
    with transaction.atomic():
        cover = article.cover.name if article.cover else ""
        if by.pk != article.author_id:
            event_record(
                action=Event.Action.ARTICLE_REMOVE,
                actor=by,
                target=article,
                changes={"author": article.author_id, "title": article.title},
            )
        article.delete()
        if cover:
            storage = Article._meta.get_field("cover").storage
            transaction.on_commit(lambda: storage.delete(cover))
        _changed()


def user_articles_erase(*, user: User) -> None:
    """
    Leaving (called when the account is anonymised): the person's articles (with their comments,
    reactions and cover images), their comments on others' articles and their follows, both ways, are
    deleted. Their likes and dislikes stay, as an anonymous count on others' articles.
    """
    storage = Article._meta.get_field("cover").storage
    covers = [name for name in Article.objects.filter(author=user).values_list("cover", flat=True) if name]
    Article.objects.filter(author=user).delete()
    Comment.objects.filter(author=user).delete()
    Follow.objects.filter(follower=user).delete()
    Follow.objects.filter(mentor=user).delete()
    for cover in covers:
        transaction.on_commit(lambda cover=cover: storage.delete(cover))
    _changed()


def on_person_left(**_facts) -> None:
    """
    ``accounts.hooks.PERSON_LEFT`` and ``PERSON_STAYED``: the person's article pages, cached for
    visitors, go at once (their author is inactive), or come back.
    """
    _changed()


def on_person_erased(*, user: User, **_facts) -> None:
    """``accounts.hooks.PERSON_ERASED``."""
    user_articles_erase(user=user)


def _recipients(article: Article) -> set[int]:
    """The author's followers and clients (a confirmed session), active, without the author."""
    from schedule.models import Booking  # a read of the app below

    followers = Follow.objects.filter(mentor_id=article.author_id, follower__is_active=True).values_list(
        "follower_id", flat=True
    )
    clients = (
        Booking.objects.filter(mentor_id=article.author_id, status=Booking.Status.CONFIRMED, mentee__is_active=True)
        .values_list("mentee_id", flat=True)
        .distinct()
    )
    return (set(followers) | set(clients)) - {article.author_id}


def _announce(article: Article, *, now: dt.datetime) -> int:
    """
    Tell followers and clients about an article that is public now, once: the conditional update on
    ``announced_at`` is the claim (0 rows: told already, or not public). Inside the caller's transaction.
    """
    author = User.objects.only("first_name", "last_name", "email", "deleted_at", "is_active", "is_mentor").get(
        pk=article.author_id
    )
    if not (author.is_active and author.is_mentor):  # a blocked, leaving or former mentor's articles are not public
        return 0
    # Only this row's own columns in the claim: PostgreSQL re-checks them on the row a concurrent claim
    # just updated (a join here would be read from the older snapshot and let both through).
    claimed = Article.objects.filter(
        pk=article.pk, status=Article.Status.PUBLISHED, published_at__lte=now, announced_at__isnull=True
    ).update(announced_at=now)
    if not claimed:
        return 0
    article.announced_at = now
    return notify_many(
        recipient_ids=sorted(_recipients(article)),
        kind=PUBLISHED_KIND,
        params={"name": author.display_name, "title": article.title},
        person=author,
        link=article.get_absolute_url(),
    )


def articles_announce_due(*, now: dt.datetime | None = None) -> int:
    """
    The job: articles whose publication time has come and that nobody was told about yet; each in its
    own transaction. Returns how many people were notified.
    """
    now = now or timezone.now()
    due = list(
        # Public ones only: an article of a blocked or former mentor is not due (nor tried each minute).
        Article.objects.public(now=now)
        .filter(announced_at__isnull=True)
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)[:ANNOUNCE_PER_RUN]
    )
    told = 0
    for pk in due:
        try:
            with transaction.atomic():
                article = Article.objects.filter(pk=pk).first()
                if article is not None:
                    told += _announce(article, now=now)
                    _changed()  # it appears on the home and mentor pages now
        except Exception:  # one article's failure must not stop the others
            logger.exception("Announcing article %s failed; tried again next run", pk)
    return told


def article_views_flush() -> int:
    """The job: move the views counted in the cache into the articles (see ``articles.counting``)."""
    ids = Article.objects.filter(status=Article.Status.PUBLISHED).values_list("pk", flat=True)
    return counting.flush(ids.iterator(chunk_size=2000))


# --- Comments ---


def _require_public(article: Article, now: dt.datetime) -> None:
    if not article.is_public(now):
        raise ArticleError(_("This article is not published."), code="not_public")


def comment_create(*, article: Article, author: User, body: str, now: dt.datetime | None = None) -> Comment:
    """
    A person with a confirmed address comments on a published article (ARTICLE_COMMENTS_PER_HOUR); the
    article's author is notified (in the app), unless it is their own comment.
    """
    now = now or timezone.now()
    if not author.is_authenticated or not author.is_active:
        raise ArticleError(_("Please sign in to comment."), code="anonymous")
    _require_verified(author)
    _require_public(article, now)
    body = check_comment(body)
    limit = settings.ARTICLE_COMMENTS_PER_HOUR
    if not ratelimit.take(f"article-comment:{author.pk}", limit=limit, window_seconds=3600, now=now):
        raise ArticleError(
            ngettext(
                "You can post %(limit)d comment an hour. Please wait a little.",
                "You can post %(limit)d comments an hour. Please wait a little.",
                limit,
            )
            % {"limit": limit},
            code="rate",
            retry_after=ratelimit.seconds_left(window_seconds=3600, now=now),
        )
    comment = Comment(article=article, author=author, body=body, created_at=now)
    comment.full_clean()
    with transaction.atomic():
        comment.save()
        directory.changed(ARTICLES)
        if article.author_id != author.pk:
            notify(
                recipient=article.author,
                kind=COMMENTED_KIND,
                params={"name": author.display_name, "title": article.title},
                person=author,
                link=selectors.comment_url(comment),
            )
    return comment


def comment_edit_deadline(comment: Comment) -> dt.datetime:
    return comment.created_at + dt.timedelta(minutes=settings.ARTICLE_COMMENT_EDIT_MINUTES)


def comment_update(*, comment: Comment, by: User, body: str, now: dt.datetime | None = None) -> Comment:
    """Its author edits a comment within ARTICLE_COMMENT_EDIT_MINUTES of writing it."""
    now = now or timezone.now()
    if comment.author_id != by.pk:
        raise ArticleError(_("Only its author can edit this comment."), code="not_author")
    if now > comment_edit_deadline(comment):
        minutes = settings.ARTICLE_COMMENT_EDIT_MINUTES
        raise ArticleError(
            ngettext(
                "A comment can be edited for %(minutes)d minute after it is posted.",
                "A comment can be edited for %(minutes)d minutes after it is posted.",
                minutes,
            )
            % {"minutes": minutes},
            code="too_late",
        )
    body = check_comment(body)
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(body=body, edited_at=now)
        directory.changed(ARTICLES)
    comment.body, comment.edited_at = body, now
    return comment


def can_remove_comment(comment: Comment, user) -> bool:
    """Its author, the article's author, and staff who moderate content."""
    return user.is_authenticated and (
        comment.author_id == user.pk or comment.article.author_id == user.pk or user.has_staff_perm(MODERATE)
    )


def comment_delete(*, comment: Comment, by: User) -> None:
    """
    Its author deletes a comment; the article's author and staff who moderate content remove anyone's
    (staff removing someone else's comment is in the audit log, with its words).
    """
    if not can_remove_comment(comment, by):
        raise ArticleError(_("You cannot remove this comment."), code="forbidden")
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).delete()
        if by.pk not in (comment.author_id, comment.article.author_id):
            event_record(
                action=Event.Action.COMMENT_REMOVE,
                actor=by,
                target=comment.article,
                changes={"comment": comment.pk, "author": comment.author_id, "body": comment.body[:500]},
            )
        directory.changed(ARTICLES)


# --- Likes and dislikes ---


def reaction_toggle(*, article: Article, user: User, value: str, now: dt.datetime | None = None) -> str | None:
    """
    Like or dislike, once per person: the same choice again takes it back, the other one switches.
    Returns the person's reaction now (None: none). Two clicks at once cannot make two rows: the unique
    constraint is the backstop, and losing the race means the other click's row is switched instead.
    """
    now = now or timezone.now()
    if value not in Reaction.Value.values:
        raise ArticleError(_("Choose like or dislike."), code="value")
    if not user.is_authenticated or not user.is_active:
        raise ArticleError(_("Please sign in to react."), code="anonymous")
    _require_verified(user)
    _require_public(article, now)
    with transaction.atomic():
        taken_back, _counts = Reaction.objects.filter(article=article, user=user, value=value).delete()
        result = None
        if not taken_back:
            result = value
            if not Reaction.objects.filter(article=article, user=user).update(value=value, created_at=now):
                try:
                    with transaction.atomic():
                        Reaction.objects.create(article=article, user=user, value=value, created_at=now)
                except IntegrityError:  # the same person's other click made it a moment ago
                    Reaction.objects.filter(article=article, user=user).update(value=value, created_at=now)
        directory.changed(ARTICLES)
    return result


# --- Following ---


def _followable(follower: User, mentor: User) -> None:
    if not follower.is_authenticated or not follower.is_active:
        raise ArticleError(_("Please sign in to follow mentors."), code="anonymous")
    if not (mentor.is_mentor and mentor.is_active):
        raise ArticleError(_("Only mentors can be followed."), code="not_mentor")
    if follower.pk == mentor.pk:
        raise ArticleError(_("You cannot follow yourself."), code="self")


def follow(*, follower: User, mentor: User, now: dt.datetime | None = None) -> Follow:
    """Follow a mentor (again: nothing changes)."""
    _followable(follower, mentor)
    try:
        with transaction.atomic():
            return Follow.objects.create(follower=follower, mentor=mentor, created_at=now or timezone.now())
    except IntegrityError:  # already following (a second tab, a double click)
        return Follow.objects.get(follower=follower, mentor=mentor)


def unfollow(*, follower: User, mentor: User) -> bool:
    """Stop following; False if one was not following."""
    deleted, _counts = Follow.objects.filter(follower=follower, mentor=mentor).delete()
    return bool(deleted)


def follow_toggle(*, follower: User, mentor: User, now: dt.datetime | None = None) -> bool:
    """Follow, or stop following; returns whether the person follows the mentor now."""
    _followable(follower, mentor)
    if unfollow(follower=follower, mentor=mentor):
        return False
    follow(follower=follower, mentor=mentor, now=now)
    return True
