"""The database itself refuses the wrong states, whatever code writes them (not only the services)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from accounts.models import MentorProfile
from reviews.models import Review, ReviewInvitation, ReviewModeration, ReviewReport
from reviews.tests.factories import NOW, ReviewFactory

pytestmark = pytest.mark.django_db


def _refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize("rating", [0, 6, 100])
def test_a_rating_outside_one_to_five_is_refused_by_the_database(session, rating):
    _refused(lambda: ReviewFactory(booking=session, rating=rating))
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [1, 5])
def test_one_and_five_stars_are_stored(session, rating):
    assert ReviewFactory(booking=session, rating=rating).rating == rating


def test_a_second_review_of_the_same_session_is_refused_by_the_database(session):
    ReviewFactory(booking=session)
    _refused(lambda: ReviewFactory(booking=session, rating=1))
    assert Review.objects.count() == 1


def test_a_reply_has_its_time_and_a_hidden_review_its_reason(session):
    review = ReviewFactory(booking=session)
    _refused(lambda: Review.objects.filter(pk=review.pk).update(reply="Thanks"))
    _refused(lambda: Review.objects.filter(pk=review.pk).update(is_hidden=True, hidden_at=NOW))
    _refused(lambda: Review.objects.filter(pk=review.pk).update(hidden_reason="Spam"))
    Review.objects.filter(pk=review.pk).update(is_hidden=True, hidden_at=NOW, hidden_reason="Spam")


def test_a_mentor_cannot_review_themself(session):
    _refused(lambda: ReviewFactory(booking=session, mentee=session.mentor))


def test_one_report_per_person_and_review_and_one_invitation_per_session(session):
    review = ReviewFactory(booking=session)
    ReviewReport.objects.create(review=review, reporter=session.mentee, reason="x", created_at=NOW)
    _refused(lambda: ReviewReport.objects.create(review=review, reporter=session.mentee, reason="y", created_at=NOW))
    ReviewInvitation.objects.create(booking=session, sent_at=NOW)
    _refused(lambda: ReviewInvitation.objects.create(booking=session, sent_at=NOW))


def test_a_moderation_without_a_reason_is_refused(session, staff):
    review = ReviewFactory(booking=session)
    _refused(lambda: ReviewModeration.objects.create(review=review, action="hide", reason="", by=staff, created_at=NOW))


def test_the_profile_rating_matches_its_count(mentor):
    profile = MentorProfile.objects.filter(user=mentor)
    _refused(lambda: profile.update(rating_average=Decimal("4.5"), review_count=0))
    _refused(lambda: profile.update(rating_average=None, review_count=2))
    _refused(lambda: profile.update(rating_average=Decimal("5.01"), review_count=2))
    _refused(lambda: profile.update(rating_average=Decimal("0.99"), review_count=2))
    profile.update(rating_average=Decimal("4.50"), review_count=2)


def test_a_reviewed_session_cannot_be_deleted(session):
    """Reviews are a mentor's public record and the moderation audit: people leave by anonymisation."""
    ReviewFactory(booking=session, created_at=session.slot.end + dt.timedelta(minutes=5))
    with pytest.raises(ProtectedError):
        session.delete()
