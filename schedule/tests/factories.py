import datetime as dt

import factory
from django.utils import timezone

from accounts.tests.factories import MentorFactory, UserFactory
from schedule.models import Booking, Slot


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    mentor = factory.SubFactory(MentorFactory)
    # Two days and an hour ahead, an hour apart, wrapping after 90 days: a long run of tests never
    # reaches the booking horizon (BOOKING_HORIZON_DAYS), where the services refuse a time, and never
    # lands on ListedMentorFactory's slot (two days ahead, to the second) of the same mentor.
    start = factory.Sequence(lambda n: timezone.now().replace(microsecond=0) + dt.timedelta(days=2, hours=1 + n % 2159))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=1))
    status = Slot.Status.AVAILABLE


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    slot = factory.SubFactory(SlotFactory, status=Slot.Status.BOOKED)
    mentor = factory.LazyAttribute(lambda o: o.slot.mentor)
    mentee = factory.SubFactory(UserFactory)
    status = Booking.Status.CONFIRMED
    note = "Career advice"
