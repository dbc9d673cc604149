import datetime as dt
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.export import user_data_export
from accounts.models import User
from accounts.tests.factories import MentorFactory, UserFactory, staff_member
from articles import COMMENTED_KIND, PUBLISHED_KIND, services
from articles.models import Article, Comment, Follow, Reaction
from articles.tests.factories import ArticleFactory, CommentFactory
from audit.models import Event
from notifications.models import Notification
from schedule.tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _png(width=2000, height=1500) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), "image/png")


def _notified(kind=PUBLISHED_KIND):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


# --- Writing and publishing ---


def test_a_mentor_writes_a_draft_rendered_to_safe_html_once(mentor):
    article = services.article_create(author=mentor, title="Start with tests", body="# Why\n\n**Because**", now=NOW)
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.slug == "start-with-tests"
    assert article.body_html == "<h2>Why</h2>\n<p><strong>Because</strong></p>"
    assert article.summary == "Why. Because"  # a heading ends like a sentence in the summary
    assert not Article.objects.public(now=NOW).exists()


def test_the_same_title_gets_another_address(mentor):
    first = services.article_create(author=mentor, title="Same", body="x", now=NOW)
    second = services.article_create(author=mentor, title="Same", body="y", now=NOW)
    assert first.slug == "same" and second.slug.startswith("same-") and second.slug != first.slug


def test_a_ukrainian_title_gets_a_readable_address_and_one_with_no_letters_still_gets_one(mentor):
    assert services.article_create(author=mentor, title="Привіт, світе", body="x", now=NOW).slug == "pryvit-svite"
    assert services.article_create(author=mentor, title="★ ★ ★", body="x", now=NOW).slug == "article"


@pytest.mark.parametrize(
    ("title", "body", "code"),
    [
        ("", "x", "empty"),
        ("  ", "x", "empty"),
        ("x" * 201, "x", "too_long"),
        ("t", "", "empty"),
        ("t", "a\x00b", "control_characters"),
        ("Tabs\x0band\x01bells", "x", "control_characters"),  # would break the feeds' XML
        ("Title\tand tab", "x", "control_characters"),
        ("\u202eevil", "x", "control_characters"),  # a right-to-left override in a title
        ("t", "bell\x07", "control_characters"),
    ],
)
def test_bad_text_is_refused_and_nothing_is_stored(mentor, title, body, code):
    with pytest.raises(services.ArticleError) as refused:
        services.article_create(author=mentor, title=title, body=body, now=NOW)
    assert refused.value.code == code
    assert not Article.objects.exists()


def test_a_text_keeps_its_line_breaks_and_tabs(mentor):
    article = services.article_create(author=mentor, title="Lists", body="One\r\n\tindented\n\u00adsoft", now=NOW)
    assert article.body == "One\r\n\tindented\n\u00adsoft"


def test_only_mentors_write_articles(mentee):
    with pytest.raises(services.ArticleError, match="Only mentors"):
        services.article_create(author=mentee, title="t", body="b", now=NOW)


def test_a_cover_is_re_encoded_as_a_1200_by_630_jpeg(mentor):
    article = services.article_create(author=mentor, title="t", body="b", cover=_png(), now=NOW)
    with Image.open(article.cover.path) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 630))


def test_a_replaced_or_removed_cover_leaves_no_file_behind(mentor, django_capture_on_commit_callbacks):
    article = services.article_create(author=mentor, title="t", body="b", cover=_png(), now=NOW)
    first = article.cover.path
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=article, by=mentor, title="t", body="b", cover=_png(), now=NOW)
    second = article.cover.path
    assert second != first and os.path.exists(second) and not os.path.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=article, by=mentor, title="t", body="b", remove_cover=True, now=NOW)
    article.refresh_from_db()
    assert not article.cover and not os.path.exists(second)


