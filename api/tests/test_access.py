"""
Every endpoint for every kind of caller: anonymous, the owner of the object, another user and staff.
A refusal changes nothing. Another person's booking, draft or comment is a 404, as on the site.
"""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import ListedMentorFactory, UserFactory, staff_member
from api.services import token_create
from articles.models import Article, Comment, Follow
from articles.tests.factories import ArticleFactory, CommentFactory
from notifications.models import Notification
from schedule.models import Booking
from schedule.tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db

A, OWN, X, S = "anonymous", "owner", "other", "staff"


@pytest.fixture
def world():
    mentor = ListedMentorFactory()
    booking = BookingFactory()
    article = ArticleFactory(author=mentor)
    draft = ArticleFactory(author=mentor, status=Article.Status.DRAFT, published_at=None)
    comment = CommentFactory(article=article)
    free_slot = SlotFactory(mentor=mentor)
    notification = Notification.objects.create(
        recipient=booking.mentee, kind="booking_created", params={"name": "M", "start": "2026-12-01T10:00:00+00:00"}
    )
    return {
        "mentor": mentor,
        "booking": booking,
        "article": article,
        "draft": draft,
        "comment": comment,
        "notification": notification,
        "free_slot": free_slot,
        "owners": {
            "booking": booking.mentee,
            "article": mentor,
            "draft": mentor,
            "comment": comment.author,
            "none": booking.mentee,
            "mentor": mentor,
        },
    }


