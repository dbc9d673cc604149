"""
Reads about users and mentors that cross relations.

The public directory lists a mentor only when the profile is ready for a visitor to book from it:

- a headline,
- at least one topic,
- a price: more than 0, or 0 with "Sessions are free" ticked (``MentorProfile.is_free``). A bare 0 is
  also what an untouched profile holds, so it does not count as a choice;
- free time ahead: at least one bookable slot (``schedule.selectors.bookable_slots``);
- a confirmed email address (``has_verified_email``): the platform mails mentees on the mentor's
  behalf, so only a proven address is published.

There is no separate "publish" switch: a mentor is live as soon as all five hold, and drops out of
the list by themself when, say, the last free slot is booked (the checklist on the profile editor
then says why). The rule is written once, as annotations (``with_readiness``), which both the
directory query and the editor's checklist use, so the two can never disagree.

The public page of a mentor who is not listed still opens by direct link: the mentor previews it
while filling the profile, and links already shared keep working while the calendar is full.
"""

import dataclasses
import datetime as dt
import re
from collections import Counter
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db.models import (
    Aggregate,
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import JSONArray
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts import languages as language_names
from accounts.models import AccountDeletion, MentorProfile, Topic, User

SORT_SOONEST = "soonest"
SORT_PRICE = "price"
SORT_RATING = "rating"
THIS_WEEK = dt.timedelta(days=7)
MAX_QUERY_WORDS = 5

_ProfileTopic = MentorProfile.topics.through


def with_readiness(profiles: QuerySet[MentorProfile], *, now: dt.datetime | None = None) -> QuerySet[MentorProfile]:
    """
    Annotate profiles with what the directory asks of them: ``has_headline``, ``has_topic``,
    ``has_price`` and ``next_free_slot`` (the start of the next bookable slot, or None).
    """
    from schedule.selectors import with_next_free_slot  # schedule depends on accounts: import when used

    return with_next_free_slot(profiles, now=now).annotate(
        has_headline=ExpressionWrapper(~Q(headline=""), output_field=BooleanField()),
        has_topic=Exists(_ProfileTopic.objects.filter(mentorprofile_id=OuterRef("pk"))),
        has_price=ExpressionWrapper(Q(price__gt=0) | Q(is_free=True), output_field=BooleanField()),
        has_verified_email=Exists(
            EmailAddress.objects.filter(
                user_id=OuterRef("user_id"), email__iexact=OuterRef("user__email"), verified=True
            )
        ),
    )


def listed_mentors(*, now: dt.datetime | None = None) -> QuerySet[MentorProfile]:
    """Active mentors whose profile is ready (see the module docstring), annotated by ``with_readiness``."""
    active = MentorProfile.objects.filter(user__is_mentor=True, user__is_active=True)
    return with_readiness(active, now=now).filter(
        has_headline=True, has_topic=True, has_price=True, has_verified_email=True, next_free_slot__isnull=False
    )


class _JSONGroupArray(Aggregate):
    """The group's values as one JSON array: JSON_GROUP_ARRAY on SQLite, JSONB_AGG on PostgreSQL."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def mentor_page_profile(*, slug: str, now: dt.datetime | None = None) -> MentorProfile | None:
    """
    The public page's mentor (active, still a mentor) in one query: the profile with its user, its
    topics (``topic_list``, Topic objects in the topics' order, read as one JSON array instead of a
    second query) and ``next_free_slot``, the start of the first bookable time (so the week picker
    asks no query for it). None when there is no such mentor.
    """
    from schedule.selectors import with_next_free_slot  # schedule depends on accounts: import when used

    topics = (
        _ProfileTopic.objects.filter(mentorprofile_id=OuterRef("pk"))
        .order_by()
        .values("mentorprofile_id")
        .annotate(rows=_JSONGroupArray(JSONArray("topic_id", "topic__name", "topic__name_uk", "topic__slug")))
        .values("rows")
    )
    profiles = MentorProfile.objects.select_related("user").annotate(topic_rows=Subquery(topics))
    profile = (
        with_next_free_slot(profiles, now=now)
        .filter(slug=slug, user__is_mentor=True, user__is_active=True)
        .order_by()
        .first()
    )
    if profile is not None:
        topic_list = [
            Topic(pk=pk, name=name, name_uk=name_uk, slug=topic_slug)
            for pk, name, name_uk, topic_slug in profile.topic_rows or []
        ]
        profile.topic_list = sorted(topic_list, key=lambda topic: (topic.name, topic.pk))
    return profile


@dataclasses.dataclass(frozen=True)
class Readiness:
    """What a mentor profile has of the four things the directory asks for."""

    has_headline: bool
    has_topic: bool
    has_price: bool
    has_free_time: bool
    has_verified_email: bool

    @property
    def done(self) -> int:
        return sum(dataclasses.astuple(self))

    @property
    def total(self) -> int:
        return len(dataclasses.fields(self))

    @property
    def is_ready(self) -> bool:
        return self.done == self.total


def mentor_readiness(*, profile: MentorProfile, now: dt.datetime | None = None) -> Readiness:
    """The checklist of the profile editor, in one query, by the same expressions as ``listed_mentors``."""
    row = (
        with_readiness(MentorProfile.objects.filter(pk=profile.pk), now=now)
        .values("has_headline", "has_topic", "has_price", "next_free_slot", "has_verified_email")
        .get()
    )
    return Readiness(
        has_headline=bool(row["has_headline"]),
        has_topic=bool(row["has_topic"]),
        has_price=bool(row["has_price"]),
        has_free_time=row["next_free_slot"] is not None,
        has_verified_email=bool(row["has_verified_email"]),
    )


def has_verified_email(user) -> bool:
    """
    Whether the person has confirmed an email address. Until then they may browse and fill their
    profile, but not book, message or be listed: all of those make the platform mail someone else.
    """
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_has_verified_email", None)
    if cached is None:
        # The address mail goes to (User.email) must be the confirmed one, not some other address
        # the person added and confirmed.
        cached = user._has_verified_email = EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists()
    return cached


def _language_pattern(language: str) -> str:
    """One whole item of the comma-separated languages field, in any case."""
    return rf"(^|,)\s*{re.escape(language)}\s*(,|$)"


def _any_language(names: list[str]) -> Q:
    """Profiles whose languages name any of ``names`` (nothing for none)."""
    matches = Q(pk__in=[])
    for name in names:
        matches |= Q(languages__icontains=name)
    return matches


def mentor_directory(
    *,
    query: str = "",
    topic: str = "",
    language: str = "",
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    this_week: bool = False,
    sort: str = SORT_SOONEST,
    now: dt.datetime | None = None,
) -> QuerySet[MentorProfile]:
    """
    Listed mentors, filtered and sorted for the directory. Every filter combines with the others:
    ``query`` words (up to five, all must match) look in the name, headline, bio, languages (in any of
    their known spellings: "українська" finds "Ukrainian") and topic names, in English and Ukrainian;
    ``language`` matches one whole item of the languages field, in any case; ``this_week``
    keeps mentors with a bookable slot in the next 7 days. Sorted by the soonest free slot, by price
    (then soonest), or by rating (the highest average first, more reviews first among equals, mentors
    without reviews last; kept on the profile by the reviews app). No row is repeated, so the
    paginator's count is right without DISTINCT.
    """
    now = now or timezone.now()
    mentors = listed_mentors(now=now).select_related("user").prefetch_related("topics")
    if topic:
        tagged = _ProfileTopic.objects.filter(mentorprofile_id=OuterRef("pk"), topic__slug=topic)
        mentors = mentors.filter(Exists(tagged))
    if language:
        mentors = mentors.filter(languages__iregex=_language_pattern(language))
    if price_min is not None:
        mentors = mentors.filter(price__gte=price_min)
    if price_max is not None:
        mentors = mentors.filter(price__lte=price_max)
    if this_week:
        mentors = mentors.filter(next_free_slot__lt=now + THIS_WEEK)
    for word in query.split()[:MAX_QUERY_WORDS]:
        topic_named = _ProfileTopic.objects.filter(
            Q(topic__name__icontains=word) | Q(topic__name_uk__icontains=word), mentorprofile_id=OuterRef("pk")
        )
        mentors = mentors.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(headline__icontains=word)
            | Q(bio__icontains=word)
            | Q(languages__icontains=word)
            | Q(Exists(topic_named))
            | _any_language(language_names.stored_names_matching(word))
        )
    if sort == SORT_PRICE:
        order = ("price", "next_free_slot")
    elif sort == SORT_RATING:
        order = (F("rating_average").desc(nulls_last=True), "-review_count", "next_free_slot")
    else:
        order = ("next_free_slot", "price")
    return mentors.order_by(*order, "user__first_name", "user__last_name", "pk")


def topics_in_use(*, now: dt.datetime | None = None) -> QuerySet[Topic]:
    """Topics of listed mentors: a chip for a topic nobody listed teaches would lead to an empty page."""
    return Topic.objects.filter(Exists(listed_mentors(now=now).filter(topics=OuterRef("pk")))).order_by("name")


def languages_in_use(*, now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """
    The languages listed mentors speak, each once: (the name stored and filtered on, the name shown in
    the active language), in the order of the shown names. A name written in different cases is one
    language, spelled as most mentors spell it ("English" over "english").
    """
    spellings: dict[str, Counter] = {}
    for text in listed_mentors(now=now).order_by("pk").values_list("languages", flat=True):
        for name in language_names.split(text):
            spellings.setdefault(name.casefold(), Counter())[name] += 1
    chosen = (min(counter.items(), key=lambda item: (-item[1], item[0]))[0] for counter in spellings.values())
    return sorted(((name, language_names.label(name)) for name in chosen), key=lambda pair: pair[1].casefold())


def deletion_to_keep(*, user_id: int, now: dt.datetime | None = None) -> AccountDeletion | None:
    """
    The person's deletion request while it can still be kept: neither kept nor carried out, and its
    grace period not over (a request past ``due_at`` belongs to the deletion job). With the user.
    """
    now = now or timezone.now()
    return AccountDeletion.objects.pending().filter(user_id=user_id, due_at__gt=now).select_related("user").first()


# The staff roles (groups with the staff permissions, made by migration 0012), least to most, and
# what they are called on pages (the group names stay English: they are the database's).
STAFF_ROLES = ("Support", "Manager", "Admin")
ROLE_NAMES = {"Support": gettext_lazy("Support"), "Manager": gettext_lazy("Manager"), "Admin": gettext_lazy("Admin")}


def roles_allowed(codenames) -> list[str]:
    """The staff roles holding any of these ``accounts`` permissions, least to most, as pages call them."""
    held = set(
        Group.objects.filter(
            name__in=STAFF_ROLES, permissions__content_type__app_label="accounts", permissions__codename__in=codenames
        ).values_list("name", flat=True)
    )
    return [str(ROLE_NAMES[role]) for role in STAFF_ROLES if role in held]


def staff_role_of(user: User) -> str:
    """The person's staff role ("" for none); one at most, as ``user_set_staff_role`` keeps it."""
    return next((g.name for g in user.groups.all() if g.name in STAFF_ROLES), "")
