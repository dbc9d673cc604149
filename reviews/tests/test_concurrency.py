"""
On PostgreSQL, with real threads: two schedulers invite each client once, a double-posted review is
stored once, reviews written at the same moment for one mentor all count in the average, and two staff
hiding one review at once hide it once.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from post_office.models import Email

from accounts.models import MentorProfile
from core.mail import KIND_HEADER, REVIEWS
from notifications.models import Notification
from reviews import INVITATION_KIND, services
from reviews.models import Review, ReviewInvitation
from reviews.tests.factories import NOW, past_booking
from schedule.tests.test_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_schedulers_at_once_ask_each_client_exactly_once():
    bookings = [past_booking(ended=NOW - dt.timedelta(hours=1 + i)) for i in range(20)]
    for _ in range(3):  # a race is a matter of timing: give it several chances
        results = run_at_once([lambda: services.review_invitations_send(now=NOW)] * 4)
        assert not [r for r in results if isinstance(r, Exception)]
    assert ReviewInvitation.objects.count() == len(bookings)
    assert Email.objects.filter(**{f"headers__{KIND_HEADER}": REVIEWS}).count() == len(bookings)
    assert Notification.objects.filter(kind=INVITATION_KIND).count() == len(bookings)


def test_a_review_posted_twice_at_once_is_stored_once(session, mentee):
    results = run_at_once(
        [lambda r=rating: services.review_create(booking=session, by=mentee, rating=r, now=NOW) for rating in (5, 1)]
    )
    stored = [r for r in results if isinstance(r, Review)]
    refused = [r for r in results if isinstance(r, services.ReviewError)]
    assert len(stored) == 1 and len(refused) == 1 and refused[0].code == "already"
    profile = MentorProfile.objects.get(user=session.mentor)
    assert (profile.rating_average, profile.review_count) == (Decimal(stored[0].rating), 1)


def test_reviews_written_at_the_same_moment_all_count_in_the_average(mentor):
    bookings = [past_booking(mentor=mentor, ended=NOW - dt.timedelta(hours=1 + 2 * i)) for i in range(8)]
    results = run_at_once(
        [
            lambda b=b, r=1 + i % 5: services.review_create(booking=b, by=b.mentee, rating=r, now=NOW)
            for i, b in enumerate(bookings)
        ]
    )
    assert all(isinstance(r, Review) for r in results), results
    profile = MentorProfile.objects.get(user=mentor)
    ratings = [1 + i % 5 for i in range(8)]
    expected = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01"), ROUND_HALF_UP)  # 2.625 -> 2.63
    assert (profile.rating_average, profile.review_count) == (expected, 8)


def test_two_staff_hiding_one_review_at_once_hide_it_once(session, mentee):
    from accounts.tests.factories import staff_member
    from reviews.models import ReviewModeration

    review = services.review_create(booking=session, by=mentee, rating=2, text="Rude", now=NOW)
    staff = [staff_member(None, is_superuser=True) for _ in range(2)]  # the roles went with the flush
    results = run_at_once(
        [lambda s=s: services.review_hide(review=review, by=s, reason=f"By {s.pk}", now=NOW) for s in staff]
    )
    refused = [r for r in results if isinstance(r, services.ReviewError)]
    assert len(refused) == 1 and refused[0].code == "already"
    assert ReviewModeration.objects.filter(review=review).count() == 1
    review.refresh_from_db()
    assert review.is_hidden and MentorProfile.objects.get(user=session.mentor).review_count == 0
