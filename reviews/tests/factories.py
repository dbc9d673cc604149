import datetime as dt

import factory
from django.utils import timezone

from reviews.models import Review
from schedule.models import Booking
from schedule.tests.factories import BookingFactory

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday: the frozen clock of these tests


def past_booking(*, mentor=None, mentee=None, ended: dt.datetime, **kwargs) -> Booking:
    """A confirmed session of an hour that ended at ``ended`` (written directly: services refuse the past)."""
    extra = {"slot__mentor": mentor} if mentor is not None else {}
    if mentee is not None:
        extra["mentee"] = mentee
    return BookingFactory(
        slot__start=ended - dt.timedelta(hours=1),
        slot__end=ended,
        created_at=ended - dt.timedelta(days=3),
        **extra,
        **kwargs,
    )


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review of a session that ended an hour before it was written."""

    class Meta:
        model = Review

    created_at = factory.LazyFunction(timezone.now)
    booking = factory.LazyAttribute(lambda o: past_booking(ended=o.created_at - dt.timedelta(hours=1)))
    mentee = factory.LazyAttribute(lambda o: o.booking.mentee)
    mentor = factory.LazyAttribute(lambda o: o.booking.mentor)
    rating = 5
    text = "Clear, practical advice."
