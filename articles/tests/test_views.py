import datetime as dt
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import MentorFactory, TopicFactory, UserFactory
from articles import counting, services
from articles.models import Article, Comment, Follow, Reaction
from articles.tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def _ago(**kwargs):
    return timezone.now() - dt.timedelta(**kwargs)


@pytest.fixture
def article(mentor):
    return ArticleFactory(author=mentor, title="Negotiating a raise", body="Ask **early**.")


# --- The public list ---


def test_the_list_shows_published_articles_only_searchable_by_words_and_topic(client, mentor):
    python = TopicFactory(name="Python")
    shown = ArticleFactory(author=mentor, title="Testing in Python")
    shown.topics.add(python)
    ArticleFactory(author=mentor, title="Fitness at a desk")
    ArticleFactory(author=mentor, title="Draft thoughts", status="draft", published_at=None)
    ArticleFactory(author=mentor, title="Tomorrow's news", published_at=timezone.now() + dt.timedelta(days=1))
    page = client.get(reverse("articles:list")).content.decode()
    assert "Testing in Python" in page and "Fitness at a desk" in page
    assert "Draft thoughts" not in page and "Tomorrow" not in page
    searched = client.get(reverse("articles:list"), {"q": "desk"}).content.decode()
    assert "Fitness at a desk" in searched and "Testing in Python" not in searched
    by_topic = client.get(reverse("articles:list"), {"topic": "python"}).content.decode()
    assert "Testing in Python" in by_topic and "Fitness at a desk" not in by_topic
    by_author = client.get(reverse("articles:list"), {"author": mentor.mentor_profile.slug}).content.decode()
    assert "Testing in Python" in by_author
    assert "Testing" not in client.get(reverse("articles:list"), {"author": "nobody"}).content.decode()


