"""Made-up payments for the demo data (``seed_demo``): test-card payments, past revenue and packages."""

import datetime as dt
import uuid

from django.conf import settings

from accounts.models import MentorProfile
from payments import services
from payments.models import Package, Payment
from payments.providers import Card
from schedule.models import Booking

TEST_CARD = Card(number="4242424242424242", exp_month=12, exp_year=2040, cvc="123")


def _terms(mentor) -> tuple:
    """(price, cancellation policy) as stored (the seeding's user objects may hold an older profile)."""
    return MentorProfile.objects.filter(user=mentor).values_list("price", "cancellation_policy").get()


def offer_packages(mentors) -> None:
    for mentor in mentors:
        price, _policy = _terms(mentor)
        if not Package.objects.filter(mentor=mentor).exists() and price:
            Package.objects.create(
                mentor=mentor, title="5 sessions for the price of 4.5", sessions=5, price=price * 9 / 2
            )


def pay_with_test_card(booking: Booking) -> Payment:
    """Pay for a hold at the checkout, as a client with the success test card would."""
    return services.booking_pay(booking=booking, payer=booking.mentee, card=TEST_CARD, idempotency_key=uuid.uuid4().hex)


def paid_in_the_past(booking: Booking) -> Payment | None:
    """
    The ledger row of a past session (the services rightly refuse to charge for the past), and the price
    on the booking, as a paid booking holds it (its page shows the payment by that).
    """
    price, policy = _terms(booking.mentor)
    if not price:
        return None
    Booking.objects.filter(pk=booking.pk).update(price=price)
    booking.price = price
    fee, share = services.split(price)
    paid_at = booking.created_at + dt.timedelta(minutes=3)
    payment = Payment.objects.create(
        payer=booking.mentee,
        mentor=booking.mentor,
        booking=booking,
        amount=price,
        currency=settings.BOOKING_CURRENCY,
        platform_fee=fee,
        mentor_share=share,
        status=Payment.Status.SUCCEEDED,
        idempotency_key=uuid.uuid4().hex,
        provider="fake",
        card="Visa •••• 4242",
        policy=policy,
        created_at=paid_at,
        paid_at=paid_at,
    )
    Payment.objects.filter(pk=payment.pk).update(invoice_number=f"INV-{paid_at:%Y}-{payment.pk:06d}")
    return payment
