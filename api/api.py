"""
The REST API (``/api/v1/``): thin views over the same selectors and services as the site's pages, so the
race guarantees, the rules and the messages are the same. Another person's booking or notification is a
404, as on the site.
"""

import datetime as dt
import re
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes, schema
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import directory
from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.forms import DirectoryFilterForm
from accounts.models import Topic
from api import serializers as s
from api.exceptions import api_error, refusals
from api.permissions import SIGNED_IN
from articles import selectors as article_selectors
from articles import services as article_services
from articles.models import Article, Comment
from notifications import services as notification_services
from notifications.models import Notification
from schedule import selectors as schedule_selectors
from schedule import services as schedule_services
from schedule.models import Booking

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")

DIRECTORY_PARAMETERS = [
    OpenApiParameter("q", str, description="Words to find in the name, headline, bio, languages and topics."),
    OpenApiParameter("topic", str, description="A topic's slug."),
    OpenApiParameter("language", str, description="One language the mentor speaks."),
    OpenApiParameter("price_min", float),
    OpenApiParameter("price_max", float),
    OpenApiParameter("this_week", bool, description="Only mentors with a free time in the next 7 days."),
    OpenApiParameter("sort", str, enum=["soonest", "price", "rating"]),
]

LIST_PARAMETERS = {parameter.name for parameter in DIRECTORY_PARAMETERS} | {"page", "page_size"}


def _profiles():
    return schedule_selectors.with_next_free_slot(
        account_selectors.listed_mentors()
        .select_related("user")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
    )


