"""Payments under real concurrency on PostgreSQL: double submits charge once, credits are never shared."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import MentorFactory, UserFactory
from payments import services
from payments.models import CreditUse, Package, PackagePurchase, Payment, Refund
from payments.services import PaymentError
from payments.tests.factories import card
from schedule import services as schedule_services
from schedule.models import Booking
from schedule.tests.factories import SlotFactory
from schedule.tests.test_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _hold(mentor, mentee, days=3):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    slot = SlotFactory(mentor=mentor, start=start, end=start + dt.timedelta(hours=1))
    return schedule_services.booking_hold(slot_id=slot.pk, mentee=mentee)


def test_the_same_payment_form_submitted_eight_times_at_once_charges_once():
    mentee = UserFactory()
    held = _hold(MentorFactory(), mentee)
    key = "s" * 32
    pay = lambda: services.booking_pay(booking=held, payer=mentee, card=card(), idempotency_key=key)  # noqa: E731
    results = run_at_once([pay] * 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Payment.objects.count() == 1 and {r.pk for r in results} == {Payment.objects.get().pk}
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED


def test_two_tabs_paying_one_session_at_once_charge_once():
    mentee = UserFactory()
    held = _hold(MentorFactory(), mentee)
    pays = [
        lambda key=key: services.booking_pay(booking=held, payer=mentee, card=card(), idempotency_key=key)
        for key in ("t" * 32, "u" * 32, "v" * 32, "w" * 32)
    ]
    results = run_at_once(pays)
    assert Payment.objects.filter(status="succeeded").count() == 1
    refused = [r for r in results if isinstance(r, PaymentError)]
    assert len(refused) == 3 and {r.code for r in refused} == {"paid"}


def test_the_last_credit_books_one_of_two_sessions_taken_at_once():
    mentor, mentee = MentorFactory(), UserFactory()
    package = Package.objects.create(mentor=mentor, title="Two", sessions=2, price=90)
    services.package_buy(package=package, payer=mentee, card=card(), idempotency_key="p" * 32)
    PackagePurchase.objects.update(credits_left=1)
    holds = [_hold(mentor, mentee, days=d) for d in (3, 4, 5)]
    results = run_at_once([lambda h=h: services.booking_pay_with_credit(booking=h, payer=mentee) for h in holds])
    assert len([r for r in results if isinstance(r, CreditUse)]) == 1
    assert PackagePurchase.objects.get().credits_left == 0
    assert Booking.objects.filter(status="confirmed").count() == 1


def test_cancelling_and_refunding_unused_credits_at_once_never_refund_more_than_paid():
    mentor, mentee = MentorFactory(), UserFactory()
    held = _hold(mentor, mentee)
    services.booking_pay(booking=held, payer=mentee, card=card(), idempotency_key="c" * 32)
    held.refresh_from_db()
    results = run_at_once([lambda: schedule_services.booking_cancel(booking=held, by=mentee) for _ in range(4)])
    assert len([r for r in results if isinstance(r, Booking)]) == 1
    assert Refund.objects.count() == 1 and Payment.objects.get().refunded == Decimal(50)