@pytest.mark.parametrize(("viewer", "queries"), [(None, 4), ("mentee", 7)])
@pytest.mark.parametrize("articles", [2, 30])
def test_the_list_query_count_is_pinned(client, mentee, django_assert_num_queries, viewer, queries, articles):
    """Count, one page with like/dislike/comment counts, the page's topics, the topic filter; signed in:
    session, user, the header's counts."""
    topic = TopicFactory(name="Careers")
    for i in range(articles):
        item = ArticleFactory(published_at=_ago(hours=i + 1))
        item.topics.add(topic)
        CommentFactory(article=item)
        Reaction.objects.create(article=item, user=mentee, value="like", created_at=timezone.now())
    if viewer:
        client.force_login(mentee)
    with django_assert_num_queries(queries):
        response = client.get(reverse("articles:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(articles, 12)
    first = response.context["page"].object_list[0]
    assert (first.like_count, first.dislike_count, first.comment_count) == (1, 0, 1)
    if viewer is None:  # visitors: the same page again comes from the cache
        with django_assert_num_queries(0):
            assert client.get(reverse("articles:list")).content == response.content


def test_articles_by_one_mentor_lead_back_to_every_mentor_keeping_the_search_and_topic(client, article):
    slug = article.author.mentor_profile.slug
    page = client.get(
        reverse("articles:list"), {"author": slug, "q": "raise & co", "topic": "careers"}
    ).content.decode()
    assert f"Articles by {article.author.display_name}" in page
    assert 'href="/articles/?q=raise+%26+co&amp;topic=careers"' in page and "Articles by every mentor" in page
    assert (
        'href="/articles/"><i class="bi bi-x-circle'
        in client.get(reverse("articles:list"), {"author": slug}).content.decode()
    )
    assert "Articles by every mentor" not in client.get(reverse("articles:list")).content.decode()


def test_a_visitor_sees_a_new_article_in_the_list_at_once(client, mentor, django_capture_on_commit_callbacks):
    ArticleFactory(title="First one", author=mentor)
    assert "First one" in client.get(reverse("articles:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_create(author=mentor, title="Just published", body="b", publish=True)
    assert "Just published" in client.get(reverse("articles:list")).content.decode()


# --- The article page ---


def test_the_article_page_shows_the_author_card_book_cta_and_meta_tags(client, article, settings):
    settings.SITE_URL = "https://mentorship.example.com"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>early</strong>" in page
    assert "Book a session" in page and f"{article.author.mentor_profile.get_absolute_url()}#availability" in page
    assert '<meta property="og:title" content="Negotiating a raise">' in page
    assert f'<meta property="og:url" content="https://mentorship.example.com{article.get_absolute_url()}">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_drafts_and_scheduled_articles_are_a_404_to_others_and_a_preview_to_their_author(client, mentor, mentee):
    draft = ArticleFactory(author=mentor, status="draft", published_at=None)
    later = ArticleFactory(author=mentor, published_at=timezone.now() + dt.timedelta(days=1))
    for item in (draft, later):
        assert client.get(item.get_absolute_url()).status_code == 404
        client.force_login(mentee)
        assert client.get(item.get_absolute_url()).status_code == 404
        client.force_login(mentor)
        assert "Only you can see" in client.get(item.get_absolute_url()).content.decode()
        client.logout()


@pytest.mark.parametrize(("viewer", "queries"), [(None, 5), ("mentee", 10)])
@pytest.mark.parametrize("comments", [3, 45])
def test_the_article_page_query_count_is_pinned(
    client, article, mentee, django_assert_num_queries, viewer, queries, comments
):
    """
    Visitors: the article's id by its address (cached), the article with author, profile and counts,
    its topics, the comment count and one page of comments with their authors. Signed in: session,
    user, the header's counts, the viewer's reaction and follow in one query, the confirmed address.
    """
    article.topics.add(TopicFactory(name="Careers"))
    for i in range(comments):
        CommentFactory(article=article, created_at=_ago(minutes=comments - i))
    if viewer:
        client.force_login(mentee)
    with django_assert_num_queries(queries):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="comment d-flex') == min(comments, 20)


def test_visitors_get_the_article_page_from_the_cache_and_each_view_is_counted_once(
    client, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    client.get(url, REMOTE_ADDR="203.0.113.1")
    with django_assert_num_queries(0):
        client.get(url, REMOTE_ADDR="203.0.113.1")
        client.get(url, REMOTE_ADDR="203.0.113.2")
    services.article_views_flush()
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_an_author_who_leaves_takes_the_cached_article_page_with_them_at_once(
    client, article, django_capture_on_commit_callbacks
):
    from accounts.services import account_deletion_cancel, account_deletion_request

    url = article.get_absolute_url()
    assert client.get(url).status_code == 200  # now in the visitors' cache
    with django_capture_on_commit_callbacks(execute=True):
        account_deletion_request(user=article.author)
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        account_deletion_cancel(user_id=article.author_id)
    assert client.get(url).status_code == 200


def test_the_author_s_own_views_do_not_count(client, article):
    client.force_login(article.author)
    client.get(article.get_absolute_url())
    assert cache.get(counting.pending_key(article.pk)) is None


# --- Writing ---


def test_a_mentor_writes_and_publishes_an_article_on_the_page(
    client, mentor, mentee, django_capture_on_commit_callbacks
):
    services.follow(follower=mentee, mentor=mentor)
    client.force_login(mentor)
    assert client.get(reverse("articles:create")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("articles:create"), {"title": "My first", "body": "Hello *there*", "publish": "now"}
        )
    article = Article.objects.get()
    assert response["Location"] == article.get_absolute_url()
    assert article.is_public(timezone.now()) and article.announced_at is not None
    assert mentee.notifications.get().link == article.get_absolute_url()
    assert "My first" in client.get(reverse("articles:mine")).content.decode()


def test_scheduling_needs_a_time_and_a_bad_form_stores_nothing(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("articles:create"), {"title": "T", "body": "B", "publish": "later"})
    assert response.status_code == 400 and "Choose when to publish it." in response.content.decode()
    response = client.post(
        reverse("articles:create"), {"title": "T", "body": "B", "publish": "later", "publish_at": "2001-01-01T10:00"}
    )
    assert response.status_code == 400 and "in the future" in response.content.decode()
    assert not Article.objects.exists()


def test_editing_keeps_the_publication_date_of_a_public_article(client, article):
    published_at = article.published_at
    client.force_login(article.author)
    response = client.post(
        reverse("articles:edit", args=[article.pk]), {"title": "Renamed", "body": "New", "publish": "now"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.published_at) == ("Renamed", published_at)
    client.post(reverse("articles:edit", args=[article.pk]), {"title": "Renamed", "body": "New", "publish": "draft"})
    article.refresh_from_db()
    assert article.status == "draft"


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1300, 700), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), "image/png")


def test_the_edit_page_shows_the_current_cover_and_asks_again_for_a_file_a_refused_form_dropped(client, mentor):
    article = services.article_create(author=mentor, title="With a cover", body="b", cover=_png())
    client.force_login(mentor)
    url = reverse("articles:edit", args=[article.pk])
    page = client.get(url).content.decode()
    assert f'src="{article.cover.url}"' in page and "The current cover." in page
    assert "Please choose the image again" not in page
    refused = client.post(url, {"title": "", "body": "b", "publish": "draft", "cover": _png()})
    assert refused.status_code == 400 and "Please choose the image again" in refused.content.decode()
    refused = client.post(url, {"title": "", "body": "b", "publish": "draft"})  # no file chosen: nothing to ask
    assert refused.status_code == 400 and "Please choose the image again" not in refused.content.decode()
    article.refresh_from_db()
    assert article.title == "With a cover"


def test_an_author_whose_address_is_unconfirmed_still_edits_a_public_article(client, article):
    EmailAddress.objects.filter(user=article.author).update(verified=False)  # a new address, not yet confirmed
    client.force_login(article.author)
    response = client.post(
        reverse("articles:edit", args=[article.pk]), {"title": "Renamed", "body": "New", "publish": "now"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Renamed" and article.status == "published"


def test_another_mentor_s_article_is_a_404_to_edit_or_delete(client, article):
    client.force_login(MentorFactory())
    assert client.get(reverse("articles:edit", args=[article.pk])).status_code == 404
    assert client.post(reverse("articles:delete", args=[article.pk])).status_code == 404
    assert Article.objects.filter(pk=article.pk).exists()


def test_mentees_cannot_open_the_writing_pages(client, mentee):
    client.force_login(mentee)
    assert client.get(reverse("articles:create")).status_code == 403
    assert client.get(reverse("articles:mine")).status_code == 403


def test_the_author_deletes_after_a_confirmation(client, article):
    client.force_login(article.author)
    assert "cannot be undone" in client.get(reverse("articles:delete", args=[article.pk])).content.decode()
    assert client.post(reverse("articles:delete", args=[article.pk]))["Location"] == reverse("articles:mine")
    assert not Article.objects.exists()


@pytest.mark.parametrize("articles", [1, 20])
def test_the_writing_pages_query_counts_are_pinned(client, mentor, django_assert_num_queries, articles):
    """
    Session and user each time; the header's counts once (then cached). My articles: count, page with
    counts; the new-article form: the topic choices; editing: the article, its topics, the choices;
    deleting: the article.
    """
    TopicFactory(name="Careers")
    for _ in range(articles):
        ArticleFactory(author=mentor)
    client.force_login(mentor)
    with django_assert_num_queries(5):
        assert client.get(reverse("articles:mine")).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(reverse("articles:create")).status_code == 200
    item = Article.objects.first()
    with django_assert_num_queries(5):
        assert client.get(reverse("articles:edit", args=[item.pk])).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(reverse("articles:delete", args=[item.pk])).status_code == 200


# --- Comments, reactions, follows through the pages ---


def test_a_reader_comments_likes_and_follows(client, article, mentee):
    client.force_login(mentee)
    response = client.post(reverse("articles:comment_create", args=[article.pk]), {"body": "<b>Thanks</b>"})
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Thanks&lt;/b&gt;" in page
    client.post(reverse("articles:react", args=[article.pk]), {"value": "like"})
    assert Reaction.objects.get().value == "like"
    client.post(reverse("articles:follow", args=[article.author.pk]), {"next": article.get_absolute_url()})
    assert Follow.objects.filter(follower=mentee, mentor=article.author).exists()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page and "Unfollow" in page


def test_comments_name_a_reader_petro_s_and_never_by_their_email(client, article, mentee):
    mentee.first_name, mentee.last_name = "Petro", "Savchuk"
    mentee.save()
    nameless = UserFactory(first_name="", last_name="", email="john.private.1985@example.com")
    CommentFactory(article=article, author=mentee, body="First")
    CommentFactory(article=article, author=nameless, body="Second")
    CommentFactory(article=article, author=article.author, body="Third")

    page = client.get(article.get_absolute_url()).content.decode()

    assert "<strong>Petro S.</strong>" in page and "Savchuk" not in page
    assert "<strong>A reader</strong>" in page and "john.private" not in page
    assert f"<strong>{article.author.get_full_name()}</strong>" in page  # a mentor's name is public anyway
    client.force_login(mentee)
    assert "Signed “Petro S.”, for anyone to read." in client.get(article.get_absolute_url()).content.decode()


def test_an_unverified_reader_is_told_to_confirm_and_nothing_is_stored(client, article):
    reader = UserFactory(email_verified=False)
    client.force_login(reader)
    assert "Confirm your email address to comment." in client.get(article.get_absolute_url()).content.decode()
    client.post(reverse("articles:comment_create", args=[article.pk]), {"body": "Hi"})
    assert not Comment.objects.exists()


def test_comment_edit_page_only_for_its_author_within_the_window(client, article, mentee, settings):
    settings.ARTICLE_COMMENT_EDIT_MINUTES = 10
    comment = CommentFactory(article=article, author=mentee)
    old = CommentFactory(article=article, author=mentee, created_at=_ago(minutes=11))
    client.force_login(UserFactory())
    assert client.get(reverse("articles:comment_edit", args=[comment.pk])).status_code == 404
    client.force_login(mentee)
    assert client.get(reverse("articles:comment_edit", args=[comment.pk])).status_code == 200
    client.post(reverse("articles:comment_edit", args=[comment.pk]), {"body": "Edited"})
    assert Comment.objects.get(pk=comment.pk).body == "Edited"
    assert client.get(reverse("articles:comment_edit", args=[old.pk])).status_code == 302
    client.post(reverse("articles:comment_edit", args=[old.pk]), {"body": "Too late"})
    assert Comment.objects.get(pk=old.pk).body == "Thank you!"


def test_the_comment_edit_page_query_count_is_pinned(client, article, mentee, django_assert_num_queries):
    comment = CommentFactory(article=article, author=mentee)
    client.force_login(mentee)
    with django_assert_num_queries(4):  # session, user, the comment with its article, header counts
        assert client.get(reverse("articles:comment_edit", args=[comment.pk])).status_code == 200


def test_the_article_author_removes_a_comment_a_stranger_gets_a_404(client, article, mentee):
    comment = CommentFactory(article=article, author=mentee)
    client.force_login(UserFactory())
    assert client.post(reverse("articles:comment_delete", args=[comment.pk])).status_code == 404
    client.force_login(article.author)
    client.post(reverse("articles:comment_delete", args=[comment.pk]))
    assert not Comment.objects.exists()


# --- Mentor page and home page ---


def test_the_mentor_page_lists_articles_and_a_follow_button(client, article, mentee):
    url = article.author.mentor_profile.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Negotiating a raise" in page and "Follow" in page
    client.force_login(mentee)
    client.post(reverse("articles:follow", args=[article.author.pk]))
    assert "Unfollow" in client.get(url).content.decode()


@pytest.mark.parametrize("back", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:x"])
def test_following_goes_back_to_a_page_of_this_site_only(client, article, mentee, back):
    client.force_login(mentee)
    response = client.post(reverse("articles:follow", args=[article.author.pk]), {"next": back})
    assert response["Location"] == article.author.mentor_profile.get_absolute_url()
    response = client.post(reverse("articles:follow", args=[article.author.pk]), {"next": "/articles/"})
    assert response["Location"] == "/articles/"


def test_the_home_page_shows_three_random_published_articles(client):
    titles = [ArticleFactory(title=f"Pick {i}").title for i in range(6)]
    ArticleFactory(title="Hidden draft", status="draft", published_at=None)
    page = client.get(reverse("home")).content.decode()
    assert sum(title in page for title in titles) == 3
    assert "Hidden draft" not in page


def test_the_home_page_with_articles_query_count_is_pinned(client, django_assert_num_queries):
    """
    With no mentor listed the directory takes three queries (count, topic chips, languages); then the
    ids of published articles (cached for a minute) and the three chosen ones with their authors.
    """
    for _ in range(10):
        ArticleFactory()
    with django_assert_num_queries(5):
        assert client.get(reverse("home")).status_code == 200


# --- Feeds and sitemap ---


def test_the_feeds_list_published_articles(client, article, django_assert_num_queries):
    ArticleFactory(title="Not yet", status="draft", published_at=None)
    with django_assert_num_queries(1):
        rss = client.get(reverse("articles:feed_rss")).content.decode()
    atom = client.get(reverse("articles:feed_atom")).content.decode()
    assert "<rss" in rss and "Negotiating a raise" in rss and "Not yet" not in rss
    assert 'xmlns="http://www.w3.org/2005/Atom"' in atom and "Negotiating a raise" in atom


def test_a_control_character_stored_before_it_was_refused_does_not_break_the_feeds(client, article):
    Article.objects.filter(pk=article.pk).update(title="Tabs\x0band\x01bells", summary="a\x1bb")
    for feed in ("articles:feed_rss", "articles:feed_atom"):
        response = client.get(reverse(feed))
        assert response.status_code == 200 and "Tabsandbells" in response.content.decode()


def test_the_sitemap_lists_articles_and_mentor_pages(client, article, django_assert_num_queries):
    draft = ArticleFactory(status="draft", published_at=None)
    with django_assert_num_queries(4):  # each section: its count (for paging), then its page
        xml = client.get("/sitemap.xml").content.decode()
    assert article.get_absolute_url() in xml and draft.get_absolute_url() not in xml
    assert article.author.mentor_profile.get_absolute_url() in xml
    with django_assert_num_queries(0):  # written once an hour at most: crawlers cannot make it costly
        assert client.get("/sitemap.xml").content.decode() == xml
