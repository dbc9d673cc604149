"""The checkout, the bank's step, the Payments and Earnings pages, packages, and what schedule pages show."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import MentorFactory, UserFactory, staff_member
from payments import services
from payments.models import Package, PackagePurchase, Payment, Refund
from payments.tests.factories import BANK_STEP, DECLINED, card
from schedule import services as schedule_services
from schedule.models import Booking
from schedule.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

CARD = {"number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123", "key": "a" * 32}


@pytest.fixture
def mentor():
    return MentorFactory(first_name="Olena", profile__price=50)


@pytest.fixture
def slot(mentor):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    return SlotFactory(mentor=mentor, start=start, end=start + dt.timedelta(hours=1))


@pytest.fixture
def held(slot, mentee, client):
    client.force_login(mentee)
    response = client.post(reverse("schedule:booking_confirm", args=[slot.pk]), {"note": "Hi"})
    booking = Booking.objects.get()
    assert response["Location"] == reverse("payments:checkout", args=[booking.pk])
    return booking


def test_booking_a_paid_mentor_shows_the_price_and_policy_then_holds_the_slot_for_the_checkout(slot, mentee, client):
    client.force_login(mentee)
    page = client.get(reverse("schedule:booking_confirm", args=[slot.pk])).content.decode()
    assert "Continue to payment" in page and "Full refund if you cancel at least 24 hours before the start." in page
    client.post(reverse("schedule:booking_confirm", args=[slot.pk]), {"note": "Hi"})
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.PENDING
    again = client.post(reverse("schedule:booking_confirm", args=[slot.pk]), {"note": "Hi"})  # a double submit
    assert again["Location"] == reverse("payments:checkout", args=[booking.pk]) and Booking.objects.count() == 1


def test_the_checkout_page_costs_a_fixed_number_of_queries(held, client, django_assert_num_queries):
    url = reverse("payments:checkout", args=[held.pk])
    # session, user, booking+slot+mentor+profile, usable package, the header's unread counts
    with django_assert_num_queries(5):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "$50" in text and "4242 4242 4242 4242" in text
    assert "held for you until" in text


def test_paying_at_the_checkout_books_the_session(held, client):
    response = client.post(reverse("payments:checkout", args=[held.pk]), CARD, follow=True)
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED
    assert response.redirect_chain[-1][0] == held.get_absolute_url()
    assert "Paid. Your session is booked" in response.content.decode()
    again = client.post(reverse("payments:checkout", args=[held.pk]), CARD)  # the form sent twice
    assert again["Location"] == held.get_absolute_url() and Payment.objects.count() == 1


def test_a_declined_card_is_explained_on_the_checkout_and_the_time_stays_held(held, client):
    data = {**CARD, "number": "4000 0000 0000 0002"}
    response = client.post(reverse("payments:checkout", args=[held.pk]), data, follow=True)
    assert "Your card was declined" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("payments:checkout", args=[held.pk])
    held.refresh_from_db()
    assert held.status == Booking.Status.PENDING


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("number", "4242 4242 4242 4241", "Enter a valid card number."),
        ("expiry", "01/20", "This card has expired."),
        ("expiry", "13/30", "Enter the expiry date as MM/YY"),
        ("cvc", "12", "The security code is the 3 or 4 digits"),
    ],
)
def test_a_mistyped_card_is_refused_with_a_clear_message(held, client, field, value, message):
    response = client.post(reverse("payments:checkout", args=[held.pk]), {**CARD, field: value})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Payment.objects.exists()


def test_the_bank_step_page_confirms_or_gives_up(held, client):
    client.post(reverse("payments:checkout", args=[held.pk]), {**CARD, "number": BANK_STEP})
    payment = Payment.objects.get()
    url = reverse("payments:confirm", args=[payment.pk])
    assert "Your bank asks you to confirm" in client.get(url).content.decode()
    assert client.post(url, {"action": "maybe"}).status_code == 400
    client.post(url, {"action": "confirm"})
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED


def test_a_hold_that_ran_out_sends_the_mentee_back_to_choose_again(held, client, time_machine):
    time_machine.move_to(held.hold_expires_at + dt.timedelta(seconds=1))
    response = client.get(reverse("payments:checkout", args=[held.pk]))
    assert response["Location"] == held.mentor.mentor_profile.get_absolute_url()
    held.refresh_from_db()
    assert held.status == Booking.Status.EXPIRED


def test_someone_elses_checkout_is_not_found(held, client):
    client.force_login(UserFactory())
    assert client.get(reverse("payments:checkout", args=[held.pk])).status_code == 404


def test_the_cancel_page_shows_the_exact_refund(held, client):
    services.booking_pay(booking=held, payer=held.mentee, card=card(), idempotency_key="b" * 32)
    page = client.get(reverse("schedule:booking_cancel", args=[held.pk])).content.decode()
    assert "You will get back $50" in page and "100% of $50" in page
    page = client.post(reverse("schedule:booking_cancel", args=[held.pk]), {"reason": ""}, follow=True)
    assert Refund.objects.get().amount == Decimal(50)
    text = page.content.decode()  # the booking's page says what came back
    assert "$50 paid on" in text and "$50 refunded to your card on" in text
    client.force_login(held.mentor)
    assert "refunded to your card" not in client.get(held.get_absolute_url()).content.decode()  # the client's


def test_a_session_booked_with_a_package_says_so_and_when_it_was_given_back(held, client):
    package = Package.objects.create(mentor=held.mentor, title="Five <b>", sessions=5, price=225)
    services.package_buy(package=package, payer=held.mentee, card=card(), idempotency_key="p" * 32)
    services.booking_pay_with_credit(booking=held, payer=held.mentee)
    assert "A session of your package “Five &lt;b&gt;”" in client.get(held.get_absolute_url()).content.decode()
    page = client.post(reverse("schedule:booking_cancel", args=[held.pk]), {"reason": ""}, follow=True)
    assert "Given back to the package on" in page.content.decode()


def test_the_mentor_s_cancel_page_speaks_of_the_client_s_refund(held, client):
    services.booking_pay(booking=held, payer=held.mentee, card=card(), idempotency_key="b" * 32)
    client.force_login(held.mentor)
    page = client.get(reverse("schedule:booking_cancel", args=[held.pk])).content.decode()
    assert "The client gets back $50" in page and "to the card they paid with." in page
    assert "You will get back" not in page  # the mentor paid nothing


def test_staffs_cancel_page_says_the_client_gets_it_all_back(held, client):
    services.booking_pay(booking=held, payer=held.mentee, card=card(), idempotency_key="b" * 32)
    client.force_login(staff_member("Admin"))
    page = client.get(reverse("dashboard:booking_cancel", args=[held.pk])).content.decode()
    assert "The client gets back $50" in page and "Go back" in page


def test_the_payments_page_lists_payments_and_packages_in_fixed_queries(held, client, django_assert_num_queries):
    with pytest.raises(services.PaymentError):
        services.booking_pay(booking=held, payer=held.mentee, card=card(DECLINED), idempotency_key="c" * 32)
    services.booking_pay(booking=held, payer=held.mentee, card=card(), idempotency_key="d" * 32)
    for sessions in (3, 5):
        package = Package.objects.create(mentor=held.mentor, title=f"{sessions} sessions", sessions=sessions, price=100)
        services.package_buy(package=package, payer=held.mentee, card=card(), idempotency_key=f"{sessions}" * 32)
    # session, user, packages bought, payments count + page, the header's unread counts
    with django_assert_num_queries(6):
        page = client.get(reverse("payments:list"))
    text = page.content.decode()
    assert "Declined" in text and "INV-" in text and "3 of 3 sessions left" in text


def test_a_payment_given_back_in_full_reads_refunded_not_paid(held, client):
    services.booking_pay(booking=held, payer=held.mentee, card=card(), idempotency_key="f" * 32)
    schedule_services.booking_cancel(booking=held, by=held.mentee)  # days ahead: a full refund
    text = client.get(reverse("payments:list")).content.decode()
    assert '<span class="badge text-bg-secondary">Refunded</span>' in text
    assert ">Paid</span>" not in text and "refunded</div>" not in text


def test_the_earnings_page_sums_shares_and_refunds_in_fixed_queries(held, client, django_assert_num_queries):
    services.booking_pay(booking=held, payer=held.mentee, card=card(), idempotency_key="e" * 32)
    schedule_services.booking_cancel(booking=held, by=held.mentee, now=held.slot.start - dt.timedelta(hours=3))
    client.force_login(held.mentor)
    # session, user, profile (mentor check), totals (payments, refunds), months (payments, refunds),
    # count + page, header
    with django_assert_num_queries(9):
        page = client.get(reverse("payments:earnings"))
    totals = page.context["totals"]
    # Half of $50 came back: the platform gives back its fee on that half too, and the figures add up.
    assert (totals.gross, totals.refunded, totals.net_fees, totals.net) == (
        Decimal(50),
        Decimal(25),
        Decimal("3.75"),
        Decimal("21.25"),
    )
    assert totals.gross - totals.refunded - totals.net_fees == totals.net
    month = page.context["months"][0].earnings
    assert (month.gross, month.refunded, month.net_fees, month.net) == (50, 25, Decimal("3.75"), Decimal("21.25"))
    text = page.content.decode()
    assert "$21.25" in text and "of $42.50" in text  # the payment's row: its share after the refund


def test_a_mentor_offers_a_package_and_a_mentee_buys_it_from_the_mentor_page(mentor, mentee, client):
    client.force_login(mentor)
    response = client.post(reverse("payments:package_manage"), {"title": "Five <b>", "sessions": 5, "price": "225"})
    assert response.status_code == 302
    package = Package.objects.get()
    client.force_login(mentee)
    page = client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert "Five &lt;b&gt;" in page and "$45 each" in page
    client.post(reverse("payments:package_buy", args=[package.pk]), CARD)
    assert PackagePurchase.objects.get().credits_left == 5
    client.force_login(mentor)
    assert client.get(reverse("payments:package_buy", args=[package.pk])).status_code == 404  # not one's own


def test_buying_a_package_before_confirming_ones_address_is_refused_with_a_message(mentor, client):
    package = Package.objects.create(mentor=mentor, title="Five", sessions=5, price=Decimal("225.00"))
    newcomer = UserFactory(email_verified=False)
    client.force_login(newcomer)
    response = client.post(reverse("payments:package_buy", args=[package.pk]), CARD, follow=True)
    assert response.status_code == 200
    assert "Please confirm your email address first" in response.content.decode()
    assert not Payment.objects.exists() and not PackagePurchase.objects.exists()


def test_a_package_of_someone_no_longer_a_mentor_is_not_for_sale(mentor, mentee, client):
    package = Package.objects.create(mentor=mentor, title="Five", sessions=5, price=Decimal("225.00"))
    mentor.is_mentor = False
    mentor.save(update_fields=["is_mentor"])
    client.force_login(mentee)
    assert client.get(reverse("payments:package_buy", args=[package.pk])).status_code == 404
    assert client.post(reverse("payments:package_buy", args=[package.pk]), CARD).status_code == 404
    assert not PackagePurchase.objects.exists()


def test_a_package_credit_books_from_the_checkout(held, client):
    package = Package.objects.create(mentor=held.mentor, title="Five", sessions=5, price=200)
    services.package_buy(package=package, payer=held.mentee, card=card(), idempotency_key="f" * 32)
    page = client.get(reverse("payments:checkout", args=[held.pk])).content.decode()
    assert "Use a session of “Five” (5 left)" in page
    other = SlotFactory(mentor=held.mentor, start=held.slot.start + dt.timedelta(days=1))
    confirm = client.get(reverse("schedule:booking_confirm", args=[other.pk])).content.decode()
    assert "You have 5 sessions left in “Five”: choose one at the next step instead of paying." in confirm
    client.post(reverse("payments:checkout_credit", args=[held.pk]))
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED and PackagePurchase.objects.get().credits_left == 4
    assert "comes back to you" in client.get(reverse("schedule:booking_cancel", args=[held.pk])).content.decode()


def test_a_mentee_refunds_unused_package_sessions_from_the_payments_page_after_seeing_the_amount(
    mentor, mentee, client, django_assert_num_queries
):
    package = Package.objects.create(mentor=mentor, title="Five", sessions=5, price=199)
    services.package_buy(package=package, payer=mentee, card=card(), idempotency_key="g" * 32)
    purchase = PackagePurchase.objects.get()
    PackagePurchase.objects.filter(pk=purchase.pk).update(credits_left=3)  # two were used
    client.force_login(mentee)
    url = reverse("payments:purchase_refund", args=[purchase.pk])
    assert f'href="{url}"' in client.get(reverse("payments:list")).content.decode()  # a link, not a button

    client.get(reverse("home"))
    # session, user, the purchase with its package, payment and mentor (the header's counts are cached)
    with django_assert_num_queries(3):
        page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert "3 of 5 sessions are unused." in page and "You get back $119.40." in page  # 199 × 3/5, down to the cent
    assert "Refund $119.40" in page and not Refund.objects.exists()

    response = client.post(url, follow=True)
    assert "The unused sessions are refunded: $119.40" in response.content.decode()
    assert Refund.objects.get().amount == Decimal("119.40")
    assert "$119.40 refunded" in response.content.decode()  # the card says what came back, not "0 of 5 left"
    response = client.get(url, follow=True)  # once only
    assert "This package has no unused sessions to refund." in response.content.decode()


def test_the_package_pages_and_the_bank_step_cost_a_fixed_number_of_queries(
    mentor, mentee, client, held, django_assert_num_queries
):
    package = Package.objects.create(mentor=mentor, title="Five", sessions=5, price=200)
    client.force_login(mentee)
    # session, user, the package with its mentor and profile, the header's unread counts
    with django_assert_num_queries(4):
        assert client.get(reverse("payments:package_buy", args=[package.pk])).status_code == 200
    client.post(reverse("payments:checkout", args=[held.pk]), {**CARD, "number": BANK_STEP})
    payment = Payment.objects.get()
    cache.clear()  # the checkout just cached the header's counts: measure them too
    # session, user, the payment with its mentor, session and package, the header's unread counts
    with django_assert_num_queries(4):
        assert client.get(reverse("payments:confirm", args=[payment.pk])).status_code == 200
    client.force_login(mentor)
    cache.clear()
    # session, user, the mentor's packages, the header's unread counts
    with django_assert_num_queries(4):
        assert client.get(reverse("payments:package_manage")).status_code == 200


def test_moving_a_paid_session_much_sooner_says_first_that_cancelling_it_would_give_back_less(held, client, mentor):
    """Standard policy: all of $50 back up to 24 hours before, half up to 2 hours. The session is in 3 days."""
    now = timezone.now().replace(microsecond=0)
    url = reverse("schedule:booking_reschedule", args=[held.pk])

    def confirmation(hours: int) -> str:
        start = now + dt.timedelta(hours=hours)
        slot = SlotFactory(mentor=mentor, start=start, end=start + dt.timedelta(hours=1))
        page = client.get(url, {"slot": f"{slot.pk}:{int(start.timestamp())}"}).content.decode()
        assert "Yes, move it" in page
        return re.sub(r"\s+", " ", page)

    with time_machine.travel(now, tick=False):
        client.post(reverse("payments:checkout", args=[held.pk]), CARD)
        sooner = confirmation(10)
        later = confirmation(24 * 5)
    assert "The new time is sooner: if you cancel it, you get back $25 (50% of $50), less than for today" in sooner
    assert "The new time is sooner" not in later  # later: the same terms


def test_a_package_dearer_than_its_sessions_one_by_one_is_refused_beside_its_price(mentor, client):
    client.force_login(mentor)  # $50 a session
    page = client.get(reverse("payments:package_manage")).content.decode()
    assert "In USD, for all its sessions together." in page
    response = client.post(reverse("payments:package_manage"), {"title": "Five", "sessions": 5, "price": "1000"})
    assert response.status_code == 400
    assert response.context["form"].errors["price"] == [
        "A package costs at most its sessions booked one by one: 5 × $50 = $250."
    ]
    assert 'value="Five"' in response.content.decode() and not Package.objects.exists()
    client.post(reverse("payments:package_manage"), {"title": "Five", "sessions": 5, "price": "250"})
    assert Package.objects.get().price == 250


def test_a_package_is_on_offer_only_while_it_is_within_its_sessions_at_today_s_price(mentor, mentee, client):
    package = Package.objects.create(mentor=mentor, title="Five", sessions=5, price=Decimal("225.00"))
    profile = mentor.mentor_profile
    profile.price = Decimal("40")  # now 5 × $40 = $200: the package would cost more
    profile.save()
    client.force_login(mentee)
    assert "Five" not in client.get(profile.get_absolute_url()).content.decode()
    assert client.post(reverse("payments:package_buy", args=[package.pk]), CARD).status_code in (302, 404)
    assert not PackagePurchase.objects.exists()
    client.force_login(mentor)
    page = client.get(reverse("payments:package_manage")).content.decode()
    assert "Not offered: dearer than its sessions at your price" in page
    package.is_active = False
    package.save()
    client.post(reverse("payments:package_toggle", args=[package.pk]), follow=True)  # offered again: no
    package.refresh_from_db()
    assert not package.is_active


def test_a_mentor_with_free_sessions_has_no_package_to_sell(client):
    free = MentorFactory(profile__price=0, profile__is_free=True)
    client.force_login(free)
    response = client.post(reverse("payments:package_manage"), {"title": "Five", "sessions": 5, "price": "1000"})
    assert response.status_code == 400 and "Your sessions are free" in response.content.decode()
    assert not Package.objects.exists()


def test_earnings_by_month_follow_the_mentors_zone(mentor, mentee, client):
    """A payment on 1 March at 03:00 UTC was made on 28 February in New York: it is February's."""
    for paid_at in (dt.datetime(2026, 3, 1, 3, tzinfo=dt.UTC), dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)):
        package = Package.objects.create(mentor=mentor, title="Five", sessions=5, price=100)
        payment = services.package_buy(
            package=package, payer=mentee, card=card(), idempotency_key=str(paid_at.day) * 32
        )
        Payment.objects.filter(pk=payment.pk).update(paid_at=paid_at)
    mentor.timezone = "America/New_York"
    mentor.save(update_fields=["timezone"])
    client.force_login(mentor)
    page = client.get(reverse("payments:earnings")).content.decode()
    assert re.findall(r'<td class="fw-semibold">([^<]+)</td><td class="text-end" data-label="Payments">1<', page) == [
        "March 2026",
        "February 2026",
    ]