def test_clearing_a_cover_in_the_admin_removes_it(mentor, client, django_capture_on_commit_callbacks):
    client.force_login(staff_member("Admin", is_superuser=True))  # staff pages need a second factor: it has one
    admin_client = client
    article = services.article_create(author=mentor, title="Mine", body="b", cover=_png(), now=NOW)
    path = article.cover.path
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = admin_client.get(url)
    [comments] = page.context["inline_admin_formsets"]  # read only, but its management form is posted
    management = {
        f"{comments.formset.prefix}-{key}": value for key, value in comments.formset.management_form.initial.items()
    }
    form = {"title": "Mine", "body": "b", "cover-clear": "on", **management}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert response["Location"] == reverse("admin:articles_article_changelist")
    article.refresh_from_db()
    assert not article.cover and not os.path.exists(path)


def test_a_file_that_is_not_an_image_is_refused_as_a_cover(mentor):
    fake = SimpleUploadedFile("cover.png", b"<script>alert(1)</script>", "image/png")
    with pytest.raises(services.ArticleError) as refused:
        services.article_create(author=mentor, title="t", body="b", cover=fake, now=NOW)
    assert refused.value.field == "cover"
    assert not Article.objects.exists()


def test_publishing_now_tells_followers_and_clients_once_in_the_same_transaction(
    mentor, mentee, django_capture_on_commit_callbacks
):
    follower, client_ = UserFactory(), UserFactory()
    stranger = UserFactory()
    services.follow(follower=follower, mentor=mentor)
    services.follow(follower=mentee, mentor=mentor)
    BookingFactory(slot=SlotFactory(mentor=mentor), mentee=client_)
    BookingFactory(slot=SlotFactory(mentor=mentor, start=NOW + dt.timedelta(days=2)), mentee=mentee)  # both
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create(author=mentor, title="News", body="b", publish=True, now=NOW)
    assert article.announced_at == NOW
    assert _notified() == sorted([follower.pk, client_.pk, mentee.pk])
    assert stranger.pk not in _notified()
    note = Notification.objects.filter(recipient=follower).get()
    assert note.link == article.get_absolute_url()
    assert note.text == f"{mentor.display_name} published an article: “News”."

    # Unpublished and published again: nobody is told twice.
    services.article_unpublish(article=article, by=mentor)
    services.article_publish(article=article, by=mentor, now=NOW + dt.timedelta(hours=1))
    assert len(_notified()) == 3


def test_a_future_article_is_hidden_until_its_time_then_announced_once_by_the_job(mentor, mentee):
    services.follow(follower=mentee, mentor=mentor)
    at = NOW + dt.timedelta(days=1)
    article = services.article_create(author=mentor, title="Later", body="b", publish=True, publish_at=at, now=NOW)
    assert article.is_scheduled(NOW)
    assert not Article.objects.public(now=NOW).exists()
    assert services.articles_announce_due(now=NOW) == 0
    assert _notified() == []

    assert Article.objects.public(now=at).get() == article
    assert services.articles_announce_due(now=at) == 1
    assert services.articles_announce_due(now=at + dt.timedelta(minutes=1)) == 0  # a second run, or scheduler
    assert _notified() == [mentee.pk]


def test_a_due_article_of_a_former_mentor_is_not_announced_nor_picked_again(mentor, mentee, django_assert_num_queries):
    services.follow(follower=mentee, mentor=mentor)
    at = NOW + dt.timedelta(days=1)
    services.article_create(author=mentor, title="Later", body="b", publish=True, publish_at=at, now=NOW)
    User.objects.filter(pk=mentor.pk).update(is_mentor=False)  # stopped being a mentor meanwhile
    with django_assert_num_queries(1):  # the due list is empty: nothing is tried each minute
        assert services.articles_announce_due(now=at) == 0
    assert _notified() == []


