"""
Reading reviews. Who may review a session is decided here, once (``review_refusal``): the page asks it
to explain itself, and ``services.review_create`` asks it again under the booking's lock. Every list
is built in a fixed number of queries; the mentor page's count and average are on the mentor profile.
"""

import dataclasses
import datetime as dt
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Avg, BooleanField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews.errors import ReviewError
from reviews.models import Review, ReviewModeration, ReviewReport
from schedule.models import Booking

PAGE_SIZE = 10  # reviews per page on the mentor page and under "My reviews"
STAFF_PAGE_SIZE = 25

HIDDEN_CHOICES = ("visible", "hidden")
REPORTED_CHOICES = ("yes", "no")


def window() -> dt.timedelta:
    return dt.timedelta(days=settings.REVIEW_WINDOW_DAYS)


def review_deadline(booking: Booking) -> dt.datetime:
    """The last moment the session may be reviewed."""
    return booking.slot.end + window()


def review_refusal(
    *, booking: Booking, user, now: dt.datetime | None = None, has_review: bool | None = None
) -> ReviewError | None:
    """
    Why ``user`` may not review ``booking`` at ``now`` (the error the service raises), or None when they
    may: only its client, only a confirmed session that is over and that neither side reported as missed,
    within REVIEW_WINDOW_DAYS of its end, once. ``has_review`` spares the query when the caller knows.
    """
    now = now or timezone.now()
    if user.pk == booking.mentor_id:
        return ReviewError(_("Mentors cannot review their own sessions."), code="not_mentee")
    if user.pk != booking.mentee_id:
        return ReviewError(_("Only the client of a session can review it."), code="not_mentee")
    if booking.status != Booking.Status.CONFIRMED:
        return ReviewError(_("Only a session that took place can be reviewed."), code="not_confirmed")
    if booking.slot.end > now:
        return ReviewError(_("You can review this session once it is over."), code="not_over")
    if booking.no_show:
        return ReviewError(_("A session reported as missed cannot be reviewed."), code="no_show")
    if review_deadline(booking) < now:
        days = settings.REVIEW_WINDOW_DAYS
        return ReviewError(
            ngettext(
                "A session can be reviewed up to %(days)d day after it.",
                "A session can be reviewed up to %(days)d days after it.",
                days,
            )
            % {"days": days},
            code="too_late",
        )
    if has_review is None:
        has_review = Review.objects.filter(booking_id=booking.pk).exists()
    if has_review:
        return ReviewError(_("You have already reviewed this session."), code="already")
    return None


def _with_reported_by(reviews: QuerySet[Review], viewer) -> QuerySet[Review]:
    """Annotate ``reported_by_me``: whether the viewer has reported the review (no extra query)."""
    if viewer is None or not viewer.is_authenticated:
        return reviews.annotate(reported_by_me=Value(False, output_field=BooleanField()))
    mine = ReviewReport.objects.filter(review=OuterRef("pk"), reporter_id=viewer.pk)
    return reviews.annotate(reported_by_me=Exists(mine))


@dataclasses.dataclass(frozen=True)
class BookingReview:
    """What the booking page shows about reviewing: the review, or whether the viewer may write one."""

    review: Review | None
    can_review: bool
    deadline: dt.datetime


def booking_review(*, booking: Booking, viewer, now: dt.datetime | None = None) -> BookingReview:
    """The booking's review (one query, with whether the viewer reported it) and whether the viewer may write one."""
    now = now or timezone.now()
    if booking.status != Booking.Status.CONFIRMED or booking.slot.end > now:  # none yet, none possible: no query
        return BookingReview(review=None, can_review=False, deadline=review_deadline(booking))
    reviews = Review.objects.filter(booking_id=booking.pk).select_related("mentee", "mentor")
    review = _with_reported_by(reviews, viewer).first()
    can_review = review is None and review_refusal(booking=booking, user=viewer, now=now, has_review=False) is None
    return BookingReview(review=review, can_review=can_review, deadline=review_deadline(booking))