@extend_schema_view(
    list=extend_schema(summary="Find mentors", parameters=DIRECTORY_PARAMETERS),
    retrieve=extend_schema(summary="A mentor"),
)
class MentorViewSet(viewsets.ReadOnlyModelViewSet):
    """The directory: listed mentors, with the same filters and order as the home page."""

    serializer_class = s.MentorSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,80}"

    def list(self, request, *args, **kwargs):
        # A page of the directory is the same for everyone: kept like the home page's list (under the
        # directory's cache version, which every visible change bumps, for a minute at most), per host,
        # search (however its parameters are ordered: the links in it are equivalent, but a parameter
        # given twice keeps its values' order, as the last one counts) and language. A query with any
        # other parameter is answered uncached, so made-up parameters cannot fill the cache.
        if not set(request.query_params) <= LIST_PARAMETERS or len(request.get_full_path()) > 500:
            return super().list(request, *args, **kwargs)
        pairs = ((k, v) for k, values in request.query_params.lists() for v in values)
        query = urlencode(sorted(pairs, key=lambda pair: pair[0]))
        cache_key = directory.key("api-mentors", request.build_absolute_uri(request.path), query, get_language())
        data = cache.get(cache_key)
        if data is None:
            data = super().list(request, *args, **kwargs).data
            cache.set(cache_key, data, directory.TTL_SECONDS)
        return Response(data)

    def get_queryset(self):
        if self.action == "list":
            search = DirectoryFilterForm(self.request.query_params).search()
            return schedule_selectors.with_next_free_slot(account_selectors.mentor_directory(**search.filters()))
        return _profiles()

    @extend_schema(
        summary="A mentor's free times",
        parameters=[s.AvailabilityQuerySerializer],
        responses=s.SlotSerializer(many=True),
    )
    @action(detail=True, pagination_class=None)
    def availability(self, request, slug=None):
        """Free times of the mentor that can be booked, from ``start`` for ``days`` days in the zone ``tz``."""
        profile = get_object_or_404(account_selectors.listed_mentors(), slug=slug)
        query = s.AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zone = s.zone_or_default(query.validated_data.get("tz"), request.user)
        first = query.validated_data.get("start") or timezone.now().astimezone(zone).date()
        begin = dt.datetime.combine(first, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(first + dt.timedelta(days=query.validated_data["days"]), dt.time(), tzinfo=zone)
        slots = (
            schedule_selectors.bookable_slots()
            .filter(mentor=profile.user_id, start__gte=begin, start__lt=end)
            .order_by("start")
            .only("pk", "start", "end")
        )
        return Response(s.SlotSerializer(slots, many=True, context={"zone": zone}).data)

    @extend_schema(
        methods=["POST", "DELETE"],
        summary="Follow a mentor (POST) or stop (DELETE)",
        request=None,
        responses={200: s.FollowResultSerializer},
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=SIGNED_IN)
    def follow(self, request, slug=None):
        """Followers are told about each new article of the mentor, at once and in their notifications."""
        profile = get_object_or_404(account_selectors.listed_mentors(), slug=slug)
        with refusals():
            if request.method == "DELETE":
                article_services.unfollow(follower=request.user, mentor=profile.user)
            else:
                article_services.follow(follower=request.user, mentor=profile.user)
        return Response({"following": request.method != "DELETE"})


@extend_schema_view(
    list=extend_schema(summary="My bookings"),
    retrieve=extend_schema(summary="One of my bookings"),
    create=extend_schema(
        summary="Book a free time",
        request=s.BookingCreateSerializer,
        responses={201: s.BookingSerializer, 200: s.BookingSerializer},
        description=(
            "Books the slot at once with a free mentor. With a paid mentor the time is held for the payment "
            "(status `pending`, `hold_expires_at`): pay on `checkout_url` before it runs out. The same request "
            "again, when the first one's answer was lost, answers 200 with the booking it made."
        ),
    ),
)
class BookingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Sessions I take part in (as the client or the mentor), and my holds: waiting for payment, or ended unpaid."""

    serializer_class = s.BookingSerializer
    permission_classes = SIGNED_IN
    lookup_value_regex = r"[0-9]{1,18}"  # longer cannot be an id (and would overflow the database)

    def get_queryset(self):
        return (
            schedule_selectors.bookings_with_own_holds(user=self.request.user)
            .select_related("mentor")
            .order_by("-slot__start", "-pk")
        )

    def create(self, request, *args, **kwargs):
        data = s.BookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot_id = data.validated_data["slot"]
        book = (
            schedule_services.booking_hold
            if schedule_selectors.needs_payment(slot_id=slot_id)
            else schedule_services.booking_create
        )
        try:
            booking = book(slot_id=slot_id, mentee=request.user, note=data.validated_data["note"])
        except schedule_services.BookingError as error:
            mine = schedule_selectors.own_active_booking(slot_id=slot_id, mentee=request.user)
            shown = self.get_queryset().filter(pk=mine.pk).first() if mine is not None else None
            if shown is None:
                raise api_error(error) from None
            # A retried request (the answer to the first one was lost): the booking it made, not "taken".
            return Response(self.get_serializer(shown).data)
        return Response(self.get_serializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel a booking",
        description="A time held for payment (status `pending`) is given up instead: nothing is charged, the "
        "time is free again at once, and the booking reads `expired`.",
        request=s.BookingCancelSerializer,
        responses=s.BookingSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        booking = self.get_object()
        data = s.BookingCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals():
            if booking.status == Booking.Status.PENDING:
                schedule_services.booking_hold_release(booking=booking, by=request.user)
            else:
                schedule_services.booking_cancel(booking=booking, by=request.user, reason=data.validated_data["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=booking.pk)).data)

    @extend_schema(
        summary="Move a booking to another free time of the same mentor",
        description="The client, or the mentor of the session, moves a confirmed booking to another free "
        "time (`slot`) of the same mentor, up to the minimum notice before its current start and at most "
        "`BOOKING_MAX_RESCHEDULES` times. The booking keeps its id and calendar event; both sides are "
        "emailed the old and the new time, and reminders follow. A time someone else took a moment ago is "
        "refused (409), and nothing moves.",
        request=s.BookingMoveSerializer,
        responses=s.BookingSerializer,
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        booking = self.get_object()
        data = s.BookingMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals():
            schedule_services.booking_reschedule(
                booking=booking, new_slot_id=data.validated_data["slot"], by=request.user
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=booking.pk)).data)


@extend_schema_view(list=extend_schema(summary="My notifications"))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.NotificationSerializer
    permission_classes = SIGNED_IN

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(
        summary="Mark notifications read",
        request=s.NotificationReadSerializer,
        responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}},
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        """The given notifications of mine (others' ids are ignored), or all of them."""
        data = s.NotificationReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notification_services.notifications_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": marked})


@extend_schema_view(
    get=extend_schema(summary="My profile"),
    patch=extend_schema(summary="Change my name, zone or language"),
    put=extend_schema(summary="Change my name, zone or language"),
)
class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = s.ProfileSerializer
    permission_classes = SIGNED_IN

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        user = self.request.user
        values = {
            f: serializer.validated_data.get(f, getattr(user, f))
            for f in ("first_name", "last_name", "timezone", "language")
        }
        account_services.user_update(user=user, **values)


class TopicListView(generics.ListAPIView):
    """Every topic, for the directory's ``topic`` filter."""

    serializer_class = s.TopicSerializer
    queryset = Topic.objects.order_by("name")
    pagination_class = None


# --- Articles ---


@extend_schema_view(
    list=extend_schema(
        summary="Published articles (or all of yours)",
        parameters=[
            OpenApiParameter(
                "mine",
                bool,
                description="true: your own articles, drafts and scheduled ones too, newest first (signed in).",
            ),
            OpenApiParameter("q", str, description="Words to find in the title or the text."),
            OpenApiParameter("topic", str, description="A topic's slug."),
            OpenApiParameter("author", str, description="The author's mentor slug."),
        ],
    ),
    retrieve=extend_schema(summary="An article (yours also as a draft)"),
    create=extend_schema(summary="Write an article (mentors)", request=s.ArticleWriteSerializer),
    partial_update=extend_schema(summary="Change, publish or unpublish your article", request=s.ArticleWriteSerializer),
    update=extend_schema(summary="Change, publish or unpublish your article", request=s.ArticleWriteSerializer),
    destroy=extend_schema(summary="Delete your article"),
)
class ArticleViewSet(viewsets.ModelViewSet):
    """Mentors' articles: anyone reads the published ones; a mentor writes, publishes and deletes their own."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,100}"
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_permissions(self):
        """Reading is open to everyone; writing (an article, a comment, a reaction) needs a signed-in person."""
        if self.request.method in SAFE_METHODS:
            return super().get_permissions()
        return [permission() for permission in SIGNED_IN]

    def get_serializer_class(self):
        return s.ArticleSerializer if self.action == "list" else s.ArticleDetailSerializer

    def get_queryset(self):
        params = self.request.query_params
        if params.get("mine") in ("true", "1"):
            if not self.request.user.is_authenticated:
                raise exceptions.NotAuthenticated()
            mine = article_selectors.my_articles(author=self.request.user)
            return mine.select_related("author", "author__mentor_profile").prefetch_related("topics")
        topic, author_slug = params.get("topic", ""), params.get("author", "")
        if any(value and not SLUG.fullmatch(value) for value in (topic, author_slug)):
            return Article.objects.none()  # no topic or mentor has such an address
        author = None
        if author_slug:
            profile = account_selectors.listed_mentors().filter(slug=author_slug).select_related("user").first()
            if profile is None:
                return Article.objects.none()
            author = profile.user
        query = params.get("q", "")[:200].replace("\x00", "")
        return article_selectors.public_articles(now=timezone.now(), query=query, topic=topic, author=author)

    def get_object(self):
        article = article_selectors.article_for_page(
            slug=self.kwargs["slug"], viewer=self.request.user, now=timezone.now()
        )
        if article is None:
            raise Http404
        return article

    def _own(self) -> Article:
        return get_object_or_404(Article, slug=self.kwargs["slug"], author=self.request.user)

    def _shown(self, article: Article):
        return Response(self.get_serializer(self.get_object() if article.pk else article).data)

    def create(self, request, *args, **kwargs):
        data = s.ArticleWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with refusals():
            article = article_services.article_create(
                author=request.user,
                title=values["title"],
                body=values["body"],
                topics=values["topics"],
                publish=bool(values["publish"]),
                publish_at=values["publish_at"],
            )
        self.kwargs["slug"] = article.slug
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        article = self._own()
        partial = kwargs.get("partial", False)
        data = s.ArticleWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with refusals(), transaction.atomic():
            if not partial or {"title", "body", "topics"} & set(values):
                article_services.article_update(
                    article=article,
                    by=request.user,
                    title=values.get("title", article.title),
                    body=values.get("body", article.body),
                    topics=values["topics"] if "topics" in values else list(article.topics.all()),
                )
            if values.get("publish") is True:
                article_services.article_publish(article=article, by=request.user, at=values.get("publish_at"))
            elif values.get("publish") is False:
                article_services.article_unpublish(article=article, by=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    def destroy(self, request, *args, **kwargs):
        with refusals():
            article_services.article_delete(article=self._own(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["PUT"],
        summary="Set the cover image of my article (multipart)",
        request={"multipart/form-data": s.CoverUploadSerializer},
        responses=s.ArticleDetailSerializer,
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove the cover image of my article",
        request=None,
        responses={200: s.ArticleDetailSerializer},
    )
    @action(detail=True, methods=["put", "delete"], parser_classes=[MultiPartParser])
    def cover(self, request, slug=None):
        """The image is checked and re-encoded as a 1200 × 630 JPEG, as on the site; the text stays as it is."""
        article = self._own()
        upload = None
        if request.method == "PUT":
            data = s.CoverUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            upload = data.validated_data["cover"]
        with refusals():
            article_services.article_update(
                article=article,
                by=request.user,
                title=article.title,
                body=article.body,
                topics=list(article.topics.all()),
                cover=upload,
                remove_cover=upload is None,
            )
        return self._shown(article)

    @extend_schema(
        methods=["GET"], summary="Comments on an article, oldest first", responses=s.CommentSerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Write a comment on an article",
        request=s.CommentSerializer,
        responses={201: s.CommentSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, slug=None):
        article = self.get_object()
        if request.method == "GET":
            rows = Comment.objects.filter(article=article).select_related("author").order_by("created_at", "pk")
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(s.CommentSerializer(page, many=True).data)
        data = s.CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals():
            comment = article_services.comment_create(
                article=article, author=request.user, body=data.validated_data["body"]
            )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Like or dislike (the same again takes it back)",
        request=s.ReactionSerializer,
        responses=s.ReactionResultSerializer,
    )
    @action(detail=True, methods=["post"], permission_classes=SIGNED_IN)
    def reaction(self, request, slug=None):
        article = self.get_object()
        data = s.ReactionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals():
            mine = article_services.reaction_toggle(
                article=article, user=request.user, value=data.validated_data["value"]
            )
        counted = self.get_object()
        return Response({"reaction": mine, "like_count": counted.like_count, "dislike_count": counted.dislike_count})


@extend_schema_view(
    partial_update=extend_schema(summary="Edit your comment (within a few minutes of writing it)"),
    update=extend_schema(summary="Edit your comment (within a few minutes of writing it)"),
    destroy=extend_schema(summary="Delete a comment (yours, or any on your article)"),
)
class CommentViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CommentSerializer
    permission_classes = SIGNED_IN
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["patch", "put", "delete", "options"]

    def get_queryset(self):
        user = self.request.user
        comments = Comment.objects.select_related("article", "author")
        if user.has_staff_perm("moderate_content"):
            return comments
        return comments.filter(Q(author=user) | Q(article__author=user))

    def update(self, request, *args, **kwargs):
        comment = self.get_object()
        data = s.CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals():
            comment = article_services.comment_update(
                comment=comment, by=request.user, body=data.validated_data["body"]
            )
        return Response(s.CommentSerializer(comment).data)

    def destroy(self, request, *args, **kwargs):
        with refusals():
            article_services.comment_delete(comment=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiRootView(APIView):
    """Where everything is: follow the links, or read /api/docs/."""

    @extend_schema(exclude=True)
    def get(self, request):
        from django.urls import reverse

        names = {
            "mentors": "api:mentor-list",
            "bookings": "api:booking-list",
            "articles": "api:article-list",
            "notifications": "api:notification-list",
            "me": "api:me",
            "topics": "api:topics",
        }
        return Response({key: request.build_absolute_uri(reverse(name)) for key, name in names.items()})


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
@schema(None)
def not_found(request, *args, **kwargs):
    raise Http404