def test_a_publication_time_in_the_past_or_too_far_ahead_is_refused(mentor):
    article = services.article_create(author=mentor, title="t", body="b", now=NOW)
    for at in (NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=400)):
        with pytest.raises(services.ArticleError):
            services.article_publish(article=article, by=mentor, at=at, now=NOW)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_an_unconfirmed_mentor_may_write_but_not_publish():
    mentor = MentorFactory(email_verified=False)
    article = services.article_create(author=mentor, title="t", body="b", now=NOW)
    with pytest.raises(services.ArticleError, match="confirm your email"):
        services.article_publish(article=article, by=mentor, now=NOW)


def test_only_the_author_edits_and_the_html_follows_the_text(mentor):
    article = services.article_create(author=mentor, title="t", body="*a*", now=NOW)
    with pytest.raises(services.ArticleError):
        services.article_update(article=article, by=MentorFactory(), title="x", body="y")
    services.article_update(article=article, by=mentor, title="New", body="**b**")
    article.refresh_from_db()
    assert (article.title, article.body_html, article.slug) == ("New", "<p><strong>b</strong></p>", "t")


def test_deleting_takes_comments_and_reactions_with_it(mentor, mentee, staff):
    article = ArticleFactory(author=mentor)
    CommentFactory(article=article)
    services.reaction_toggle(article=article, user=mentee, value="like")
    with pytest.raises(services.ArticleError):
        services.article_delete(article=article, by=mentee)
    services.article_delete(article=article, by=staff)
    assert not (Article.objects.exists() or Comment.objects.exists() or Reaction.objects.exists())
    assert Event.objects.get(action=Event.Action.ARTICLE_REMOVE).actor == staff


# --- Comments ---


def test_a_verified_person_comments_and_edits_within_the_window(mentee, settings):
    settings.ARTICLE_COMMENT_EDIT_MINUTES = 10
    article = ArticleFactory(published_at=NOW - dt.timedelta(days=1))
    comment = services.comment_create(article=article, author=mentee, body="  Great  ", now=NOW)
    assert comment.body == "Great"
    services.comment_update(comment=comment, by=mentee, body="Great!", now=NOW + dt.timedelta(minutes=9))
    with pytest.raises(services.ArticleError, match="10 minutes"):
        services.comment_update(comment=comment, by=mentee, body="Later", now=NOW + dt.timedelta(minutes=11))
    with pytest.raises(services.ArticleError):
        services.comment_update(comment=comment, by=UserFactory(), body="Not mine", now=NOW)
    comment.refresh_from_db()
    assert comment.body == "Great!" and comment.edited_at is not None


def test_an_unverified_person_cannot_comment():
    article = ArticleFactory(published_at=NOW - dt.timedelta(days=1))
    with pytest.raises(services.ArticleError, match="confirm your email"):
        services.comment_create(article=article, author=UserFactory(email_verified=False), body="Hi", now=NOW)
    assert not Comment.objects.exists()


def test_no_comments_on_drafts_or_scheduled_articles(mentee):
    for article in (
        ArticleFactory(status="draft", published_at=None),
        ArticleFactory(published_at=NOW + dt.timedelta(1)),
    ):
        with pytest.raises(services.ArticleError, match="not published"):
            services.comment_create(article=article, author=mentee, body="Hi", now=NOW)


def test_the_author_is_told_of_a_comment_on_their_article_but_not_of_their_own(client, mentee, mentor):
    from notifications import kinds  # the sentence is made when the notification is shown

    article = ArticleFactory(author=mentor, title="Saving & <b>first</b>")
    comment = services.comment_create(article=article, author=mentee, body="Thanks!")
    services.comment_create(article=article, author=mentor, body="Glad it helps.")
    [told] = Notification.objects.filter(kind=COMMENTED_KIND)
    assert told.recipient == mentor and told.link == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert kinds.render(told) == f"{mentee.display_name} commented on your article “Saving & <b>first</b>”."
    client.force_login(mentor)  # the page escapes what the text holds
    page = client.get(reverse("notifications:list")).content.decode()
    assert "“Saving &amp; &lt;b&gt;first&lt;/b&gt;”" in page


