"""Charging a held session, the bank's step, idempotency, refunds by the policy, and package credits."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import User
from accounts.tests.factories import MentorFactory, UserFactory
from audit.models import Event
from notifications.models import Notification
from payments import emails, services
from payments.models import CreditUse, Package, PackagePurchase, Payment, Refund
from payments.services import PaymentError
from payments.tests.factories import BANK_STEP, DECLINED, NO_FUNDS, card
from schedule import services as schedule_services
from schedule.models import Booking, Slot
from schedule.services import BookingError
from schedule.tests.factories import SlotFactory
from schedule.tests.outbox import queued

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


@pytest.fixture
def mentor():
    return MentorFactory(first_name="Seán O'Brien", last_name="& <Co>", profile__price=50)


@pytest.fixture
def slot(mentor):
    return SlotFactory(mentor=mentor, start=at(48), end=at(49))


@pytest.fixture
def held(slot, mentee):
    return schedule_services.booking_hold(slot_id=slot.pk, mentee=mentee, now=NOW)


def pay(booking, number="4242424242424242", key="k" * 32, now=NOW):
    return services.booking_pay(booking=booking, payer=booking.mentee, card=card(number), idempotency_key=key, now=now)


@pytest.fixture
def paid(held):
    pay(held)
    held.refresh_from_db()
    return held


# --- Charging ---


def test_a_good_card_pays_and_confirms_the_session_in_one_go(held):
    payment = pay(held)
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED
    assert payment.status == Payment.Status.SUCCEEDED and payment.paid_at == NOW
    assert (payment.amount, payment.platform_fee, payment.mentor_share) == (
        Decimal(50),
        Decimal("7.50"),
        Decimal("42.50"),
    )
    assert payment.currency == "USD" and payment.card == "Visa •••• 4242" and payment.policy == "standard"
    assert payment.invoice_number == f"INV-2026-{payment.pk:06d}"
    [receipt] = queued(emails.RECEIPT)
    assert receipt.to == [held.mentee.email] and payment.invoice_number in receipt.subject
    assert "Seán O'Brien & <Co>" in receipt.message  # plain text is not HTML-escaped
    assert "$50" in receipt.message
    assert len(queued("confirmation")) == 2  # both sides, as for any booking


def test_a_declined_card_says_why_and_keeps_the_hold_for_another_card(held):
    with pytest.raises(PaymentError) as error:
        pay(held, DECLINED)
    assert error.value.message == "Your card was declined. Please try another card."
    with pytest.raises(PaymentError) as error:
        pay(held, NO_FUNDS, key="n" * 32)
    assert "insufficient funds" in error.value.message
    held.refresh_from_db()
    assert held.status == Booking.Status.PENDING and Slot.objects.get(pk=held.slot_id).status == Slot.Status.BOOKED
    assert list(Payment.objects.values_list("status", "failure")) == [
        ("failed", "insufficient_funds"),
        ("failed", "card_declined"),
    ]
    assert not queued(emails.RECEIPT)
    pay(held, key="r" * 32)  # another card, a new form
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED


def test_a_declined_form_sent_again_answers_the_same_without_charging_again(held):
    for _attempt in range(2):
        with pytest.raises(PaymentError):
            pay(held, DECLINED)
    assert Payment.objects.count() == 1


def test_the_same_form_submitted_twice_charges_once(held):
    first = pay(held)
    second = pay(held)
    assert first.pk == second.pk and Payment.objects.count() == 1


def test_a_second_tab_with_another_form_cannot_pay_a_paid_session(paid):
    with pytest.raises(PaymentError) as error:
        pay(paid, key="t" * 32)
    assert error.value.code == "paid" and Payment.objects.count() == 1


def test_an_unknown_card_is_never_charged(held):
    with pytest.raises(PaymentError) as error:
        pay(held, "4111111111111111")
    assert "test cards" in error.value.message


def test_a_hold_that_ran_out_cannot_be_paid(held):
    with pytest.raises(PaymentError) as error:
        pay(held, now=at(0.25))
    assert error.value.code == "expired" and not Payment.objects.exists()


def test_the_bank_step_confirms_once_however_often_it_is_retried(held):
    payment = pay(held, BANK_STEP)
    assert payment.status == Payment.Status.REQUIRES_ACTION
    held.refresh_from_db()
    assert held.status == Booking.Status.PENDING
    for _retry in range(2):
        confirmed = services.payment_confirm(payment=payment, payer=held.mentee, now=at(0.1))
    assert confirmed.status == Payment.Status.SUCCEEDED and Payment.objects.count() == 1
    assert len(queued(emails.RECEIPT)) == 1
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED


def test_giving_up_the_bank_step_lets_another_card_pay(held):
    payment = pay(held, BANK_STEP)
    services.payment_abandon(payment=payment, payer=held.mentee)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    with pytest.raises(PaymentError):
        services.payment_confirm(payment=payment, payer=held.mentee, now=at(0.1))
    pay(held, key="z" * 32)
    assert Payment.objects.filter(status="succeeded").count() == 1


def test_the_bank_step_after_the_hold_ran_out_fails_and_charges_nothing(held):
    payment = pay(held, BANK_STEP)
    with pytest.raises(PaymentError):
        services.payment_confirm(payment=payment, payer=held.mentee, now=at(0.3))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and payment.invoice_number is None


def test_the_database_allows_one_live_payment_per_session(paid):
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            payer=paid.mentee, mentor=paid.mentor, booking=paid, amount=50, currency="USD",
            platform_fee=Decimal("7.50"), mentor_share=Decimal("42.50"), idempotency_key="x", status="succeeded",
        )  # fmt: skip


def test_the_database_refuses_a_refund_above_what_was_paid_or_a_broken_split(paid):
    payment = Payment.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded=Decimal("50.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(platform_fee=Decimal("8"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(
            payment=payment, amount=-1, platform_fee=0, mentor_share=-1, reason="x", idempotency_key="y"
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # a cent out
        Refund.objects.create(
            payment=payment, amount=Decimal("10"), platform_fee=Decimal("1.50"), mentor_share=Decimal("8.49"),
            reason="x", idempotency_key="z",
        )  # fmt: skip
    # a whole split whose parts do not add up exactly as floats (SQLite's arithmetic) is whole all the same
    Refund.objects.create(
        payment=payment, amount=Decimal("119.40"), platform_fee=Decimal("17.91"), mentor_share=Decimal("101.49"),
        reason="x", idempotency_key="w",
    )  # fmt: skip


def test_refunds_in_parts_give_back_exactly_the_fee_and_the_share_of_the_whole(paid):
    payment = Payment.objects.get()
    for n, part in enumerate(["0.50", "49.50"]):  # each rounded alone: 0.08 + 7.43 = 7.51 of a 7.50 fee
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        services._refund(payment, Decimal(part), reason=Refund.Reason.STAFF_CANCELLED, key=f"part:{n}", now=NOW)
    fees = [refund.platform_fee for refund in Refund.objects.order_by("pk")]
    shares = [refund.mentor_share for refund in Refund.objects.order_by("pk")]
    assert fees == [Decimal("0.08"), Decimal("7.42")] and sum(fees) == payment.platform_fee
    assert sum(shares) == payment.mentor_share


# --- Refunds on cancellation ---


@pytest.mark.parametrize(
    ("hours_before", "refunded"),
    [(48, "50.00"), (24, "50.00"), (23.99, "25.00"), (2, "25.00"), (1.99, "0")],
)
def test_a_client_cancelling_gets_back_exactly_what_the_policy_says(paid, hours_before, refunded):
    when = paid.slot.start - dt.timedelta(hours=hours_before)
    quote = services.cancel_quote(booking=paid, by=paid.mentee, now=when)
    assert quote.amount == Decimal(refunded)
    schedule_services.booking_cancel(booking=paid, by=paid.mentee, now=when)
    payment = Payment.objects.get()
    assert payment.refunded == Decimal(refunded)
    if Decimal(refunded):
        refund = Refund.objects.get()
        assert refund.amount == Decimal(refunded) and refund.reason == Refund.Reason.MENTEE_CANCELLED
        assert refund.platform_fee + refund.mentor_share == refund.amount
        assert refund.platform_fee == (Decimal(refunded) * Decimal("0.15")).quantize(Decimal("0.01"))
        [notice] = queued(emails.REFUND)
        assert f"${refunded.removesuffix('.00')}" in notice.subject
        assert "You cancelled the session." in notice.message  # not "Cancelled by the client", to the client
        assert Notification.objects.filter(recipient=paid.mentee, kind=services.REFUND_KIND).count() == 1
    else:
        assert not Refund.objects.exists() and not queued(emails.REFUND)


def test_the_mentor_cancelling_refunds_in_full_even_at_the_last_minute(paid):
    schedule_services.booking_cancel(booking=paid, by=paid.mentor, now=paid.slot.start - dt.timedelta(minutes=5))
    refund = Refund.objects.get()
    assert refund.amount == Decimal(50) and refund.reason == Refund.Reason.MENTOR_CANCELLED
    assert "The mentor cancelled the session." in queued(emails.REFUND)[0].message
    notice = Notification.objects.get(recipient=paid.mentee, kind=services.REFUND_KIND)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Kyiv")):
        text = notice.text
    assert text == (
        "We have refunded $50 to your card for the session with Seán O'Brien & <Co> on 25 November 2026, 11:00."
    )  # in the reader's zone; the page escapes it
    assert notice.link == paid.get_absolute_url()
    with translation.override("uk"):
        assert notice.text.startswith("Ми повернули 50\xa0$ на вашу картку за консультацію з Seán O'Brien & <Co>")


def test_the_policy_paid_under_applies_even_if_the_mentor_changes_it_later(paid):
    profile = paid.mentor.mentor_profile
    profile.cancellation_policy = "strict"
    profile.save()
    schedule_services.booking_cancel(booking=paid, by=paid.mentee, now=paid.slot.start - dt.timedelta(hours=30))
    assert Refund.objects.get().amount == Decimal(50)  # standard: in full at 30 hours; strict would give half


def test_a_refund_that_fails_leaves_the_booking_as_it_was(paid, monkeypatch):
    from payments.providers import ProviderError, fake

    def down(self, **kwargs):
        raise ProviderError("timeout")

    monkeypatch.setattr(fake.FakeCardProvider, "refund", down)
    with pytest.raises(BookingError) as error:
        schedule_services.booking_cancel(booking=paid, by=paid.mentee, now=at(1))
    assert error.value.code == "refund_failed"
    paid.refresh_from_db()
    assert paid.status == Booking.Status.CONFIRMED and not Refund.objects.exists()
    assert Payment.objects.get().refunded == 0


def test_a_mentor_who_did_not_come_refunds_in_full_and_a_client_who_did_not_gets_nothing(paid, mentor):
    schedule_services.booking_no_show(booking=paid, by=paid.mentee, now=at(48.5))
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason) == (Decimal(50), Refund.Reason.MENTOR_NO_SHOW)

    other = schedule_services.booking_hold(
        slot_id=SlotFactory(mentor=mentor, start=at(72), end=at(73)).pk, mentee=paid.mentee, now=NOW
    )
    pay(other, key="o" * 32)
    schedule_services.booking_no_show(booking=other, by=mentor, now=at(72.5))
    assert Refund.objects.count() == 1


def test_moving_a_paid_session_costs_nothing_and_keeps_the_payment(paid, mentor):
    new = SlotFactory(mentor=mentor, start=at(72), end=at(73))
    schedule_services.booking_reschedule(booking=paid, new_slot_id=new.pk, by=paid.mentee, now=NOW)
    assert Payment.objects.get().booking_id == paid.pk and not Refund.objects.exists()


# --- Packages ---


@pytest.fixture
def package(mentor):
    return Package.objects.create(mentor=mentor, title="Five for 4.5", sessions=5, price=Decimal("225.00"))


def buy(package, mentee, key="p" * 32, now=NOW):
    payment = services.package_buy(package=package, payer=mentee, card=card(), idempotency_key=key, now=now)
    return PackagePurchase.objects.get(payment=payment)


def test_a_bought_package_gives_its_sessions_as_credits_until_it_expires(package, mentee, settings):
    purchase = buy(package, mentee)
    assert (purchase.sessions, purchase.credits_left) == (5, 5)
    assert purchase.expires_at == NOW + dt.timedelta(days=settings.PACKAGE_VALID_DAYS)
    assert Payment.objects.get().amount == Decimal("225.00")
    assert package.price_per_session == Decimal("45.00")
    assert Notification.objects.filter(recipient=package.mentor, kind=services.PACKAGE_KIND).exists()


@pytest.mark.parametrize("gone", ["withdrawn", "no_longer_a_mentor", "blocked"])
def test_a_package_that_goes_while_the_bank_waits_is_not_sold(package, mentee, gone):
    payment = services.package_buy(package=package, payer=mentee, card=card(BANK_STEP), idempotency_key="q" * 32)
    assert payment.status == Payment.Status.REQUIRES_ACTION
    if gone == "withdrawn":
        Package.objects.filter(pk=package.pk).update(is_active=False)
    else:
        User.objects.filter(pk=package.mentor_id).update(**{"is_mentor" if gone != "blocked" else "is_active": False})

    with pytest.raises(PaymentError, match="no longer offered"):
        services.payment_confirm(payment=payment, payer=mentee, now=NOW)

    payment.refresh_from_db()
    assert (payment.status, payment.failure_label) == (Payment.Status.FAILED, "The package was withdrawn")
    assert not PackagePurchase.objects.exists()
    with pytest.raises(PaymentError, match="no longer offered"):  # nor bought afresh
        buy(package, mentee, key="r" * 32)


def test_a_credit_books_a_session_and_comes_back_when_cancelled_in_time(package, held):
    buy(package, held.mentee)
    services.booking_pay_with_credit(booking=held, payer=held.mentee, now=NOW)
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED and PackagePurchase.objects.get().credits_left == 4
    assert services.cancel_quote(booking=held, by=held.mentee, now=NOW).credit_back
    schedule_services.booking_cancel(booking=held, by=held.mentee, now=NOW)
    assert PackagePurchase.objects.get().credits_left == 5
    assert CreditUse.objects.get().returned_at == NOW and not Refund.objects.exists()


def test_a_mentor_who_leaves_refunds_what_their_clients_packages_have_left(package, held):
    from accounts.services import account_deletion_request

    buy(package, held.mentee)  # $225 for five
    services.booking_pay_with_credit(booking=held, payer=held.mentee, now=NOW)  # one booked with a credit
    other = UserFactory()
    used_up = buy(package, other, key="u" * 32)
    PackagePurchase.objects.filter(pk=used_up.pk).update(credits_left=0)

    account_deletion_request(user=package.mentor, now=at(1))

    held.refresh_from_db()
    purchase = PackagePurchase.objects.get(mentee=held.mentee)
    assert held.status == Booking.Status.CANCELLED  # its credit came back first, so all five are refunded
    assert (purchase.credits_left, purchase.refunded_at) == (0, at(1)) and not purchase.is_usable(now=at(1))
    refund = Refund.objects.get()  # none for the package with nothing left
    assert (refund.amount, refund.reason) == (Decimal("225.00"), Refund.Reason.MENTOR_LEFT)
    assert refund.payment.payer == held.mentee and str(refund.reason_to_client).startswith("The mentor has left")
    assert Notification.objects.filter(recipient=held.mentee, kind=services.REFUND_KIND).exists()
    assert [email.to for email in queued(emails.REFUND)] == [[held.mentee.email]]


def test_blocking_a_mentor_cancels_their_sessions_to_come_and_refunds_the_clients_in_full(paid, mentor, time_machine):
    from accounts.services import user_deactivate
    from accounts.tests.factories import staff_member

    time_machine.move_to(NOW, tick=False)
    manager = staff_member("Manager")
    user_deactivate(user=mentor, by=manager)
    paid.refresh_from_db()
    assert (paid.status, paid.cancelled_by, paid.cancel_reason) == ("cancelled", manager, "The account was blocked.")
    refund = Refund.objects.get()
    assert refund.amount == Decimal(50) and refund.reason == Refund.Reason.STAFF_CANCELLED
    assert [email.to for email in queued(emails.REFUND)] == [[paid.mentee.email]]


def test_a_mentor_cannot_leave_while_their_clients_packages_cannot_be_refunded(package, mentee, monkeypatch):
    from accounts.services import AccountError, account_deletion_request
    from payments.providers import ProviderError, fake

    purchase = buy(package, mentee)

    def down(self, **kwargs):
        raise ProviderError("timeout")

    monkeypatch.setattr(fake.FakeCardProvider, "refund", down)
    with pytest.raises(AccountError, match="could not be refunded just now"):
        account_deletion_request(user=package.mentor, now=at(1))
    purchase.refresh_from_db()
    package.mentor.refresh_from_db()
    assert purchase.credits_left == 5 and package.mentor.is_active and not Refund.objects.exists()


def test_a_credit_cancelled_late_is_used_up(package, held):
    buy(package, held.mentee)
    services.booking_pay_with_credit(booking=held, payer=held.mentee, now=NOW)
    schedule_services.booking_cancel(booking=held, by=held.mentee, now=at(47))
    assert PackagePurchase.objects.get().credits_left == 4


def test_no_credit_no_booking(held):
    with pytest.raises(PaymentError) as error:
        services.booking_pay_with_credit(booking=held, payer=held.mentee, now=NOW)
    assert error.value.code == "no_credit"
    held.refresh_from_db()
    assert held.status == Booking.Status.PENDING


def test_an_expired_package_books_nothing_and_refunds_nothing(package, held, settings):
    purchase = buy(package, held.mentee)
    later = NOW + dt.timedelta(days=settings.PACKAGE_VALID_DAYS)
    with pytest.raises(PaymentError):
        services.package_refund_unused(purchase=purchase, by=held.mentee, now=later)
    PackagePurchase.objects.filter(pk=purchase.pk).update(expires_at=NOW)
    with pytest.raises(PaymentError):
        services.booking_pay_with_credit(booking=held, payer=held.mentee, now=NOW)


def test_unused_sessions_are_refunded_pro_rata_once(package, mentee):
    purchase = buy(package, mentee)
    PackagePurchase.objects.filter(pk=purchase.pk).update(credits_left=3)
    refund = services.package_refund_unused(purchase=purchase, by=mentee, now=at(1))
    assert refund.amount == Decimal("135.00") and refund.reason == Refund.Reason.UNUSED_CREDITS
    notice = Notification.objects.get(recipient=mentee, kind=services.REFUND_KIND)
    assert notice.text == "We have refunded $135 to your card for the package “Five for 4.5”."
    purchase.refresh_from_db()
    assert purchase.credits_left == 0 and purchase.refunded_at == at(1)
    with pytest.raises(PaymentError):
        services.package_refund_unused(purchase=purchase, by=mentee, now=at(2))
    assert Refund.objects.count() == 1


def test_pro_rata_rounds_down_to_the_cent(mentor, mentee):
    package = Package.objects.create(mentor=mentor, title="Three", sessions=3, price=Decimal("100.00"))
    purchase = buy(package, mentee)
    PackagePurchase.objects.filter(pk=purchase.pk).update(credits_left=2)
    assert services.package_refund_unused(purchase=purchase, by=mentee, now=at(1)).amount == Decimal("66.66")


def test_nobody_else_refunds_a_package_and_a_mentor_cannot_buy_their_own(package, mentee):
    purchase = buy(package, mentee)
    with pytest.raises(PaymentError):
        services.package_refund_unused(purchase=purchase, by=UserFactory(), now=at(1))
    with pytest.raises(PaymentError):
        services.package_buy(package=package, payer=package.mentor, card=card(), idempotency_key="q" * 32, now=NOW)
    Package.objects.filter(pk=package.pk).update(is_active=False)
    with pytest.raises(PaymentError):
        services.package_buy(package=package, payer=UserFactory(), card=card(), idempotency_key="w" * 32, now=NOW)


def test_the_data_export_has_the_payments_both_ways_and_the_packages(paid, package):
    from accounts import export

    buy(package, paid.mentee)
    mine = export.user_data_export(paid.mentee)
    assert [(p["direction"], p["for"], p["amount"]) for p in mine["payments"]] == [
        ("paid", "session", "50.00"),
        ("paid", "package", "225.00"),
    ]
    assert mine["payments"][0]["card"] == "Visa •••• 4242"
    assert mine["packages_bought"][0]["sessions_left"] == 5
    theirs = export.user_data_export(paid.mentor)
    assert [p["direction"] for p in theirs["payments"]] == ["received", "received"]
    assert theirs["payments"][0]["card"] == ""  # the client's card is the client's


# --- What a review of the first version found ---


def test_moving_a_session_cannot_turn_a_late_cancellation_into_an_early_one(paid, mentor):
    late = paid.slot.start - dt.timedelta(hours=3)  # half back if cancelled now
    later_slot = SlotFactory(mentor=mentor, start=at(24 * 7), end=at(24 * 7 + 1))
    schedule_services.booking_reschedule(booking=paid, new_slot_id=later_slot.pk, by=paid.mentee, now=late)
    paid.refresh_from_db()
    quote = services.cancel_quote(booking=paid, by=paid.mentee, now=late + dt.timedelta(hours=1))
    assert (quote.percent, quote.amount) == (50, Decimal(25))


def test_the_mentor_moving_a_session_leaves_the_clients_refund_whole(paid, mentor):
    later_slot = SlotFactory(mentor=mentor, start=at(24 * 7), end=at(24 * 7 + 1))
    when = paid.slot.start - dt.timedelta(hours=3)
    schedule_services.booking_reschedule(booking=paid, new_slot_id=later_slot.pk, by=mentor, now=when)
    paid.refresh_from_db()
    assert services.cancel_quote(booking=paid, by=paid.mentee, now=when).percent == 100


def test_another_card_can_pay_after_the_bank_step_was_left_open(held):
    waiting = pay(held, BANK_STEP)
    pay(held, key="x" * 32)
    waiting.refresh_from_db()
    assert waiting.status == Payment.Status.FAILED
    assert Payment.objects.filter(status="succeeded").count() == 1


def test_a_hold_that_runs_out_closes_its_bank_step(held):
    waiting = pay(held, BANK_STEP)
    schedule_services.holds_release_expired(now=at(1))
    waiting.refresh_from_db()
    assert waiting.status == Payment.Status.FAILED


def test_a_credit_cancelled_in_time_after_the_package_was_refunded_comes_back_as_money(package, held):
    purchase = buy(package, held.mentee)
    services.booking_pay_with_credit(booking=held, payer=held.mentee, now=NOW)
    services.package_refund_unused(purchase=purchase, by=held.mentee, now=at(1))  # the 4 others: 180.00
    schedule_services.booking_cancel(booking=held, by=held.mentee, now=at(2))
    purchase.refresh_from_db()
    assert purchase.credits_left == 0
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [Decimal("45.00"), Decimal("180.00")]
    assert Payment.objects.get(package=package).refunded == Decimal(225)


def test_the_price_held_is_the_price_charged(held, mentor):
    profile = mentor.mentor_profile
    profile.price = 80
    profile.save()
    assert pay(held).amount == Decimal(50)


def test_a_mentor_who_leaves_ends_the_holds_on_their_time_and_is_not_paid(held, mentor):
    from accounts.services import account_deletion_request

    account_deletion_request(user=mentor)
    held.refresh_from_db()
    assert held.status == Booking.Status.EXPIRED
    with pytest.raises(PaymentError):
        pay(held)
    assert not Payment.objects.filter(status="succeeded").exists()


def test_a_mentee_holds_at_most_three_times_at_once(mentee, mentor):
    for hours in (50, 52, 54):
        schedule_services.booking_hold(
            slot_id=SlotFactory(mentor=mentor, start=at(hours), end=at(hours + 1)).pk, mentee=mentee, now=NOW
        )
    with pytest.raises(BookingError) as error:
        schedule_services.booking_hold(
            slot_id=SlotFactory(mentor=mentor, start=at(60), end=at(61)).pk, mentee=mentee, now=NOW
        )
    assert error.value.code == "too_many_holds"


def test_a_payment_form_sent_for_another_session_is_refused_as_stale(held, mentor):
    pay(held, key="s" * 32)
    other = schedule_services.booking_hold(
        slot_id=SlotFactory(mentor=mentor, start=at(80), end=at(81)).pk, mentee=held.mentee, now=NOW
    )
    with pytest.raises(PaymentError) as error:
        pay(other, key="s" * 32)
    assert error.value.code == "stale_form"
    other.refresh_from_db()
    assert other.status == Booking.Status.PENDING


def test_staff_cancelling_refunds_in_full_as_the_platform(paid, staff):
    schedule_services.booking_cancel(booking=paid, by=staff, now=paid.slot.start - dt.timedelta(minutes=30))
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason) == (Decimal(50), Refund.Reason.STAFF_CANCELLED)
    event = Event.objects.get(action=Event.Action.PAYMENT_REFUND)  # beside the cancellation's own entry
    assert (event.actor, event.target_id, event.changes["amount"]) == (staff, str(refund.payment_id), "50.00")
