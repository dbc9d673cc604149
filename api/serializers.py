"""What the API shows and accepts. Writes go through the same services as the site's pages."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import images
from accounts.models import MentorProfile, Topic, User
from accounts.timezones import validate_offered_timezone, validate_timezone
from accounts.validators import validate_no_control_characters
from articles.models import (
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    MAX_TOPICS,
    TITLE_MAX_LENGTH,
    Article,
    Comment,
    Reaction,
)
from core.uploads import RefusedUpload
from notifications.models import Notification
from schedule.models import Booking, Slot

MAX_NOTE = 2000
MAX_REASON = 1000
BIG_ID = 2**63 - 1  # a bigint; anything larger cannot be an id (and overflows the database)


class UTCDateTimeField(serializers.DateTimeField):
    """Times in UTC (``...Z``) whatever zone the request runs in; availability gives the zone asked for."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", dt.UTC)
        super().__init__(*args, **kwargs)


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UTCDateTimeField,
    }


class TopicSerializer(ModelSerializer):
    name = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = Topic
        fields = ["slug", "name"]


class MentorSerializer(ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    photo = serializers.SerializerMethodField()
    topics = TopicSerializer(many=True, read_only=True)
    currency = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    next_free_slot = UTCDateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = MentorProfile
        fields = [
            "slug",
            "name",
            "headline",
            "bio",
            "photo",
            "topics",
            "languages",
            "years_experience",
            "price",
            "currency",
            "is_free",
            "session_minutes",
            "cancellation_policy",
            "rating_average",
            "review_count",
            "next_free_slot",
            "url",
        ]
        read_only_fields = fields

    def get_photo(self, profile) -> str | None:
        return self.context["request"].build_absolute_uri(profile.user.photo.url) if profile.user.photo else None

    def get_currency(self, profile) -> str:
        return settings.BOOKING_CURRENCY

    def get_url(self, profile) -> str:
        return self.context["request"].build_absolute_uri(profile.get_absolute_url())


class SlotSerializer(ModelSerializer):
    """A free time, its start and end in the zone that was asked for (ISO 8601 with the offset)."""

    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()

    class Meta:
        model = Slot
        fields = ["id", "start", "end"]

    def _local(self, moment) -> str:
        return moment.astimezone(self.context["zone"]).isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_start(self, slot) -> str:
        return self._local(slot.start)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_end(self, slot) -> str:
        return self._local(slot.end)


class AvailabilityQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text=_("First day (in the zone), default today."))
    days = serializers.IntegerField(required=False, min_value=1, max_value=31, default=7)
    tz = serializers.CharField(
        required=False, max_length=64, validators=[validate_timezone], help_text=_("An IANA zone, e.g. Europe/Kyiv.")
    )

    def validate_start(self, value):
        if not 2000 <= value.year <= 2100:
            raise serializers.ValidationError(_("Choose a date between 2000 and 2100."))
        return value


class PersonSerializer(ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class BookingSerializer(ModelSerializer):
    mentor = PersonSerializer(read_only=True)
    mentee = PersonSerializer(read_only=True)
    start = UTCDateTimeField(source="slot.start", read_only=True)
    end = UTCDateTimeField(source="slot.end", read_only=True)
    meeting_url = serializers.SerializerMethodField()
    checkout_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    cancel_reason = serializers.CharField(  # the platform's own reasons, translated
        source="cancel_reason_text",
        read_only=True,
        label=capfirst(Booking._meta.get_field("cancel_reason").verbose_name),
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "status",
            "start",
            "end",
            "mentor",
            "mentee",
            "note",
            "price",
            "meeting_url",
            "hold_expires_at",
            "checkout_url",
            "created_at",
            "cancelled_at",
            "cancel_reason",
            "reschedule_count",
            "url",
        ]
        read_only_fields = fields

    def get_meeting_url(self, booking) -> str:
        return booking.meeting_url if booking.is_confirmed else ""

    def get_checkout_url(self, booking) -> str | None:
        """A paid mentor's time waits for payment, made on the site's checkout page."""
        if not booking.is_pending:
            return None
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(reverse("payments:checkout", args=[booking.pk]))

    def get_url(self, booking) -> str:
        return self.context["request"].build_absolute_uri(booking.get_absolute_url())


class BookingCreateSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text=_("The id of a free time."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE, default="")


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_REASON, default="")


class BookingMoveSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text=_("The id of another free time."))


class NotificationSerializer(ModelSerializer):
    text = serializers.CharField(read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "link", "created_at", "read", "read_at"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIG_ID),
        required=False,
        max_length=100,
        help_text=_("The notifications to mark read; none: all of them."),
    )