def test_comments_are_rate_limited_per_hour(mentee, settings):
    settings.ARTICLE_COMMENTS_PER_HOUR = 2
    article = ArticleFactory(published_at=NOW - dt.timedelta(days=1))
    for _ in range(2):
        services.comment_create(article=article, author=mentee, body="Hi", now=NOW)
    with pytest.raises(services.ArticleError) as refused:
        services.comment_create(article=article, author=mentee, body="Hi", now=NOW)
    assert refused.value.code == "rate"
    assert Comment.objects.count() == 2
    services.comment_create(article=article, author=mentee, body="Hi", now=NOW + dt.timedelta(hours=1))


def test_the_author_and_staff_remove_any_comment_others_none(mentor, mentee, staff):
    article = ArticleFactory(author=mentor)
    first, second, third = (CommentFactory(article=article, author=mentee) for _ in range(3))
    with pytest.raises(services.ArticleError):
        services.comment_delete(comment=first, by=UserFactory())
    services.comment_delete(comment=first, by=mentee)
    services.comment_delete(comment=second, by=mentor)
    services.comment_delete(comment=third, by=staff)
    assert not Comment.objects.exists()
    event = Event.objects.get(action=Event.Action.COMMENT_REMOVE)  # only staff's removal of someone else's
    assert (event.actor, event.target_id, event.changes["author"]) == (staff, str(article.pk), mentee.pk)


@pytest.mark.parametrize(
    ("role", "mfa"), [("Manager", True), ("Support", True), (None, True), ("Admin", False), ("superuser", False)]
)
def test_staff_who_do_not_moderate_content_cannot_remove_comments_or_articles(mentor, mentee, role, mfa):
    """Moderating needs the role and, wherever it is used (not only on /dashboard/), a second factor."""
    article = ArticleFactory(author=mentor)
    comment = CommentFactory(article=article, author=mentee)
    superuser = role == "superuser"
    other = staff_member(None if superuser else role, mfa=mfa, is_superuser=superuser)
    with pytest.raises(services.ArticleError):
        services.comment_delete(comment=comment, by=other)
    with pytest.raises(services.ArticleError):
        services.article_delete(article=article, by=other)
    with pytest.raises(services.ArticleError):
        services.article_unpublish(article=article, by=other)
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    assert not Event.objects.exists()


# --- Reactions and follows ---


def test_a_like_toggles_and_switches_to_a_dislike_one_row_per_person(mentee):
    article = ArticleFactory()
    assert services.reaction_toggle(article=article, user=mentee, value="like") == "like"
    assert services.reaction_toggle(article=article, user=mentee, value="dislike") == "dislike"
    assert Reaction.objects.get().value == "dislike"
    assert services.reaction_toggle(article=article, user=mentee, value="dislike") is None
    assert not Reaction.objects.exists()
    with pytest.raises(services.ArticleError):
        services.reaction_toggle(article=article, user=mentee, value="love")


def test_follow_is_once_per_pair_and_toggles(mentor, mentee):
    services.follow(follower=mentee, mentor=mentor)
    services.follow(follower=mentee, mentor=mentor)
    assert Follow.objects.count() == 1
    assert services.follow_toggle(follower=mentee, mentor=mentor) is False
    assert services.follow_toggle(follower=mentee, mentor=mentor) is True
    with pytest.raises(services.ArticleError):
        services.follow(follower=mentor, mentor=mentor)
    with pytest.raises(services.ArticleError):
        services.follow(follower=mentor, mentor=mentee)  # not a mentor


