"""
Article pages. The public list and article pages are open to everyone; an article page is cached
whole for visitors who are not signed in (``accounts.directory.anonymous_page``, its own "articles"
version, bumped by every change), and counts the view before that (``articles.counting``: the cache,
never a database write). Writing is for mentors; lookups are scoped, so another person's article or
comment is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import directory
from accounts.decorators import mentor_required
from accounts.models import MentorProfile, User
from accounts.selectors import has_verified_email
from articles import counting, selectors, services
from articles.forms import ArticleForm, ArticleSearchForm, CommentForm, ReactionForm
from articles.models import Article, Comment


def _errors(form) -> str:
    return " ".join(message for errors in form.errors.values() for message in errors)


@require_GET
def article_list(request):
    """
    Published articles, newest first: search, a topic, an author (``?author=<mentor page address>``).
    Visitors who are not signed in share the page from the cache (per filters and page, for a minute
    or until an article changes).
    """
    now = timezone.now()
    filters = ArticleSearchForm(request.GET).values()
    page_number = request.GET.get("page", "")[:6]

    def render_page():
        author = None
        if filters["author"]:
            profile = MentorProfile.objects.select_related("user").filter(slug=filters["author"]).first()
            author = profile.user if profile else User(pk=0)  # an unknown author lists nothing
        articles = selectors.public_articles(now=now, query=filters["q"], topic=filters["topic"], author=author)
        page = Paginator(articles, selectors.PAGE_SIZE).get_page(page_number)
        query = request.GET.copy()
        query.pop("page", None)
        others = urlencode({name: value for name, value in filters.items() if value and name in ("q", "topic")})
        context = {
            "page": page,
            "filters": filters,
            "all_authors_url": reverse("articles:list") + (f"?{others}" if others else ""),
            "author": author if author is not None and author.pk else None,
            "topics": selectors.topics_in_use(now=now),
            "querystring": query.urlencode(),
            "form": ArticleSearchForm(initial=filters),
        }
        return render(request, "articles/article_list.html", context)

    parts = (get_language(), timezone.get_current_timezone_name(), *filters.values(), page_number)
    cache_key = directory.key("article-list", *parts, namespace=services.ARTICLES)
    return directory.anonymous_page(request, cache_key, render_page)


@require_GET
def article_detail(request, slug):
    now = timezone.now()
    comments_page = request.GET.get("comments", "")
    comments_page = comments_page if comments_page.isascii() and comments_page.isdecimal() else ""
    comments_page = comments_page[:6]
    parts = (slug[:100], get_language(), timezone.get_current_timezone_name(), comments_page)

    def render_page(count_view=True):
        article = selectors.article_for_page(slug=slug, viewer=request.user, now=now)
        if article is None:
            raise Http404
        if count_view and article.is_public(now) and article.author_id != request.user.pk:
            counting.record(article_id=article.pk, visitor=counting.visitor(request), now=now)
        state = selectors.viewer_state(article=article, viewer=request.user)
        return render(
            request,
            "articles/article_detail.html",
            {
                "article": article,
                "author": article.author,
                "profile": getattr(article.author, "mentor_profile", None),
                "topics": list(article.topics.all()),
                "comments": selectors.comment_page(article=article, number=comments_page or 1),
                "comment_form": CommentForm(),
                "can_comment": has_verified_email(request.user),
                "reaction": state["reaction"],
                "following": state["following"],
                "is_public": article.is_public(now),
                "now": now,
            },
        )

    # Visitors share one cached page: count their view first (a cheap cache operation).
    if not request.user.is_authenticated:
        article_id = _public_id(slug, now)
        if article_id is not None:
            counting.record(article_id=article_id, visitor=counting.visitor(request), now=now)
            cache_key = directory.key("article-page", *parts, namespace=services.ARTICLES)
            return directory.anonymous_page(request, cache_key, lambda: render_page(count_view=False))
    return render_page()


def _public_id(slug: str, now) -> int | None:
    """The id of a public article by its address, from the cache (one query a minute per article)."""
    from django.core.cache import cache

    key = directory.key("article-id", slug[:100], namespace=services.ARTICLES)
    found = cache.get(key)
    if found is None:
        found = Article.objects.public(now=now).filter(slug=slug).values_list("pk", flat=True).first() or 0
        cache.set(key, found, directory.TTL_SECONDS)
    return found or None


@mentor_required
@require_GET
def article_mine(request):
    """The mentor's own articles: drafts, scheduled and published, with their figures."""
    page = Paginator(selectors.my_articles(author=request.user), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/article_mine.html", {"page": page, "now": timezone.now()})


def _save_publication(form: ArticleForm, article: Article, user) -> None:
    """Apply the form's publication choice: keep a draft, unpublish, publish now or schedule."""
    now = timezone.now()
    choice = form.cleaned_data["publish"]
    if choice == ArticleForm.DRAFT:
        if article.status == Article.Status.PUBLISHED:
            services.article_unpublish(article=article, by=user)
    elif choice == ArticleForm.NOW:
        services.article_publish(article=article, by=user, now=now)  # a public article keeps its date
    else:
        services.article_publish(article=article, by=user, at=form.cleaned_data["publish_at"], now=now)


def _publication_message(article: Article) -> str:
    now = timezone.now()
    if article.is_public(now):
        return _("Your article is published.")
    if article.is_scheduled(now):
        return _("Your article will be published at the chosen time; followers are told then.")
    return _("Your draft is saved.")


@mentor_required
@require_http_methods(["GET", "POST"])
def article_create(request):
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                author=request.user,
                title=data["title"],
                body=data["body"],
                topics=data["topics"],
                cover=data["cover"] or None,
                publish=data["publish"] != ArticleForm.DRAFT,
                publish_at=data["publish_at"] if data["publish"] == ArticleForm.LATER else None,
            )
        except services.ArticleError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _publication_message(article))
            return redirect(article)
    status = 400 if form.is_bound else 200
    return render(request, "articles/article_form.html", {"form": form, "article": None}, status=status)