# (name, method, url from the world, body, whose object, {caller: expected status})
CASES = [
    ("mentors", "get", lambda w: reverse("api:mentor-list"), None, "none", {A: 200, OWN: 200, X: 200, S: 200}),
    (
        "mentor",
        "get",
        lambda w: reverse("api:mentor-detail", args=[w["mentor"].mentor_profile.slug]),
        None,
        "none",
        {A: 200, OWN: 200, X: 200, S: 200},
    ),
    (
        "availability",
        "get",
        lambda w: reverse("api:mentor-availability", args=[w["mentor"].mentor_profile.slug]),
        None,
        "none",
        {A: 200, OWN: 200, X: 200, S: 200},
    ),
    ("bookings", "get", lambda w: reverse("api:booking-list"), None, "booking", {A: 401, OWN: 200, X: 200, S: 200}),
    (
        "booking",
        "get",
        lambda w: reverse("api:booking-detail", args=[w["booking"].pk]),
        None,
        "booking",
        {A: 401, OWN: 200, X: 404, S: 404},
    ),
    (
        "booking cancel",
        "post",
        lambda w: reverse("api:booking-cancel", args=[w["booking"].pk]),
        {"reason": "x"},
        "booking",
        {A: 401, OWN: 200, X: 404, S: 404},
    ),
    (
        "booking move",
        "post",
        lambda w: reverse("api:booking-reschedule", args=[w["booking"].pk]),
        {"slot": 999999},
        "booking",
        {A: 401, OWN: 409, X: 404, S: 404},
    ),
    (
        "booking create",
        "post",
        lambda w: reverse("api:booking-list"),
        lambda w: {"slot": w["free_slot"].pk, "note": "Hello"},
        "booking",
        {A: 401, OWN: 201, X: 201, S: 201},
    ),
    (
        "follow",
        "post",
        lambda w: reverse("api:mentor-follow", args=[w["mentor"].mentor_profile.slug]),
        {},
        "mentor",
        {A: 401, OWN: 409, X: 200, S: 200},
    ),
    (
        "unfollow",
        "delete",
        lambda w: reverse("api:mentor-follow", args=[w["mentor"].mentor_profile.slug]),
        None,
        "mentor",
        {A: 401, OWN: 200, X: 200, S: 200},
    ),
    ("topics", "get", lambda w: reverse("api:topics"), None, "none", {A: 200, OWN: 200, X: 200, S: 200}),
    (
        "notifications",
        "get",
        lambda w: reverse("api:notification-list"),
        None,
        "booking",
        {A: 401, OWN: 200, X: 200, S: 200},
    ),
    (
        "notifications read",
        "post",
        lambda w: reverse("api:notification-read"),
        lambda w: {"ids": [w["notification"].pk]},
        "booking",
        {A: 401, OWN: 200, X: 200, S: 200},
    ),
    ("me", "get", lambda w: reverse("api:me"), None, "none", {A: 401, OWN: 200, X: 200, S: 200}),
    (
        "me change",
        "patch",
        lambda w: reverse("api:me"),
        {"first_name": "New"},
        "none",
        {A: 401, OWN: 200, X: 200, S: 200},
    ),
    (
        "me replace",
        "put",
        lambda w: reverse("api:me"),
        {"first_name": "New", "last_name": "Name", "timezone": "Europe/Kyiv", "language": "uk"},
        "none",
        {A: 401, OWN: 200, X: 200, S: 200},
    ),
    (
        "article create",
        "post",
        lambda w: reverse("api:article-list"),
        {"title": "Mine", "body": "Words"},
        "mentor",
        {A: 401, OWN: 201, X: 403, S: 403},
    ),
    ("articles", "get", lambda w: reverse("api:article-list"), None, "article", {A: 200, OWN: 200, X: 200, S: 200}),
    (
        "article",
        "get",
        lambda w: reverse("api:article-detail", args=[w["article"].slug]),
        None,
        "article",
        {A: 200, OWN: 200, X: 200, S: 200},
    ),
    (
        "draft",
        "get",
        lambda w: reverse("api:article-detail", args=[w["draft"].slug]),
        None,
        "draft",
        {A: 404, OWN: 200, X: 404, S: 404},
    ),
    (
        "article change",
        "patch",
        lambda w: reverse("api:article-detail", args=[w["article"].slug]),
        {"title": "New"},
        "article",
        {A: 401, OWN: 200, X: 404, S: 404},
    ),
    (
        "article delete",
        "delete",
        lambda w: reverse("api:article-detail", args=[w["article"].slug]),
        None,
        "article",
        {A: 401, OWN: 204, X: 404, S: 404},
    ),
    (
        "comments",
        "get",
        lambda w: reverse("api:article-comments", args=[w["article"].slug]),
        None,
        "comment",
        {A: 200, OWN: 200, X: 200, S: 200},
    ),
    (
        "comment write",
        "post",
        lambda w: reverse("api:article-comments", args=[w["article"].slug]),
        {"body": "Hi"},
        "comment",
        {A: 401, OWN: 201, X: 201, S: 201},
    ),
    (
        "comment change",
        "patch",
        lambda w: reverse("api:comment-detail", args=[w["comment"].pk]),
        {"body": "Edited"},
        "comment",
        {A: 401, OWN: 200, X: 404, S: 403},
    ),
    (
        "comment replace",
        "put",
        lambda w: reverse("api:comment-detail", args=[w["comment"].pk]),
        {"body": "Edited"},
        "comment",
        {A: 401, OWN: 200, X: 404, S: 403},
    ),
    (
        "comment delete",
        "delete",
        lambda w: reverse("api:comment-detail", args=[w["comment"].pk]),
        None,
        "comment",
        {A: 401, OWN: 204, X: 404, S: 204},
    ),
    (
        "reaction",
        "post",
        lambda w: reverse("api:article-reaction", args=[w["article"].slug]),
        {"value": "like"},
        "article",
        {A: 401, OWN: 200, X: 200, S: 200},
    ),
]


def _state():
    return (
        list(Booking.objects.values_list("pk", "status", "cancel_reason")),
        list(Article.objects.values_list("pk", "title", "status")),
        list(Comment.objects.values_list("pk", "body")),
        list(Notification.objects.values_list("pk", "read_at")),
        list(Follow.objects.values_list("follower_id", "mentor_id")),
        list(User.objects.order_by("pk").values_list("pk", "first_name", "last_name", "timezone", "language")),
    )


@pytest.mark.parametrize("caller", [A, OWN, X, S])
@pytest.mark.parametrize(("name", "method", "url", "body", "whose", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_caller_gets_what_the_site_would_give_and_a_refusal_changes_nothing(
    api, world, caller, name, method, url, body, whose, expected
):
    user = {OWN: world["owners"][whose], X: UserFactory(), S: staff_member("Admin"), A: None}[caller]
    if user is not None:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    body = body(world) if callable(body) else body
    before = _state()
    response = (
        getattr(api, method)(url(world), body, format="json") if body is not None else getattr(api, method)(url(world))
    )
    assert response.status_code == expected[caller], (caller, name, response.content[:300])
    if response.status_code >= 400:
        assert _state() == before
        assert response.json()["code"] and response.json()["message"]


def token_for(user):
    return token_create(user=user, name="Matrix", scope="write")[1]