class ProfileSerializer(ModelSerializer):
    # As the profile form checks them: a zone from its list, names without control characters.
    timezone = serializers.CharField(max_length=64)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    first_name = serializers.CharField(max_length=150, validators=[validate_no_control_characters])
    last_name = serializers.CharField(max_length=150, allow_blank=True, validators=[validate_no_control_characters])

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "timezone", "language", "is_mentor"]
        read_only_fields = ["id", "email", "is_mentor"]

    def validate_timezone(self, value: str) -> str:
        """A zone from the profile's list; the one already kept passes too (an old name, sent back unchanged)."""
        if self.instance is None or value != self.instance.timezone:
            validate_offered_timezone(value)
        return value


def zone_or_default(name: str | None, user) -> zoneinfo.ZoneInfo:
    if name:
        return zoneinfo.ZoneInfo(name)
    if user.is_authenticated:
        return zoneinfo.ZoneInfo(user.timezone)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# --- Articles ---


class AuthorSerializer(ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    mentor = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "mentor"]

    def get_mentor(self, user) -> str | None:
        """The author's mentor slug (``/api/v1/mentors/{slug}/``)."""
        profile = getattr(user, "mentor_profile", None)
        return profile.slug if profile else None


class ArticleSerializer(ModelSerializer):
    author = AuthorSerializer(read_only=True)
    topics = TopicSerializer(many=True, read_only=True)
    cover = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    like_count = serializers.IntegerField(read_only=True)
    dislike_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "summary",
            "author",
            "topics",
            "status",
            "published_at",
            "cover",
            "view_count",
            "like_count",
            "dislike_count",
            "comment_count",
            "url",
        ]
        read_only_fields = fields

    def get_cover(self, article) -> str | None:
        return self.context["request"].build_absolute_uri(article.cover.url) if article.cover else None

    def get_url(self, article) -> str:
        return self.context["request"].build_absolute_uri(article.get_absolute_url())


class ArticleDetailSerializer(ArticleSerializer):
    body_html = serializers.CharField(read_only=True, help_text=_("The text as sanitised HTML."))

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "body", "body_html"]
        read_only_fields = fields


class ArticleWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, help_text=_("Markdown."))
    topics = serializers.ListField(
        child=serializers.SlugField(max_length=60), required=False, max_length=MAX_TOPICS, default=list
    )
    publish = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: publish (now or at publish_at); false: back to a draft."),
    )
    publish_at = UTCDateTimeField(required=False, allow_null=True, default=None)

    def validate_topics(self, slugs):
        topics = list(Topic.objects.filter(slug__in=slugs))
        if len(topics) != len(set(slugs)):
            raise serializers.ValidationError(_("Use the slugs of existing topics (GET /api/v1/topics/)."))
        return topics

    def validate_publish_at(self, value):
        if value is not None and not 2000 <= value.year <= 2100:
            raise serializers.ValidationError(_("Choose a date between 2000 and 2100."))
        return value

    def validate(self, values):
        if values.get("publish_at") is not None and values.get("publish") is not True:
            raise serializers.ValidationError(
                {"publish_at": _("A publishing time needs publish: true (it is when the article goes out).")},
                code="publish_at_without_publish",
            )
        return values


class ImageUploadField(serializers.FileField):
    """A file; one refused while it streamed in (``core.uploads``) is "too large", not "empty"."""

    def to_internal_value(self, data):
        if isinstance(data, RefusedUpload):
            raise serializers.ValidationError(images.too_large(data.received).messages[0], code="too_large")
        return super().to_internal_value(data)


class CoverUploadSerializer(serializers.Serializer):
    cover = ImageUploadField(help_text=_("JPEG, PNG or WEBP up to 5 MB; cropped to 1200 × 630."))


class CommenterSerializer(ModelSerializer):
    """A comment's author as the article's page names them: "Petro S.", a mentor by full name."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name"]

    def get_name(self, user) -> str:
        return user.public_name or _("A reader")


class CommentSerializer(ModelSerializer):
    author = CommenterSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at", "edited_at"]
        read_only_fields = ["id", "author", "created_at", "edited_at"]
        extra_kwargs = {"body": {"max_length": COMMENT_MAX_LENGTH}}


class ReactionSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Reaction.Value.choices)


class ReactionResultSerializer(serializers.Serializer):
    reaction = serializers.ChoiceField(choices=Reaction.Value.choices, allow_null=True)
    like_count = serializers.IntegerField()
    dislike_count = serializers.IntegerField()


class FollowResultSerializer(serializers.Serializer):
    following = serializers.BooleanField()