@mentor_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk):
    article = get_object_or_404(Article, pk=pk, author=request.user)
    now = timezone.now()
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES, article=article)
    else:
        publish = ArticleForm.DRAFT
        if article.is_public(now):
            publish = ArticleForm.NOW
        elif article.is_scheduled(now):
            publish = ArticleForm.LATER
        initial = {
            "title": article.title,
            "body": article.body,
            "topics": list(article.topics.all()),
            "publish": publish,
            "publish_at": timezone.localtime(article.published_at) if article.is_scheduled(now) else None,
        }
        form = ArticleForm(initial=initial, article=article)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a refused publication time keeps the edit from being saved too
                services.article_update(
                    article=article,
                    by=request.user,
                    title=data["title"],
                    body=data["body"],
                    topics=data["topics"],
                    cover=data["cover"] or None,
                    remove_cover=data.get("remove_cover", False),
                )
                _save_publication(form, article, request.user)
        except services.ArticleError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _publication_message(article))
            return redirect(article)
    status = 400 if form.is_bound else 200
    return render(request, "articles/article_form.html", {"form": form, "article": article}, status=status)


@mentor_required
@require_http_methods(["GET", "POST"])
def article_delete(request, pk):
    article = get_object_or_404(Article, pk=pk, author=request.user)
    if request.method == "POST":
        services.article_delete(article=article, by=request.user)
        messages.success(request, _("The article is deleted."))
        return redirect("articles:mine")
    return render(request, "articles/article_delete.html", {"article": article})


def _public_or_404(pk) -> Article:
    article = Article.objects.public(now=timezone.now()).filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


@login_required
@require_POST
def article_react(request, pk):
    article = _public_or_404(pk)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose like or dislike."))
    else:
        try:
            services.reaction_toggle(article=article, user=request.user, value=form.cleaned_data["value"])
        except services.ArticleError as error:
            messages.error(request, error.message)
    return redirect(f"{article.get_absolute_url()}#reactions")


@login_required
@require_POST
def comment_create(request, pk):
    article = _public_or_404(pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(f"{article.get_absolute_url()}#comment-form")
    try:
        comment = services.comment_create(article=article, author=request.user, body=form.cleaned_data["body"])
    except services.ArticleError as error:
        messages.error(request, error.message)
        return redirect(f"{article.get_absolute_url()}#comment-form")
    messages.success(request, _("Your comment is posted."))
    return redirect(selectors.comment_url(comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk, author=request.user)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(comment=comment, by=request.user, body=form.cleaned_data["body"])
        except services.ArticleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your comment is saved."))
        return redirect(selectors.comment_url(comment))
    if request.method == "GET" and timezone.now() > services.comment_edit_deadline(comment):
        messages.error(request, _("This comment can no longer be edited."))
        return redirect(selectors.comment_url(comment))
    context = {"form": form, "comment": comment, "article": comment.article}
    return render(request, "articles/comment_form.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def comment_delete(request, pk):
    """Its author, the article's author and staff who moderate content remove a comment; to anyone else, a 404."""
    comment = Comment.objects.select_related("article").filter(pk=pk).first()
    user = request.user
    if comment is None or not services.can_remove_comment(comment, user):
        raise Http404
    services.comment_delete(comment=comment, by=user)
    messages.success(request, _("The comment is removed."))
    return redirect(f"{comment.article.get_absolute_url()}#comments")


@login_required
@require_POST
def follow_toggle(request, pk):
    """Follow a mentor, or stop; back to the page the button was on (the mentor page by default)."""
    mentor = get_object_or_404(User.objects.select_related("mentor_profile"), pk=pk, is_mentor=True, is_active=True)
    back = request.POST.get("next", "")
    # A path on this site only: not "//evil.example" nor "/\\evil.example" (browsers read both as a host).
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None)):
        back = reverse("accounts:mentor_detail", kwargs={"slug": mentor.mentor_profile.slug})
    try:
        following = services.follow_toggle(follower=request.user, mentor=mentor)
    except services.ArticleError as error:
        messages.error(request, error.message)
    else:
        if following:
            messages.success(
                request, _("You follow %(name)s: you will hear about new articles.") % {"name": mentor.display_name}
            )
        else:
            messages.success(request, _("You no longer follow %(name)s.") % {"name": mentor.display_name})
    return redirect(back)
