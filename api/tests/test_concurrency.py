"""Real concurrent requests on PostgreSQL: the API keeps the booking race guarantees of the site."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import MentorFactory, UserFactory
from api.services import token_create
from schedule.models import Booking, Slot
from schedule.tests.factories import SlotFactory
from schedule.tests.test_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_api_bookings_of_one_slot_make_one_booking():
    slot = SlotFactory(mentor=MentorFactory(profile__price=0, profile__is_free=True))
    keys = [token_create(user=UserFactory(), name="Race", scope="write")[1] for _ in range(20)]

    def book(key):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        response = client.post(reverse("api:booking-list"), {"slot": slot.pk}, format="json")
        return response.status_code, response.json()["code"] if response.status_code != 201 else "booked"

    results = run_at_once([lambda k=k: book(k) for k in keys])

    assert sorted(results).count((201, "booked")) == 1
    assert sorted(results).count((409, "taken")) == 19, results
    assert Booking.objects.filter(slot=slot, status=Booking.Status.CONFIRMED).count() == 1
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.BOOKED