def reviewable_ids(*, bookings, viewer, now: dt.datetime | None = None) -> frozenset[int]:
    """
    Of ``bookings`` (with their slots), the ids of those ``viewer`` may review now (``review_refusal``):
    one query for the ones not reviewed yet, none when no booking could be.
    """
    now = now or timezone.now()
    candidates = {
        booking.pk
        for booking in bookings
        if review_refusal(booking=booking, user=viewer, now=now, has_review=False) is None
    }
    if not candidates:
        return frozenset()
    reviewed = Review.objects.filter(booking_id__in=candidates).values_list("booking_id", flat=True)
    return frozenset(candidates - set(reviewed))


def visible_reviews(*, mentor_id: int, viewer=None) -> QuerySet[Review]:
    """A mentor's reviews as the public sees them: hidden ones left out, newest first, with their writers."""
    reviews = Review.objects.filter(mentor_id=mentor_id, is_hidden=False).select_related("mentee")
    return _with_reported_by(reviews, viewer).order_by("-created_at", "-pk")


class _CountedPaginator(Paginator):
    """A paginator told its count (the profile's ``review_count``), so it asks no COUNT query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def mentor_review_page(*, profile, number, viewer=None) -> Page:
    """
    One page of a mentor's visible reviews, in one query: the count comes from the profile, which the
    services keep equal to the number of visible reviews.
    """
    paginator = _CountedPaginator(
        visible_reviews(mentor_id=profile.user_id, viewer=viewer), PAGE_SIZE, count=profile.review_count
    )
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    for review in page.object_list:
        review.mentor = profile.user  # the page's own mentor: not read again with every review
    return page


def reviews_received(*, mentor) -> QuerySet[Review]:
    """Every review of the mentor's sessions, hidden ones too (marked), newest first: "My reviews"."""
    reviews = Review.objects.filter(mentor=mentor).select_related("mentee", "mentor", "booking__slot")
    return _with_reported_by(reviews, mentor).order_by("-created_at", "-pk")


def my_reviews_url(review: Review) -> str:
    """The page of "My reviews" (newest first) that shows ``review``, anchored to it."""
    newer = Review.objects.filter(
        Q(created_at__gt=review.created_at) | Q(created_at=review.created_at, pk__gt=review.pk),
        mentor_id=review.mentor_id,
    ).count()
    number = newer // PAGE_SIZE + 1
    page = f"?page={number}" if number > 1 else ""
    return f"{reverse('reviews:mine')}{page}#review-{review.pk}"


def review_of_participant(*, pk: int, user) -> Review | None:
    """A review ``user`` took part in (as the client or the mentor); for anyone else there is none."""
    return Review.objects.filter(Q(mentee_id=user.pk) | Q(mentor_id=user.pk), pk=pk).first()


# --- Staff ---


def reviews_for_staff(*, hidden: str = "", reported: str = "") -> QuerySet[Review]:
    """
    Every review for moderation, newest first, with its report count. ``hidden``: "visible" or
    "hidden"; ``reported``: "yes" or "no"; anything else means either.
    """
    reviews = Review.objects.select_related("mentee", "mentor", "hidden_by").annotate(
        report_count=Count("reports", distinct=True)
    )
    if hidden in HIDDEN_CHOICES:
        reviews = reviews.filter(is_hidden=hidden == "hidden")
    if reported in REPORTED_CHOICES:
        reported_rows = Exists(ReviewReport.objects.filter(review=OuterRef("pk")))
        reviews = reviews.filter(reported_rows if reported == "yes" else ~reported_rows)
    return reviews.order_by("-created_at", "-pk")


def review_for_staff(pk: int) -> Review | None:
    """One review with its session, reports and moderation history."""
    return (
        Review.objects.filter(pk=pk)
        .select_related("mentee", "mentor", "hidden_by", "booking__slot")
        .prefetch_related(
            Prefetch("reports", queryset=ReviewReport.objects.select_related("reporter")),
            Prefetch("moderations", queryset=ReviewModeration.objects.select_related("by")),
        )
        .first()
    )


def platform_rating() -> dict:
    """The average of every visible review on the platform, and how many there are (one query)."""
    figures = Review.objects.filter(is_hidden=False).aggregate(average=Avg("rating"), count=Count("pk"))
    figures["average"] = round(figures["average"], 2) if figures["average"] is not None else None
    return figures
