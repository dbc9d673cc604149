"""Articles, comments, reactions and follows through the API: the articles app's services and rules."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import ListedMentorFactory, MentorFactory, TopicFactory, UserFactory, staff_member
from articles.models import Article, Comment, Follow, Reaction
from articles.tests.factories import ArticleFactory, CommentFactory
from core.uploads import SizeLimitUploadHandler
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_anyone_reads_published_articles_but_not_drafts(api):
    published = ArticleFactory(title="Ship it & <win>")
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    later = ArticleFactory(published_at=timezone.now() + dt.timedelta(days=1))
    body = api.get(reverse("api:article-list")).json()
    assert [a["slug"] for a in body["results"]] == [published.slug]
    assert body["results"][0]["title"] == "Ship it & <win>" and body["results"][0]["like_count"] == 0
    detail = api.get(reverse("api:article-detail", args=[published.slug])).json()
    assert "<strong>useful</strong>" in detail["body_html"] and detail["body"].startswith("Some **useful**")
    for hidden in (draft, later):
        assert api.get(reverse("api:article-detail", args=[hidden.slug])).status_code == 404


def test_the_list_filters_by_words_topic_and_author(api):
    python = TopicFactory(name="Python")
    author = ListedMentorFactory()
    match = ArticleFactory(author=author, title="Typing in Python")
    match.topics.add(python)
    ArticleFactory(title="Other")
    for params in ({"q": "typing"}, {"topic": "python"}, {"author": author.mentor_profile.slug}):
        assert [a["slug"] for a in api.get(reverse("api:article-list"), params).json()["results"]] == [match.slug]
    assert api.get(reverse("api:article-list"), {"author": "nobody"}).json()["count"] == 0


def test_a_mentor_writes_publishes_and_followers_are_told(as_user):
    mentor = MentorFactory()
    follower = UserFactory()
    Follow.objects.create(follower=follower, mentor=mentor, created_at=timezone.now())
    client = as_user(mentor)
    created = client.post(
        reverse("api:article-list"), {"title": "Draft", "body": "Hello <script>x</script>"}, format="json"
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert "<script>" not in created.json()["body_html"]
    slug = created.json()["slug"]
    published = client.patch(reverse("api:article-detail", args=[slug]), {"publish": True}, format="json")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert Notification.objects.filter(recipient=follower).count() == 1
    unpublished = client.patch(
        reverse("api:article-detail", args=[slug]), {"publish": False, "title": "New"}, format="json"
    )
    assert unpublished.json()["status"] == "draft" and unpublished.json()["title"] == "New"


def test_publishing_a_public_article_again_keeps_its_date(as_user):
    article = ArticleFactory(published_at=timezone.now() - dt.timedelta(days=30))
    before = article.published_at
    client = as_user(article.author)
    response = client.patch(reverse("api:article-detail", args=[article.slug]), {"publish": True}, format="json")
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.published_at == before  # not back to the top of the list


def test_a_mentee_cannot_write_and_a_read_token_cannot_either(as_user):
    response = as_user(UserFactory()).post(reverse("api:article-list"), {"title": "T", "body": "B"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_mentor"
    response = as_user(MentorFactory(), scope="read").post(
        reverse("api:article-list"), {"title": "T", "body": "B"}, format="json"
    )
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_only_the_author_changes_or_deletes_an_article(as_user):
    article = ArticleFactory()
    other = as_user(MentorFactory())
    url = reverse("api:article-detail", args=[article.slug])
    assert other.patch(url, {"title": "Mine now"}, format="json").status_code == 404
    assert other.delete(url).status_code == 404
    author = as_user(article.author)
    assert author.delete(url).status_code == 204
    assert not Article.objects.exists()


def _png(width=1300, height=700) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), "image/png")


def test_the_author_sets_and_removes_the_cover_through_the_api_others_cannot(as_user, monkeypatch):
    article = ArticleFactory(title="Kept title")
    url = reverse("api:article-cover", args=[article.slug])
    assert as_user(MentorFactory()).put(url, {"cover": _png()}, format="multipart").status_code == 404
    author = as_user(article.author)
    response = author.put(url, {"cover": _png()}, format="multipart")
    assert response.status_code == 200 and response.json()["cover"].endswith(".jpg")
    article.refresh_from_db()
    with Image.open(article.cover.path) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 630))  # re-encoded, never the uploaded bytes
    assert article.title == "Kept title"
    fake = SimpleUploadedFile("cover.png", b"<script>alert(1)</script>", "image/png")
    refused = author.put(url, {"cover": fake}, format="multipart")
    assert refused.status_code == 400 and "cover" in refused.json()["fields"]
    assert author.put(url, {}, format="multipart").status_code == 400
    monkeypatch.setattr(SizeLimitUploadHandler, "max_bytes", 1000)  # refused while it streams in
    too_large = author.put(url, {"cover": _png()}, format="multipart")
    assert too_large.status_code == 400 and "too large" in too_large.json()["fields"]["cover"][0]
    article.refresh_from_db()
    assert article.cover  # the refused uploads changed nothing
    assert author.delete(url).json()["cover"] is None
    article.refresh_from_db()
    assert not article.cover


def test_a_past_publication_time_is_a_field_error(as_user):
    client = as_user(MentorFactory())
    response = client.post(
        reverse("api:article-list"),
        {"title": "T", "body": "B", "publish": True, "publish_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400 and "publish_at" in response.json()["fields"]
    assert not Article.objects.exists()


def test_comments_read_by_anyone_written_edited_and_removed_by_the_right_people(api, as_user):
    article = ArticleFactory()
    CommentFactory(article=article, body="First")
    assert [c["body"] for c in api.get(reverse("api:article-comments", args=[article.slug])).json()["results"]] == [
        "First"
    ]
    assert (
        api.post(reverse("api:article-comments", args=[article.slug]), {"body": "x"}, format="json").status_code == 401
    )

    reader = UserFactory()
    client = as_user(reader)
    written = client.post(
        reverse("api:article-comments", args=[article.slug]), {"body": "Great & <useful>"}, format="json"
    )
    assert written.status_code == 201 and written.json()["body"] == "Great & <useful>"
    assert written.json()["author"]["name"] == reader.short_name  # "Petro S.", as the page signs it
    url = reverse("api:comment-detail", args=[written.json()["id"]])
    assert client.patch(url, {"body": "Edited"}, format="json").json()["body"] == "Edited"

    stranger = as_user(UserFactory())
    assert stranger.delete(url).status_code == 404
    assert as_user(article.author).delete(url).status_code == 204  # the article's author removes any
    assert Comment.objects.count() == 1


def test_reactions_toggle_and_count(as_user):
    article = ArticleFactory()
    client = as_user(UserFactory())
    url = reverse("api:article-reaction", args=[article.slug])
    assert client.post(url, {"value": "like"}, format="json").json() == {
        "reaction": "like",
        "like_count": 1,
        "dislike_count": 0,
    }
    assert client.post(url, {"value": "dislike"}, format="json").json() == {
        "reaction": "dislike",
        "like_count": 0,
        "dislike_count": 1,
    }
    assert client.post(url, {"value": "dislike"}, format="json").json() == {
        "reaction": None,
        "like_count": 0,
        "dislike_count": 0,
    }
    assert client.post(url, {"value": "love"}, format="json").status_code == 400
    assert not Reaction.objects.exists()


def test_following_a_mentor_and_stopping(as_user):
    mentor = ListedMentorFactory()
    client = as_user(UserFactory())
    url = reverse("api:mentor-follow", args=[mentor.mentor_profile.slug])
    assert client.post(url).json() == {"following": True}
    assert client.post(url).json() == {"following": True}  # again: still one
    assert Follow.objects.count() == 1
    assert client.delete(url).json() == {"following": False}
    assert not Follow.objects.exists()
    assert as_user(mentor).post(url).json()["code"] == "self"


def test_staff_remove_any_comment(as_user):
    comment = CommentFactory()
    assert as_user(staff_member("Admin")).delete(reverse("api:comment-detail", args=[comment.pk])).status_code == 204


def test_the_article_list_takes_a_fixed_number_of_queries(api, django_assert_num_queries):
    ArticleFactory()
    with django_assert_num_queries(3):  # count, the page with counts and authors, the topics
        assert len(api.get(reverse("api:article-list")).json()["results"]) == 1
    for _ in range(14):
        article = ArticleFactory()
        CommentFactory(article=article)
        article.topics.add(TopicFactory(name="Careers"))
    with django_assert_num_queries(3):  # count, the page with counts and authors, the topics
        assert len(api.get(reverse("api:article-list")).json()["results"]) == 15


def test_more_files_than_django_reads_is_a_json_400_and_changes_nothing(as_user, settings):
    article = ArticleFactory()
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    url = reverse("api:article-cover", args=[article.slug])
    response = as_user(article.author).put(url, {"cover": _png(), "other": _png()}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"code": "too_large", "message": "The request is too large."}
    article.refresh_from_db()
    assert not article.cover


def test_a_comment_over_the_hourly_limit_is_429_saying_when_to_try_again(as_user, settings):
    settings.ARTICLE_COMMENTS_PER_HOUR = 1
    article = ArticleFactory()
    client = as_user(UserFactory())
    url = reverse("api:article-comments", args=[article.slug])
    assert client.post(url, {"body": "One"}, format="json").status_code == 201

    refused = client.post(url, {"body": "Two"}, format="json")

    assert refused.status_code == 429 and refused.json()["code"] == "rate"
    assert 1 <= int(refused["Retry-After"]) <= 3600  # until the hour's window ends
    assert Comment.objects.count() == 1


def test_a_mentor_lists_their_own_articles_drafts_included(api, as_user):
    mentor = MentorFactory()
    draft = ArticleFactory(author=mentor, status=Article.Status.DRAFT, published_at=None)
    scheduled = ArticleFactory(author=mentor, published_at=timezone.now() + dt.timedelta(days=2))
    published = ArticleFactory(author=mentor)
    ArticleFactory()  # someone else's

    mine = as_user(mentor).get(reverse("api:article-list"), {"mine": "true"}).json()["results"]

    assert {a["slug"] for a in mine} == {draft.slug, scheduled.slug, published.slug}
    assert {a["status"] for a in mine} >= {"draft"}
    api.credentials()  # no token
    refused = api.get(reverse("api:article-list"), {"mine": "true"})
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"


def test_a_publishing_time_without_publish_is_refused_not_ignored(as_user):
    mentor = MentorFactory()
    client = as_user(mentor)
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    created = client.post(reverse("api:article-list"), {"title": "T", "body": "B", "publish_at": later}, format="json")
    assert created.status_code == 400 and "publish_at" in created.json()["fields"]
    assert not Article.objects.exists()

    draft = ArticleFactory(author=mentor, status=Article.Status.DRAFT, published_at=None)
    url = reverse("api:article-detail", args=[draft.slug])
    for body in ({"publish_at": later}, {"publish_at": later, "publish": False}):
        assert client.patch(url, body, format="json").status_code == 400
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.published_at is None
    scheduled = client.patch(url, {"publish_at": later, "publish": True}, format="json").json()
    assert scheduled["status"] == "published" and scheduled["published_at"]