def test_the_data_export_has_articles_comments_reactions_and_follows_and_counts_followers(mentor, mentee):

    article = ArticleFactory(author=mentor, title="Saving first", body="Pay *yourself* first.")
    CommentFactory(article=article, author=mentee, body="Thank you, Olena & co <3")
    services.reaction_toggle(article=article, user=mentee, value="like")
    services.follow(follower=mentee, mentor=mentor)
    theirs = user_data_export(mentor)
    [written] = theirs["articles"]
    assert (written["title"], written["status"], written["text"]) == (
        "Saving first",
        "published",
        "Pay *yourself* first.",
    )
    assert written["address"].endswith(article.get_absolute_url()) and written["published_at"].endswith("Z")
    assert theirs["follower_count"] == 1 and theirs["following"] == [] and theirs["comments"] == []
    mine = user_data_export(mentee)
    assert [(c["article"], c["text"]) for c in mine["comments"]] == [("Saving first", "Thank you, Olena & co <3")]
    assert [(r["article"], r["reaction"]) for r in mine["reactions"]] == [("Saving first", "like")]
    assert [f["mentor"] for f in mine["following"]] == [mentor.display_name] and mine["articles"] == []


def test_leaving_erases_the_persons_articles_comments_and_follows_but_keeps_likes_as_a_count(
    mentor, mentee, django_capture_on_commit_callbacks
):
    from accounts.services import account_deletion_request, account_deletions_complete

    theirs = services.article_create(author=mentor, title="Mine", body="b", cover=_png(), now=NOW)
    cover = theirs.cover.path
    elsewhere = ArticleFactory()
    CommentFactory(article=theirs, author=mentee)
    CommentFactory(article=elsewhere, author=mentor, body="Mentor's words")
    CommentFactory(article=elsewhere, author=mentee, body="Mentee's words")
    services.reaction_toggle(article=elsewhere, user=mentor, value="like")
    services.follow(follower=mentee, mentor=mentor)
    services.follow(follower=mentor, mentor=elsewhere.author)
    account_deletion_request(user=mentor)
    with django_capture_on_commit_callbacks(execute=True):  # the cover file goes once the erasure commits
        assert account_deletions_complete(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert list(Article.objects.all()) == [elsewhere] and not os.path.exists(cover)
    assert list(Comment.objects.values_list("body", flat=True)) == ["Mentee's words"]
    assert not Follow.objects.exists() and Reaction.objects.filter(article=elsewhere).count() == 1


def test_leaving_wipes_the_persons_words_from_staffs_removals_in_the_audit_log(mentee, staff):
    from accounts.services import account_deletion_request, account_deletions_complete

    comment = CommentFactory(author=mentee, body="My phone is +380 67 000 00 00")
    services.comment_delete(comment=comment, by=staff)
    account_deletion_request(user=mentee)
    assert account_deletions_complete(now=timezone.now() + dt.timedelta(days=31)) == 1
    removal = Event.objects.get(action=Event.Action.COMMENT_REMOVE)
    assert removal.changes["body"] == "" and removal.changes["author"] == mentee.pk  # what happened stays
    assert "+380" not in removal.target_label


# --- Races (PostgreSQL) ---


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_announce_a_due_article_once(mentor, mentee):
    import threading

    from django.db import connection

    services.follow(follower=mentee, mentor=mentor)
    article = ArticleFactory(author=mentor, published_at=timezone.now() - dt.timedelta(minutes=1))
    barrier, results = threading.Barrier(4), []

    def run():
        barrier.wait()
        try:
            results.append(services.articles_announce_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert _notified() == [mentee.pk]
    assert Article.objects.get(pk=article.pk).announced_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_and_follows_make_one_row_each(mentor, mentee):
    import threading

    from django.db import connection

    article = ArticleFactory(author=mentor)
    barrier, errors = threading.Barrier(6), []

    def run(i):
        barrier.wait()
        try:
            if i % 2:
                services.reaction_toggle(article=article, user=mentee, value="like")
            else:
                services.follow(follower=mentee, mentor=mentor)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Reaction.objects.filter(article=article, user=mentee).count() <= 1
    assert Follow.objects.filter(follower=mentee, mentor=mentor).count() == 1
